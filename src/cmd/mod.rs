//! The commands: what each invocation of sockeye does, given options the CLI has already
//! parsed and validated into domain types (this module never sees clap). Errors are
//! user-facing here (anyhow): one line, exit code 2.

pub mod demo;
pub mod lab;
mod lab_both;
pub mod lesson;
pub mod merge;
pub mod privacy;
pub mod read;
pub mod run;
pub mod ui;

use std::process::ExitCode;

use crate::capture::CaptureOptions;
use crate::endpoints::server::ServerConfig;
use crate::source::{RemoteOptions, RemoteSpec};
use crate::teach::export::ExportKind;

/// One validated invocation.
#[derive(Debug)]
pub enum Command {
    /// `-r FILE` (or `read FILE`) printed: lines, fields, JSON, `-V`, statistics.
    Read {
        path: String,
        plan: read::Plan,
    },
    /// `-r FILE --export KIND --packet N [--mermaid]`.
    Export {
        path: String,
        kind: ExportKind,
        packet: u64,
        mermaid: bool,
    },
    /// `-r FILE --export KIND --format md --packet N`.
    ExportMd {
        path: String,
        kind: ExportKind,
        packet: u64,
    },
    /// `-r FILE --export ladder --format svg --packet N`.
    ExportSvg {
        path: String,
        packet: u64,
        /// The header diagrams rather than the ladder.
        diagram: bool,
        /// The encapsulation rather than the ladder.
        encap: bool,
    },
    /// `-i IFACE` printed.
    Capture {
        opts: CaptureOptions,
        plan: read::Plan,
    },
    /// `-r FILE` (or a pipe) in the terminal UI.
    ReplayUi {
        path: String,
        follow: bool,
        filters: ui::UiFilters,
    },
    /// `-i ssh://…|k8s://…|cmd://…` printed.
    Remote {
        spec: RemoteSpec,
        remote: RemoteOptions,
        plan: read::Plan,
    },
    /// `-i ssh://…|k8s://…|cmd://…` in the terminal UI.
    RemoteUi {
        spec: RemoteSpec,
        remote: RemoteOptions,
        filters: ui::UiFilters,
    },
    /// Several `-r`/`-i` inputs merged by time, printed.
    Merge {
        job: merge::MergeJob,
        plan: read::Plan,
    },
    /// Several `-r`/`-i` inputs merged by time, in the terminal UI.
    MergeUi {
        job: merge::MergeJob,
        filters: ui::UiFilters,
    },
    /// `-i IFACE` in the terminal UI.
    CaptureUi {
        opts: CaptureOptions,
        filters: ui::UiFilters,
    },
    /// `-D`.
    ListInterfaces,
    /// `sockeye fields`.
    Fields,
    Serve(ServerConfig),
    Send(lab::SendJob),
    Lab(lab::LabJob),
    Demo(demo::DemoOptions),
    /// `sockeye lesson [--check] FILE`.
    Lesson(lesson::LessonOptions),
    /// `sockeye run -- PROGRAM`.
    Run(run::RunOptions),
    /// Text made from the command-line definitions (completions, the manual page).
    Print(Vec<u8>),
}

/// Runs one invocation.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Read { path, plan } => read::read_capture(&path, plan),
        Command::Export {
            path,
            kind,
            packet,
            mermaid,
        } => read::export(&path, kind, packet, mermaid),
        Command::ExportMd { path, kind, packet } => read::export_md(&path, kind, packet),
        Command::ExportSvg {
            path,
            packet,
            diagram,
            encap,
        } => {
            let mut out = std::io::stdout().lock();
            if diagram || encap {
                crate::teach::svg::export_diagrams(&path, packet, encap, &mut out)?;
            } else {
                crate::teach::svg::export_ladder(&path, packet, &mut out)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Capture { opts, plan } => read::capture_live(&opts, plan),
        Command::ReplayUi {
            path,
            follow,
            filters,
        } => ui::replay(&path, follow, filters),
        Command::Remote { spec, remote, plan } => read::capture_remote(&spec, &remote, plan),
        Command::RemoteUi {
            spec,
            remote,
            filters,
        } => ui::remote(&spec, &remote, filters),
        Command::CaptureUi { opts, filters } => ui::run(&opts, filters),
        Command::Merge { job, plan } => merge::headless(&job, plan),
        Command::MergeUi { job, filters } => merge::ui(&job, filters),
        Command::ListInterfaces => {
            print!(
                "{}",
                crate::interfaces::format_list(&crate::interfaces::list())
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Fields => {
            print_field_table();
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(cfg) => Ok(lab::serve(cfg)?),
        Command::Send(job) => Ok(lab::send(job)?),
        Command::Lab(job) => Ok(lab::lab(job)?),
        Command::Demo(opts) => demo::run(&opts),
        Command::Lesson(opts) => lesson::run(&opts),
        Command::Run(opts) => run::run(&opts),
        Command::Print(text) => {
            use std::io::Write;
            std::io::stdout().write_all(&text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `sockeye fields`: the one field table, as `tshark -G fields` would list it.
fn print_field_table() {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for def in crate::field::FIELDS {
        let kind = match def.display {
            crate::field::Display::Protocol => "protocol/flag".to_string(),
            other => format!("{other:?}").to_lowercase(),
        };
        let _ = writeln!(out, "{:<36} {:<14} {}", def.name, kind, def.title);
    }
}
