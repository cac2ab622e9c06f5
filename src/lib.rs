//! sockeye: a terminal packet inspector.
//!
//! Data flows one way: sources yield [`frame::Frame`]s, `decode` turns them into packets
//! whose fields carry Wireshark names (the one table in `field`), analysis adds conversation
//! facts, and the headless printers / UI read the result.

pub mod frame;
pub mod pcapio;
pub mod source;
