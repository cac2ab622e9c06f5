//! The text around the flags in `--help` and the man page: what sockeye is, and examples
//! grouped as tcpdump and tshark users look for them; the completion scripts and the manual page
//! made from the same definitions.

use clap::ValueEnum;

use super::Cli;

pub(super) const ABOUT: &str =
    "sockeye — a terminal packet inspector: see the TCP handshake, sequence \
numbers and UDP datagrams of live traffic or of saved captures.";

pub(super) const AFTER_HELP: &str = "\
Examples, by the groups above:
 Input
  sockeye -r capture.pcapng                 browse the capture in the terminal UI
  tcpdump -U -w - | sockeye -r -            read a pipe, packets shown as they come (also -i -)
  sockeye -r growing.pcap --follow          keep showing packets as the file grows (Ctrl-C ends)
 Capture
  sockeye -D                                list the interfaces you can capture on
  sockeye -i lo -c 10 -w out.pcapng         capture 10 packets on loopback and save them
 Output
  sockeye -r capture.pcapng -H              one line per packet, like tcpdump -n -r
  sockeye -r capture.pcapng -V              every layer and field of every packet
  sockeye -r capture.pcapng -x              each packet's bytes as a hex dump (tshark -x)
  sockeye -r capture.pcapng -T fields -e frame.number -e ip.src -e tcp.seq -E header=y
                                            tshark-compatible columns (Wireshark field names)
  sockeye -r capture.pcapng -T json         tshark's JSON: _index, _source.layers, one object
                                            per layer (--no-duplicate-keys: arrays)
  sockeye -r capture.pcapng -T ek           tshark's -T ek: an index line + one line per packet
 Filters
  sockeye -r capture.pcapng -Y 'tcp.port == 80 && ip.addr == 10.0.0.0/8'
                                            only the packets a Wireshark display filter selects
 Statistics
  sockeye -r capture.pcapng -q -z conv,tcp  conversations, like tshark -z conv,tcp
  sockeye -r capture.pcapng -q -z follow,tcp,ascii,0
                                            the reassembled payload of TCP stream 0
  sockeye -r capture.pcapng -q -z follow,tcp,hex,0
                                            the same as a hex dump (raw: bare hex per chunk)
  sockeye -r capture.pcapng -q -z expert    expert info by severity (also expert,warn)
  sockeye -r capture.pcapng -q -z io,phs    the protocol hierarchy (frames, bytes per protocol)
  sockeye -r capture.pcapng -q -z io,stat,1,tcp,'COUNT(tcp.analysis.retransmission)tcp'
                                            per second: all frames, TCP frames, retransmissions
  sockeye -r capture.pcapng -q -z endpoints,ip
                                            IPv4 endpoints (also eth, ipv6, tcp, udp)
  sockeye -r capture.pcapng -q -z conv,ip   IPv4 conversations (also eth, ipv6, tcp, udp)
 Teaching
  sockeye -r capture.pcapng --export ladder --packet 1 [--mermaid]
                                            the TCP sequence diagram of packet 1's stream
  sockeye -r capture.pcapng --export diagram --packet 3
                                            RFC header diagrams filled with packet 3's values
  sockeye lab list                          the teaching scenarios (handshake, reset, udp…)
  sockeye run --trace -- python3 client.py  your own program's socket calls beside its packets
 Remote capture
  sockeye -i ssh://me@gw/eth0 --remote-filter 'port 53'
                                            capture on another machine (runs tcpdump there over ssh)
  sockeye -i k8s://prod/api-0/app/eth0      capture inside a Kubernetes pod (kubectl exec)
  sockeye -i 'cmd://tcpdump -U -w - -i eth0' read any command's pcap output
 Several sources
  sockeye -r a.pcapng -r b.pcap -w both.pcapng
                                            merge files by time, as mergecap (frame.interface_name
                                            tells them apart; one pcapng interface each)
  sockeye -i eth0 -i ssh://me@gw/eth0       capture here and there at once, one timeline
  sockeye -r both.pcapng -T fields -e frame.number -e sockeye.vantage.delay
                                            a segment seen at both ends: its one-way delay
  sudo sockeye lab run handshake --netns --capture both
                                            one connection seen from both ends of the link: the
                                            UI opens on each segment's one-way delay (-H: text)
 Shell
  source <(sockeye completions bash)        Tab completion (also zsh, fish); `make man` for sockeye.1

Field names are Wireshark's (ip.src, tcp.flags.syn, tcp.analysis.retransmission):
`sockeye fields` lists every one with its type and description.

Terminal UI: `sockeye -r FILE` opens the interactive UI when standard output is a terminal
and no output flag (-T, -V, -w, -c, -z, -Y, -e) or `read` subcommand is given; otherwise it
prints lines. --ui forces the UI, -H/--headless forces lines. In the UI press ? for keys.

Exit codes: 0 success, 2 bad input, missing permission or damaged capture (the packets read
before the damage are still printed, and one line on stderr says what and where).";

/// The completion script for `shell`.
pub fn completions(shell: ShellArg) -> Vec<u8> {
    use clap::CommandFactory;
    let shell = match shell {
        ShellArg::Bash => clap_complete::Shell::Bash,
        ShellArg::Zsh => clap_complete::Shell::Zsh,
        ShellArg::Fish => clap_complete::Shell::Fish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "sockeye", &mut out);
    out
}

/// The manual page, in roff: clap_mangen's sections from the same definitions as
/// `--help`, with the help's examples as an EXAMPLES section.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    use clap::CommandFactory;
    use std::io::Write;
    let man = clap_mangen::Man::new(Cli::command());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    man.render_subcommands_section(&mut out)?;
    writeln!(out, ".SH EXAMPLES\n.nf")?;
    for line in AFTER_HELP.lines() {
        // Roff reads a backslash as an escape and a leading dot or quote as a request.
        let line = line.replace('\\', "\\e");
        let line = match line.chars().next() {
            Some('.' | '\'') => format!("\\&{line}"),
            _ => line,
        };
        writeln!(out, "{line}")?;
    }
    writeln!(out, ".fi")?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// Shells `sockeye completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
}

/// `--version`: the package version and the commit it was built from (`build.rs`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("SOCKEYE_GIT_COMMIT"),
    ")"
);
