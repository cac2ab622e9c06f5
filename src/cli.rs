//! Command line: tcpdump/tshark-style flags for reading and capturing, plus subcommands for
//! the built-in endpoints. Every clap type lives here; [`Cli::into_command`] validates the
//! flags (filters compiled, `-z` and `-E` parsed, the UI rule applied) into the commands'
//! domain options, so nothing below this module knows clap.

mod endpoints;
mod help;
mod io;
mod lesson;
mod run;
mod validate;

pub use help::{completions, man_page, ShellArg, VERSION};
use help::{ABOUT, AFTER_HELP};

use lesson::lesson_handout;
pub use lesson::{HandoutFormat, LessonArgs};

pub use endpoints::{
    DemoArgs, LabArgs, LabCommand, LabRunArgs, ModeArg, Proto, SendArgs, ServeArgs,
};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::capture::CaptureOptions;
use crate::cmd::{self, ui::UiFilters};
use crate::source::{RemoteOptions, RemoteSpec};
use crate::teach::export::ExportKind;

#[derive(Debug, Parser)]
#[command(
    name = "sockeye",
    version = VERSION,
    about = ABOUT,
    after_help = AFTER_HELP,
    disable_version_flag = true,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub io: IoArgs,

    /// Open the terminal UI even when standard output is not a terminal.
    #[arg(long, conflicts_with = "headless")]
    pub ui: bool,

    /// Never open the terminal UI: print lines as tcpdump does.
    #[arg(short = 'H', long)]
    pub headless: bool,

    /// Print version information.
    #[arg(long, action = clap::ArgAction::Version)]
    pub version: Option<bool>,

    /// With --export lesson: the lesson file (.toml) to write as one handout.
    #[arg(help_heading = "Teaching", value_name = "LESSON")]
    pub lesson: Option<std::path::PathBuf>,
}

/// The tcpdump/tshark flags shared by reading and live capture.
#[derive(Debug, Args, Default, Clone)]
pub struct IoArgs {
    /// Read packets from a pcap or pcapng file ("-" = standard input). Repeat to merge
    /// several files by time, as mergecap (each keeps its own interface id and name).
    #[arg(help_heading = "Input", short = 'r', value_name = "FILE")]
    pub read: Vec<String>,

    /// Write the packets to FILE: pcap for .pcap/.cap, pcapng otherwise ("-" = stdout, pcap).
    #[arg(help_heading = "Output", short = 'w', value_name = "FILE")]
    pub write: Option<String>,

    /// Capture live on INTERFACE ("any" = all interfaces). Needs CAP_NET_RAW. Repeat to
    /// capture on several at once, merged by time (interfaces, ssh://, k8s://, cmd://, "-"
    /// in any mix; -r files too).
    #[arg(help_heading = "Capture", short = 'i', value_name = "INTERFACE")]
    pub interface: Vec<String>,

    /// List the interfaces available for capture and exit.
    #[arg(help_heading = "Capture", short = 'D')]
    pub list_interfaces: bool,

    /// Stop after N packets.
    #[arg(help_heading = "Output", short = 'c', value_name = "N")]
    pub count: Option<u64>,

