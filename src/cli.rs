//! Command line: tcpdump/tshark-style flags for reading and capturing, plus subcommands for
//! the built-in endpoints. Parsed by clap, then validated into typed options by `run`.

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "sockeye — a terminal packet inspector: see the TCP handshake, sequence \
numbers and UDP datagrams of live traffic or of saved captures.";

const AFTER_HELP: &str = "\
Examples:
  sockeye -r capture.pcapng                 browse the capture in the terminal UI
  sockeye -r capture.pcapng -H              one line per packet, like tcpdump -n -r
  sockeye -r capture.pcapng -V              every layer and field of every packet
  sockeye -r capture.pcapng -T fields -e frame.number -e ip.src -e tcp.seq -E header=y
                                            tshark-compatible columns (Wireshark field names)
  sockeye -r capture.pcapng -T json         one JSON object per packet
  sockeye -r capture.pcapng -Y 'tcp.port == 80 && ip.addr == 10.0.0.0/8'
                                            only the packets a Wireshark display filter selects
  tcpdump -w - | sockeye -r -               read a capture from standard input
  sockeye -i lo -c 10 -w out.pcapng         capture 10 packets on loopback and save them
  sockeye -r capture.pcapng -q -z conv,tcp  conversations, like tshark -z conv,tcp
  sockeye -r capture.pcapng -q -z follow,tcp,ascii,0
                                            the reassembled payload of TCP stream 0
  sockeye -r capture.pcapng --export ladder --packet 1 [--mermaid]
                                            the TCP sequence diagram of packet 1's stream
  sockeye -r capture.pcapng --export diagram --packet 3
                                            RFC header diagrams filled with packet 3's values
  sockeye -D                                list the interfaces you can capture on
  sockeye lab list                          the teaching scenarios (handshake, reset, udp…)

Field names are Wireshark's (ip.src, tcp.flags.syn, tcp.analysis.retransmission):
`sockeye fields` lists every one with its type and description.

Terminal UI: `sockeye -r FILE` opens the interactive UI when standard output is a terminal
and no output flag (-T, -V, -w, -c, -z, -Y, -e) or `read` subcommand is given; otherwise it
prints lines. --ui forces the UI, -H/--headless forces lines. In the UI press ? for keys.

Exit codes: 0 success, 2 bad input, missing permission or damaged capture (the packets read
before the damage are still printed, and one line on stderr says what and where).";

#[derive(Debug, Parser)]
#[command(
    name = "sockeye",
    version,
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

    /// Measure the UI on FILE without a terminal (first screen, indexing, draw times).
    #[arg(long, value_name = "FILE", hide = true)]
    pub bench_draw: Option<String>,

    /// Print version information.
    #[arg(long, action = clap::ArgAction::Version)]
    pub version: Option<bool>,
}

/// The tcpdump/tshark flags shared by reading and live capture.
#[derive(Debug, Args, Default, Clone)]
pub struct IoArgs {
    /// Read packets from a pcap or pcapng file ("-" = standard input).
    #[arg(short = 'r', value_name = "FILE")]
    pub read: Option<String>,

    /// Write the packets to FILE: pcap for .pcap/.cap, pcapng otherwise ("-" = stdout, pcap).
    #[arg(short = 'w', value_name = "FILE")]
    pub write: Option<String>,

    /// Capture live on INTERFACE ("any" = all interfaces). Needs CAP_NET_RAW.
    #[arg(short = 'i', value_name = "INTERFACE")]
    pub interface: Option<String>,

    /// List the interfaces available for capture and exit.
    #[arg(short = 'D')]
    pub list_interfaces: bool,

    /// Stop after N packets.
    #[arg(short = 'c', value_name = "N")]
    pub count: Option<u64>,

    /// Snap length: capture at most N bytes of each packet (0 = 262144, the maximum).
    #[arg(short = 's', value_name = "N", default_value_t = 262_144)]
    pub snaplen: u32,

    /// Do not put the interface into promiscuous mode.
    #[arg(short = 'p')]
    pub no_promiscuous: bool,

    /// Live capture backend: `ring` (Linux TPACKET_V3, lossless, default) or `pnet` (portable;
    /// shows every `lo` packet twice, no direction, no kernel drop counters).
    #[arg(long, value_enum, default_value_t = Backend::Ring)]
    pub backend: Backend,

