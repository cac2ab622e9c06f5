//! One integration-test binary (links once): differential tests against tshark's answers,
//! the CLI's behaviour on good and bad input.

mod architecture;
mod cli;
mod cli_ui;
mod demo;
mod filter;
mod formats;
mod narration_facts;
mod pipes;
mod reference;
mod remote;
mod scenario_captures;
mod shell;
mod stats;
mod support;
mod teach;
mod teach_live;
mod teach_ui;
mod tmux;
mod trace;
mod trace_order;
mod trace_ui;
mod ui;
mod ui_columns;
mod ui_filter;
mod ui_gone;
mod ui_keys;
mod ui_run;
mod verbose_reference;