    /// Snap length: capture at most N bytes of each packet (0 = 262144, the maximum).
    #[arg(
        help_heading = "Capture",
        short = 's',
        value_name = "N",
        default_value_t = 262_144
    )]
    pub snaplen: u32,

    /// Do not put the interface into promiscuous mode.
    #[arg(help_heading = "Capture", short = 'p')]
    pub no_promiscuous: bool,

    /// Live capture backend: `ring` (Linux TPACKET_V3, lossless, default) or `pnet` (portable;
    /// shows every `lo` packet twice, no direction, no kernel drop counters).
    #[arg(help_heading = "Capture", long, value_enum, default_value_t = Backend::Ring)]
    pub backend: Backend,

    /// Kernel ring size in MiB for the `ring` backend.
    #[arg(
        help_heading = "Capture",
        short = 'B',
        long = "buffer-size",
        value_name = "MiB",
        default_value_t = 32
    )]
    pub buffer_mib: u32,

    /// Live UI: keep at most this many MiB of packets in memory (bytes and index); beyond
    /// it the oldest packets are evicted and the status bar counts them. With -w every
    /// packet is also in the file.
    #[arg(help_heading = "Capture", long = "store-limit", value_name = "MiB", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(8..=1_048_576))]
    pub store_limit_mib: u32,

    /// Numeric output: no name resolution (the default; -N overrides it, as in tshark).
    #[arg(help_heading = "Output", short = 'n')]
    pub numeric: bool,

    /// Resolve names, as tshark -N: m = MAC vendors (HonHaiPr_6e:8b:24), t = port names
    /// (http(80)), d = host names from the capture's own DNS answers (n and N are accepted
    /// and add nothing: sockeye reads no hosts file and never sends a query). Shown in
    /// -T fields (_ws.col.Source, _ws.col.Info, eth.src_resolved, ip.src_host, …) and -Y.
    #[arg(help_heading = "Output", short = 'N', value_name = "LETTERS")]
    pub resolve: Option<String>,

    /// Output format: text (summary lines), fields (-e columns), json (tshark's -T json),
    /// ek (tshark's -T ek: Elasticsearch bulk lines).
    #[arg(
        help_heading = "Output",
        short = 'T',
        value_enum,
        value_name = "FORMAT"
    )]
    pub format: Option<OutputFormat>,

    /// A field to print with -T fields (repeat for more columns), e.g. -e ip.src.
    #[arg(help_heading = "Output", short = 'e', value_name = "FIELD")]
    pub fields: Vec<String>,

    /// Options for -T fields, as tshark: header=y|n, separator=/t|/s|C, occurrence=f|l|a,
    /// aggregator=C, quote=d|s|n.
    #[arg(help_heading = "Output", short = 'E', value_name = "KEY=VALUE")]
    pub field_options: Vec<String>,

    /// Print the full layer tree of each packet (every field, indented by layer).
    #[arg(help_heading = "Output", short = 'V')]
    pub verbose: bool,

    /// With -T json: write a field that occurs several times in one object as one array
    /// (tshark's --no-duplicate-keys) instead of repeating its key.
    #[arg(help_heading = "Output", long)]
    pub no_duplicate_keys: bool,

    /// Hex and ASCII dump of each packet's bytes, as tshark -x (alone: the dumps only; with
    /// -V: after each tree).
    #[arg(help_heading = "Output", short = 'x')]
    pub hex_dump: bool,

    /// Display filter (Wireshark syntax, as tshark -Y), applied after analysis: frames that
    /// do not match are analysed but neither printed nor written. E.g. "tcp.port in {80, 443}".
    #[arg(help_heading = "Filters", short = 'Y', value_name = "EXPR")]
    pub display_filter: Option<String>,

    /// Capture filter, in the display-filter language (e.g. "tcp.port == 80"), evaluated by
    /// sockeye on each frame before it is kept, numbered, printed or written — not BPF, and
    /// without analysis fields (each frame is judged alone). Applies when reading (-r) too.
    #[arg(help_heading = "Filters", short = 'f', value_name = "EXPR")]
    pub capture_filter: Option<String>,

    /// Time format, as tshark -t: r = seconds since the first packet (the UI's default),
    /// d / dd = since the previous captured / displayed packet, a / ad = local time of day /
    /// with date, u / ud = UTC, e = epoch seconds. Sets the UI's Time column and the time of
    /// the summary lines (tcpdump's time of day without -t).
    #[arg(short = 't', value_name = "FORMAT", value_parser = parse_time_format)]
    pub time_format: Option<crate::headless::TimeFormat>,

    /// The UI's preferences profile (as Wireshark's profiles): columns, widths and time
    /// format are read from profiles/NAME.toml in sockeye's config directory instead of
    /// preferences.toml, and `W` in the UI saves there. E.g. --profile classroom
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Statistics after the packets, as tshark -z: conv,tcp|udp|eth|ip|ipv6 |
    /// endpoints,eth|ip|ipv6|tcp|udp | io,phs[,FILTER] |
    /// io,stat,INTERVAL[,FILTER|FUNC(FIELD)FILTER…] (FUNC: COUNT SUM MIN MAX AVG FRAMES BYTES) |
    /// follow,tcp|udp,ascii|hex|raw,N (N = the tcp.stream / udp.stream index) |
    /// expert[,error|warn|note|chat][,FILTER].
    #[arg(help_heading = "Statistics", short = 'z', value_name = "STAT")]
    pub stats: Vec<String>,

    /// Print one teaching view instead of packets: ladder (the TCP sequence diagram of
    /// the packet's stream), diagram (RFC header diagrams), encap (nested layers and
    /// bytes) or narrate (what the packet means). Pick the packet with --packet.
    /// `--export lesson LESSON --format md|html` writes a whole lesson file as one handout.
    #[arg(help_heading = "Teaching", long, value_enum, value_name = "VIEW")]
    pub export: Option<ExportArg>,

    /// The packet (frame number, from 1) for --export.
    #[arg(help_heading = "Teaching", long, value_name = "N", default_value_t = 1)]
    pub packet: u64,

    /// With --export: txt (the default), svg (ladder, diagram, encap drawn for slides) or md
    /// (the text view in a fenced block with the narration, for handouts); with --export
    /// lesson: md (the default) or html (one self-contained page, the views drawn as SVG).
    #[arg(
        help_heading = "Teaching",
        long = "format",
        value_enum,
        value_name = "FORMAT"
    )]
    pub export_format: Option<ExportFormatArg>,

    /// With --export ladder: print Mermaid `sequenceDiagram` source instead of text.
    #[arg(help_heading = "Teaching", long)]
    pub mermaid: bool,

    /// Privacy mode, for projecting a capture: IP addresses mapped prefix-preserving
    /// (Crypto-PAn, a new key each run), MACs keep only their vendor prefix, everything above
    /// the transport header (payload, host names) removed. Applies to the UI, every output
    /// and -w (the anonymised bytes are what is written).
    #[arg(help_heading = "Output", long)]
    pub anonymize: bool,

    /// Quiet: print no packets (useful with -z, as tshark -q).
    #[arg(help_heading = "Output", short = 'q')]
    pub quiet: bool,

    /// Line-buffered output: each packet's line is written as soon as it is decoded (as
    /// tcpdump -l; the default when standard output is a terminal and the input is live).
    #[arg(help_heading = "Output", short = 'l')]
    pub line_buffered: bool,

    /// With -r FILE: at the end of the file, wait for it to grow and show new packets as
    /// they are written (like tail -f), until Ctrl-C.
    #[arg(help_heading = "Input", long)]
    pub follow: bool,

    /// The ssh program for -i ssh://[user@]host[:port]/IFACE.
    #[arg(
        help_heading = "Remote capture",
        long,
        value_name = "PROGRAM",
        env = "SOCKEYE_SSH"
    )]
    pub ssh_command: Option<String>,

    /// The kubectl program for -i k8s://[namespace/]pod[/container][/IFACE].
    #[arg(
        help_heading = "Remote capture",
        long,
        value_name = "PROGRAM",
        env = "SOCKEYE_KUBECTL"
    )]
    pub kubectl_command: Option<String>,

    /// What runs on the remote side instead of `tcpdump -U -w - -i IFACE [FILTER]`
    /// ({iface} and {filter} are replaced, shell-quoted), e.g. 'sockeye -i {iface} -w -'.
    #[arg(help_heading = "Remote capture", long, value_name = "COMMAND")]
    pub remote_capture_command: Option<String>,

    /// A tcpdump (BPF) capture filter run on the remote side, so only wanted packets cross
    /// the network (-f still applies here, with Wireshark syntax).
    #[arg(help_heading = "Remote capture", long, value_name = "BPF")]
    pub remote_filter: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Backend {
    #[default]
    Ring,
    Pnet,
}

