//! Live capture end to end with the real binary inside a private user + network namespace
//! (see `kit::netns`): the headless capture and the live UI.

mod capture;
mod ui;
