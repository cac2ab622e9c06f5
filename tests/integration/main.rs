//! The one integration-test binary (the crate links once): differential tests against
//! tshark's recorded answers, the CLI on good and hostile input, the terminal UI, live
//! capture in private namespaces, the built-in endpoints. Helpers live in `kit`; run one
//! area with `cargo test --test integration MODULE` (e.g. `analysis::reference`).
#![deny(unsafe_code)]

mod kit;

mod analysis;
mod app_filter;
mod app_reference;
mod app_summary;
mod architecture;
mod attribution;
mod classroom;
mod cli;
mod cli_ui;
mod demo;
mod endpoints;
mod filter;
mod formats;
mod guards;
mod handouts;
mod hostile;
mod lab_ui;
mod live;
mod merge;
mod names;
mod names_tree;
mod narration_facts;
mod pipes;
mod prefs_ui;
mod privacy;
mod quiz_hiding;
mod reference;
mod regressions;
mod remote;
mod scenario_captures;
mod shell;
mod signals;
mod stats;
mod stats_expert;
mod stats_follow;
mod stats_hexdump;
mod stats_iostat;
mod stats_json;
mod stats_phs;
mod stats_talkers;
mod teach;
mod teach_live;
mod teach_ui;
mod trace;
mod trace_order;
mod trace_orphans;
mod trace_saved;
mod trace_two_hosts;
mod trace_ui;
mod ui;
mod ui_colouring;
mod ui_columns;
mod ui_expert;
mod ui_filter;
mod ui_follow;
mod ui_gone;
mod ui_graphs;
mod ui_help;
mod ui_keys;
mod ui_marks;
mod ui_names;
mod ui_point;
mod ui_process;
mod ui_program_output;
mod ui_run;
mod ui_vantage;
mod vantage;
mod verbose_reference;
mod wire;