impl From<Backend> for crate::source::Backend {
    fn from(b: Backend) -> Self {
        match b {
            Backend::Ring => crate::source::Backend::Ring,
            Backend::Pnet => crate::source::Backend::Pnet,
        }
    }
}

/// `--export VIEW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportArg {
    /// The ladder (sequence diagram) of the packet's TCP stream or UDP conversation.
    Ladder,
    /// RFC-style header diagrams of every layer, with the real values.
    Diagram,
    /// Nested layers with offsets, lengths and how each length is known, then the bytes.
    Encap,
    /// What the packet means, in plain sentences.
    Narrate,
    /// A whole lesson file (the LESSON argument) as one handout, Markdown or HTML.
    Lesson,
}

impl ExportArg {
    /// The teaching view of one packet this asks for (`None`: a lesson's handout).
    fn view(self) -> Option<ExportKind> {
        match self {
            ExportArg::Ladder => Some(ExportKind::Ladder),
            ExportArg::Diagram => Some(ExportKind::Diagram),
            ExportArg::Encap => Some(ExportKind::Encap),
            ExportArg::Narrate => Some(ExportKind::Narrate),
            ExportArg::Lesson => None,
        }
    }
}

/// `--format` of `--export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    Txt,
    Svg,
    /// Markdown: the text view in a fenced block, then what the packet means.
    Md,
    /// HTML: one self-contained page (--export lesson only).
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Fields,
    Json,
    /// tshark's -T ek: an index line and a one-line document per packet.
    Ek,
}