    /// Kernel ring size in MiB for the `ring` backend.
    #[arg(
        short = 'B',
        long = "buffer-size",
        value_name = "MiB",
        default_value_t = 32
    )]
    pub buffer_mib: u32,

    /// Live UI: keep at most this many MiB of packets in memory (bytes and index); beyond
    /// it the oldest packets are evicted and the status bar counts them. With -w every
    /// packet is also in the file.
    #[arg(long = "store-limit", value_name = "MiB", default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(8..=1_048_576))]
    pub store_limit_mib: u32,

    /// Numeric output (accepted for compatibility: sockeye never resolves names).
    #[arg(short = 'n')]
    pub numeric: bool,

    /// Output format: text (summary lines), fields (-e columns), json (one object a line).
    #[arg(short = 'T', value_enum, value_name = "FORMAT")]
    pub format: Option<OutputFormat>,

    /// A field to print with -T fields (repeat for more columns), e.g. -e ip.src.
    #[arg(short = 'e', value_name = "FIELD")]
    pub fields: Vec<String>,

    /// Options for -T fields, as tshark: header=y|n, separator=/t|/s|C, occurrence=f|l|a,
    /// aggregator=C, quote=d|s|n.
    #[arg(short = 'E', value_name = "KEY=VALUE")]
    pub field_options: Vec<String>,

    /// Print the full layer tree of each packet (every field, indented by layer).
    #[arg(short = 'V')]
    pub verbose: bool,

    /// Display filter (Wireshark syntax, as tshark -Y), applied after analysis: frames that
    /// do not match are analysed but neither printed nor written. E.g. "tcp.port in {80, 443}".
    #[arg(short = 'Y', value_name = "EXPR")]
    pub display_filter: Option<String>,

    /// Capture filter, in the display-filter language (e.g. "tcp.port == 80"), evaluated by
    /// sockeye on each frame before it is kept, numbered, printed or written — not BPF, and
    /// without analysis fields (each frame is judged alone). Applies when reading (-r) too.
    #[arg(short = 'f', value_name = "EXPR")]
    pub capture_filter: Option<String>,

    /// Time format, as tshark -t: r = seconds since the first packet (the UI's default),
    /// d / dd = since the previous captured / displayed packet, a / ad = local time of day /
    /// with date, u / ud = UTC, e = epoch seconds. Sets the UI's Time column and the time of
    /// the summary lines (tcpdump's time of day without -t).
    #[arg(short = 't', value_name = "FORMAT", value_parser = parse_time_format)]
    pub time_format: Option<crate::headless::TimeFormat>,

    /// Statistics after the packets, as tshark -z: conv,tcp | conv,udp |
    /// follow,tcp,ascii,N | follow,udp,ascii,N (N = the tcp.stream / udp.stream index).
    #[arg(short = 'z', value_name = "STAT")]
    pub stats: Vec<String>,

    /// Print one teaching view instead of packets: ladder (the TCP sequence diagram of
    /// the packet's stream), diagram (RFC header diagrams), encap (nested layers and
    /// bytes) or narrate (what the packet means). Pick the packet with --packet.
    #[arg(long, value_enum, value_name = "VIEW")]
    pub export: Option<crate::teach::export::ExportKind>,

    /// The packet (frame number, from 1) for --export.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub packet: u64,

    /// With --export ladder: print Mermaid `sequenceDiagram` source instead of text.
    #[arg(long)]
    pub mermaid: bool,

    /// Quiet: print no packets (useful with -z, as tshark -q).
    #[arg(short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Backend {
    #[default]
    Ring,
    Pnet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Fields,
    Json,
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
    Serve(crate::endpoints::cli::ServeArgs),
    /// Send messages to a TCP/UDP server and print what came back.
    Send(crate::endpoints::cli::SendArgs),
    /// Teaching scenarios: `lab list`, `lab run NAME [--netns] [--trace]`.
    Lab(crate::endpoints::cli::LabArgs),
    /// Watch the built-in endpoints run every teaching scenario in a loop, in a private
    /// network namespace (no sudo needed where user namespaces are allowed).
    Demo(crate::demo::DemoArgs),
}

impl IoArgs {
    /// Whether a flag asks for headless output (lines, fields, a file, a count, stats).
    pub fn wants_headless_output(&self) -> bool {
        self.format.is_some()
            || self.verbose
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

fn parse_time_format(s: &str) -> Result<crate::headless::TimeFormat, String> {
    crate::headless::TimeFormat::from_tshark(s)
        .ok_or_else(|| format!("'{s}' is not a time format: use a, ad, d, dd, e, r, u or ud"))
}
