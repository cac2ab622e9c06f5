//! After-the-packets statistics that both the headless `-z` printers and the terminal UI
//! need: expert information grouped as Wireshark groups it, and IO intervals. Pure
//! functions over what the pipeline computed ([`crate::dissect::Dissection`]); the
//! printers and views only format the result.

pub mod expert;
pub mod hierarchy;
pub mod io;
pub mod talkers;