// Parsed once per run; boxing the flags would only complicate clap's derive.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a capture file and print one line per packet (same as -r FILE).
    Read {
        /// The pcap or pcapng file ("-" = standard input).
        file: String,
        #[command(flatten)]
        io: Box<IoArgs>,
    },
    /// List every field name sockeye knows (the names -e, -Y and -T json use).
    Fields,
    /// Run a TCP/UDP echo, discard or chargen server that prints every socket call.
    Serve(ServeArgs),
    /// Send messages to a TCP/UDP server and print what came back.
    Send(SendArgs),
    /// Teaching scenarios: `lab list`, `lab run NAME [--netns] [--trace]`.
    Lab(LabArgs),
    /// Watch the built-in endpoints run every teaching scenario in a loop, in a private
    /// network namespace (no sudo needed where user namespaces are allowed).
    Demo(DemoArgs),
    /// Play a lesson file (TOML: a capture and steps, each a packet, a view, a field to
    /// highlight, the lecturer's text and an optional quiz; see lessons/README.md):
    /// ←/→ move, 3 Enter jumps to step 3, Q asks a quiz question, q quits.
    Lesson(LessonArgs),
    /// Print a shell completion script: `source <(sockeye completions bash)`, or save it
    /// where your shell loads completions (zsh: a directory in $fpath as _sockeye; fish:
    /// ~/.config/fish/completions/sockeye.fish).
    Completions {
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// Run PROGRAM and show its socket calls beside the packets they cause (traced with
    /// ptrace + seccomp, in a private network namespace): `sockeye run -- python3 client.py`.
    Run(run::RunArgs),
    /// Print the manual page (roff), made from these same definitions: `sockeye man >
    /// sockeye.1; man -l sockeye.1` (or `make man`).
    Man,
}

impl IoArgs {
    /// Whether a flag asks for headless output (lines, fields, a file, a count, stats).
    pub fn wants_headless_output(&self) -> bool {
        self.format.is_some()
            || self.verbose
            || self.hex_dump
            || self.write.is_some()
            || self.count.is_some()
            || !self.stats.is_empty()
            || self.display_filter.is_some()
            || !self.fields.is_empty()
    }
}

impl Cli {
    /// The UI rule: --ui forces it, --headless or any output flag prevents it, otherwise a
    /// terminal on standard output decides.
    pub fn wants_ui(&self, stdout_is_terminal: bool) -> bool {
        if self.ui {
            return true;
        }
        !self.headless && stdout_is_terminal && !self.io.wants_headless_output()
    }
}

impl Cli {
    /// Validates the flags into one command. `stdout_is_terminal` decides the UI rule.
    pub fn into_command(self, stdout_is_terminal: bool) -> anyhow::Result<cmd::Command> {
        let ui = self.wants_ui(stdout_is_terminal);
        Ok(match self.command {
            Some(Command::Fields) => cmd::Command::Fields,
            Some(Command::Read { file, io }) => read_command(file, &io)?,
            Some(Command::Serve(a)) => cmd::Command::Serve(a.config()),
            Some(Command::Send(a)) => cmd::Command::Send(a.job()?),
            Some(Command::Lab(a)) => cmd::Command::Lab(a.job(stdout_is_terminal)),
            Some(Command::Demo(a)) => cmd::Command::Demo(a.options()),
            Some(Command::Lesson(a)) => cmd::Command::Lesson(cmd::lesson::LessonOptions {
                path: a.file,
                check: a.check,
                export: a.export.map(Into::into),
            }),
            Some(Command::Run(a)) => cmd::Command::Run(a.options(stdout_is_terminal)?),
            Some(Command::Completions { shell }) => cmd::Command::Print(completions(shell)),
            Some(Command::Man) => cmd::Command::Print(man_page()?),
            None if self.io.export == Some(ExportArg::Lesson) => lesson_handout(&self)?,
            None if self.lesson.is_some() => {
                let name = self.lesson.unwrap_or_default();
                anyhow::bail!(
                    "unexpected argument '{}': a file named alone is a lesson for --export lesson \
                     (read a capture with -r FILE; `sockeye --help` lists the commands)",
                    name.display()
                )
            }
            None if self.io.list_interfaces => cmd::Command::ListInterfaces,
            None if self.io.is_merge() => {
                let job = self.io.merge_job()?;
                if ui {
                    cmd::Command::MergeUi {
                        job,
                        filters: self.io.ui_filters()?,
                    }
                } else {
                    cmd::Command::Merge {
                        job,
                        plan: validate::plan(&self.io)?,
                    }
                }
            }
            None if self.io.read.is_empty() && self.io.remote()?.is_some() => {
                let Some((spec, remote)) = self.io.remote()? else {
                    anyhow::bail!("-i: not a remote source");
                };
                if ui {
                    cmd::Command::RemoteUi {
                        spec,
                        remote,
                        filters: self.io.ui_filters()?,
                    }
                } else {
                    cmd::Command::Remote {
                        spec,
                        remote,
                        plan: validate::plan(&self.io)?,
                    }
                }
            }
            None => match (self.io.read_path(), self.io.capture_options()) {
                (Some(path), _) if ui && self.io.export.is_none() => cmd::Command::ReplayUi {
                    path,
                    follow: self.io.follow,
                    filters: self.io.ui_filters()?,
                },
                (Some(path), _) => read_command(path, &self.io)?,
                (None, Some(opts)) if ui => cmd::Command::CaptureUi {
                    opts,
                    filters: self.io.ui_filters()?,
                },
                (None, Some(opts)) => cmd::Command::Capture {
                    opts,
                    plan: validate::plan(&self.io)?,
                },
                (None, None) if ui => {
                    let filters = self.io.ui_filters()?;
                    // The preferences' default interface first, else the first one up.
                    let preferred = filters
                        .prefs
                        .as_ref()
                        .and_then(|p| p.prefs.default_interface.clone());
                    let Some(name) = preferred.or_else(crate::interfaces::default_interface)
                    else {
                        anyhow::bail!(
                            "no interface is up with an address to capture on; give -i INTERFACE \
                             (see `sockeye -D`), open a capture with -r FILE, or try `sockeye demo`"
                        );
                    };
                    let io = IoArgs {
                        interface: vec![name],
                        ..self.io.clone()
                    };
                    match io.capture_options() {
                        Some(opts) => cmd::Command::CaptureUi { opts, filters },
                        None => anyhow::bail!("cannot capture on the default interface"),
                    }
                }
                (None, None) => anyhow::bail!(
                    "nothing to do: give -r FILE to read a capture or -i INTERFACE to capture (see `sockeye --help`)"
                ),
            },
        })
    }
}

