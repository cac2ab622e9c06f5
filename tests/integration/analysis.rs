//! The TCP/UDP analysis engine against tshark 4.0: every reference capture cell for cell,
//! synthetic and generated messy traffic, conversation tables and follow streams, states,
//! and hostile inputs. Frames reach the engine through the product's own decoder.

mod hostile;
mod reference;
mod state;
mod synthetic;
mod tables;
mod throughput;
