//! One integration-test binary (links once): differential tests against tshark's answers,
//! the CLI's behaviour on good and bad input.

mod cli;
mod formats;
mod reference;
mod support;
mod ui;
mod ui_run;