/// `-r FILE` printed, or one of its teaching views exported.
fn read_command(path: String, io: &IoArgs) -> anyhow::Result<cmd::Command> {
    let export = match io.export {
        Some(arg) => match arg.view() {
            Some(kind) => Some(kind),
            None => anyhow::bail!(
                "--export lesson reads the captures its lesson file names: give the lesson file instead of -r"
            ),
        },
        None => None,
    };
    if io.export_format == Some(ExportFormatArg::Html) {
        anyhow::bail!("--format html is for --export lesson: one packet's view is txt, svg or md");
    }
    Ok(match export {
        Some(ExportKind::Ladder) if io.export_format == Some(ExportFormatArg::Svg) => {
            cmd::Command::ExportSvg {
                path,
                packet: io.packet,
                diagram: false,
                encap: false,
            }
        }
        Some(ExportKind::Diagram) if io.export_format == Some(ExportFormatArg::Svg) => {
            cmd::Command::ExportSvg {
                path,
                packet: io.packet,
                diagram: true,
                encap: false,
            }
        }
        Some(ExportKind::Encap) if io.export_format == Some(ExportFormatArg::Svg) => {
            cmd::Command::ExportSvg {
                path,
                packet: io.packet,
                diagram: false,
                encap: true,
            }
        }
        Some(_) if io.export_format == Some(ExportFormatArg::Svg) => {
            anyhow::bail!("--format svg: the ladder, the header diagrams and the encapsulation are drawn as SVG")
        }
        Some(kind) if io.export_format == Some(ExportFormatArg::Md) => cmd::Command::ExportMd {
            path,
            kind,
            packet: io.packet,
        },
        Some(kind) => cmd::Command::Export {
            path,
            kind,
            packet: io.packet,
            mermaid: io.mermaid,
        },
        None => cmd::Command::Read {
            path,
            plan: validate::plan(io)?,
        },
    })
}

fn parse_time_format(s: &str) -> Result<crate::headless::TimeFormat, String> {
    crate::headless::TimeFormat::from_tshark(s)
        .ok_or_else(|| format!("'{s}' is not a time format: use a, ad, d, dd, e, r, u or ud"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_come_from_the_shared_flags() {
        let io = IoArgs {
            interface: vec!["lo".into()],
            count: Some(5),
            snaplen: 96,
            no_promiscuous: true,
            buffer_mib: 4,
            ..IoArgs::default()
        };
        let opts = io.capture_options().expect("-i given");
        assert_eq!(opts.interface, "lo");
        assert_eq!(opts.count, Some(5));
        assert!(!opts.promiscuous);
        assert_eq!(opts.buffer_mib, 4);
        assert!(IoArgs::default().capture_options().is_none());
    }
}
