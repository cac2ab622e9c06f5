//! The ladder (sequence) diagram of one TCP stream or UDP conversation: the client and the
//! server as columns, one arrow per segment labelled as Wireshark writes it (flags, Seq,
//! Ack, Win where the sender's window changes and on every zero window, Len), handshake,
//! teardown and analysis verdicts marked. As text for the terminal and slides, and as
//! Mermaid for documents. The words of a segment come from [`LabelState`], which the UI's
//! ladder uses too, so every ladder says the same thing.

use std::fmt::Write as _;

use etherparse::TcpHeaderSlice;

use super::calls::CallNote;
use crate::analysis::Role;
use crate::dissect::Dissection;

/// One arrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRow {
    pub frame: u64,
    pub rel_ns: i64,
    /// Sent by the left host (the client; for UDP, the first sender).
    pub from_left: bool,
    pub label: String,
    /// Analysis verdicts ("TCP Retransmission", …) or the stage ("handshake",
    /// "teardown", "reset"); empty when none.
    pub marks: Vec<&'static str>,
}

/// The ladder of one TCP stream (or UDP conversation), built packet by packet.
#[derive(Debug, Clone, Default)]
pub struct Ladder {
    pub stream: u64,
    /// A UDP conversation (`udp.stream`) rather than a TCP stream.
    pub udp: bool,
    pub left: String,
    pub right: String,
    pub rows: Vec<LadderRow>,
    first_ts: Option<i64>,
    words: LabelState,
}

/// Where in a connection's life a segment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Handshake,
    Teardown,
    Reset,
}

impl Stage {
    pub fn word(self) -> &'static str {
        match self {
            Stage::Handshake => "handshake",
            Stage::Teardown => "teardown",
            Stage::Reset => "reset",
        }
    }
}

/// The words of one segment on a ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentWords {
    /// `[SYN, ACK] Seq=0 Ack=1 Win=8192 Len=0`
    pub label: String,
    pub stage: Option<Stage>,
}

/// `SYN`, `SYN, ACK`, `PSH, ACK`, … as Wireshark's Info column writes them.
pub fn flag_names(tcp: &TcpHeaderSlice<'_>) -> String {
    crate::dissect::columns::flag_names(tcp)
}

/// Each sender's last advertised window, so a label shows `Win=` only where it changed
/// (and on every zero window, which a flow-control lesson needs to see).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelState {
    last_win: [Option<u64>; 2],
}

impl LabelState {
    /// Remembers `d`'s window without labelling it (for rows before a ladder's window).
    pub fn prime(&mut self, d: &Dissection<'_>, from_left: bool) {
        if let Some(win) = window(d) {
            self.last_win[usize::from(!from_left)] = Some(win);
        }
    }

    /// The words of TCP segment `d`, sent by the left (client) end when `from_left`.
    pub fn tcp(
        &mut self,
        d: &Dissection<'_>,
        tcp: &TcpHeaderSlice<'_>,
        from_left: bool,
    ) -> SegmentWords {
        let facts = d.tcp.as_ref();
        let mut label = format!("[{}]", flag_names(tcp));
        let seq = facts.map_or(tcp.sequence_number(), |f| f.seq_rel);
        let _ = write!(label, " Seq={seq}");
        if tcp.ack() {
            let ack = facts.map_or(tcp.acknowledgment_number(), |f| f.ack_rel);
            let _ = write!(label, " Ack={ack}");
        }
        let side = usize::from(!from_left);
        if let Some(win) = window(d) {
            if self.last_win[side] != Some(win) || win == 0 {
                let _ = write!(label, " Win={win}");
            }
            self.last_win[side] = Some(win);
        }
        let _ = write!(label, " Len={}", d.packet.tcp_len.unwrap_or(0));
        let completes_handshake =
            facts.is_some_and(|f| f.handshake.ack_frame == Some(d.info.number));
        let stage = if tcp.rst() {
            Some(Stage::Reset)
        } else if tcp.syn() || completes_handshake {
            Some(Stage::Handshake)
        } else if tcp.fin() {
            Some(Stage::Teardown)
        } else {
            None
        };
        SegmentWords { label, stage }
    }
}

/// The window a segment advertises: scaled by the analysis where it knows the scale.
fn window(d: &Dissection<'_>) -> Option<u64> {
    match (&d.tcp, d.packet.tcp()) {
        (Some(f), _) => Some(f.window_size),
        (None, Some(t)) => Some(u64::from(t.window_size())),
        _ => None,
    }
}

/// `UDP Len=6 "alpha\n"`: the datagram's length and, when it is text, how it starts.
pub fn datagram_label(packet: &crate::decode::Packet<'_>) -> String {
    let len = packet.udp().map_or(0, |udp| udp.length().saturating_sub(8));
    let payload = packet.payload_bytes();
    let head = payload.get(..payload.len().min(16)).unwrap_or_default();
    let text = !head.is_empty()
        && head
            .iter()
            .all(|b| b.is_ascii_graphic() || matches!(b, b' ' | b'\n' | b'\r' | b'\t'));
    if !text {
        return format!("UDP Len={len}");
    }
    let more = if payload.len() > head.len() {
        "…"
    } else {
        ""
    };
    format!("UDP Len={len} \"{}{more}\"", head.escape_ascii())
}

/// What a ladder writes beside a segment: its analysis verdict (the most specific one, as
/// Wireshark's Info column leads with it), else its stage.
pub fn note(flags: crate::analysis::AnalysisFlags, stage: Option<Stage>) -> Vec<&'static str> {
    use crate::analysis::AnalysisFlag;
    let count = flags.iter().count();
    let verdict = flags
        .iter()
        .find(|f| *f != AnalysisFlag::Retransmission || count == 1)
        .map(|f| f.info_tag());
    match (verdict, stage) {
        (Some(v), _) => vec![v],
        (None, Some(s)) => vec![s.word()],
        (None, None) => Vec::new(),
    }
}

impl Ladder {
    /// The ladder of TCP stream `stream`.
    pub fn new(stream: u64) -> Self {
        Ladder {
            stream,
            ..Ladder::default()
        }
    }

    /// The ladder of UDP conversation `stream`.
    pub fn udp(stream: u64) -> Self {
        Ladder {
            stream,
            udp: true,
            ..Ladder::default()
        }
    }

    /// The capture time of the ladder's first packet (its rows' times count from it).
    pub fn start_ns(&self) -> Option<i64> {
        self.first_ts
    }

    /// Adds `d` if it belongs to this ladder's stream.
    pub fn push(&mut self, d: &Dissection<'_>) {
        if self.udp {
            let (Some(facts), Some(udp)) = (&d.udp, d.packet.udp()) else {
                return;
            };
            if facts.stream == self.stream {
                let ports = (udp.source_port(), udp.destination_port());
                self.push_row(d, ports, None);
            }
            return;
        }
        let (Some(facts), Some(tcp)) = (&d.tcp, d.packet.tcp()) else {
            return;
        };
        if facts.stream != self.stream {
            return;
        }
        let ports = (tcp.source_port(), tcp.destination_port());
        self.push_row(d, ports, Some((&tcp, facts.role)));
    }

    /// One arrow from `d`'s source to its destination. The first packet names the
    /// columns: the client on the left (the first sender, unless it is known to be the
    /// server; for UDP the first sender).
    fn push_row(
        &mut self,
        d: &Dissection<'_>,
        (src_port, dst_port): (u16, u16),
        tcp: Option<(&TcpHeaderSlice<'_>, Role)>,
    ) {
        let Some((src, dst)) = crate::dissect::ip_addresses(&d.packet) else {
            return;
        };
        let from = endpoint(src, src_port);
        if self.left.is_empty() {
            let to = endpoint(dst, dst_port);
            let server_first = tcp.is_some_and(|(_, role)| role == Role::Server);
            (self.left, self.right) = if server_first {
                (to, from.clone())
            } else {
                (from.clone(), to)
            };
        }
        let from_left = from == self.left;
        let first = *self.first_ts.get_or_insert(d.info.ts_ns);
        let (label, marks) = match tcp {
            Some((tcp, _)) => {
                let words = self.words.tcp(d, tcp, from_left);
                let flags = d.tcp.as_ref().map(|f| f.flags).unwrap_or_default();
                (words.label, note(flags, words.stage))
            }
            None => (datagram_label(&d.packet), Vec::new()),
        };
        self.rows.push(LadderRow {
            frame: d.info.number,
            rel_ns: d.info.ts_ns - first,
            from_left,
            label,
            marks,
        });
    }

    /// Column heads: which end is the client and which the server (UDP: who spoke first).
    fn heads(&self) -> (String, String) {
        if self.udp {
            (
                format!("first sender {}", self.left),
                format!("peer {}", self.right),
            )
        } else {
            (
                format!("client {}", self.left),
                format!("server {}", self.right),
            )
        }
    }

    /// Text rendering, `width` columns (at least 50).
    pub fn render_text(&self, width: usize) -> String {
        self.render_text_with(width, &[])
    }

    /// The socket calls of `events` made on this ladder's connection, placed as every
    /// ladder places them (see [`super::calls`]).
    pub fn calls(&self, events: &[crate::endpoints::events::SocketEvent]) -> Vec<CallNote> {
        if events.is_empty() {
            return Vec::new();
        }
        super::calls::call_notes(&self.left, &self.right, events, i64::MIN, i64::MAX)
    }

    /// [`Self::render_text`] with socket calls on their side's lifeline between the arrows
    /// (`● connect()`), merged by time as the terminal's ladder merges them.
    pub fn render_text_with(&self, width: usize, calls: &[CallNote]) -> String {
        let width = width.max(50);
        let prefix = 16; // "frame  seconds  "
        let span = width - prefix - 2;
        let mut out = String::new();
        let proto = if self.udp { "UDP" } else { "TCP" };
        let _ = writeln!(out, "{proto} stream {}", self.stream);
        let (left, right) = self.heads();
        let heads = format!(
            "{:<w$}{}",
            left,
            right,
            w = span
                .saturating_sub(right.chars().count())
                .max(left.chars().count() + 1)
        );
        let _ = writeln!(out, "{:prefix$}{heads}", "");
        let _ = writeln!(out, "{:prefix$}│{}│", "", " ".repeat(span));
        let start = self.first_ts.unwrap_or(0);
        let mut pending = calls.iter().peekable();
        let call_line = |out: &mut String, call: &CallNote| {
            let text: String = format!("● {}", call.text)
                .chars()
                .take(span.saturating_sub(2))
                .collect();
            let w = span.saturating_sub(2);
            let body = if call.client_side {
                format!(" {text:<w$} ")
            } else {
                format!(" {text:>w$} ")
            };
            let secs = (call.at_ns - start) as f64 / 1e9;
            let _ = writeln!(out, "{:>5} {secs:>9.6} │{body}│", "");
        };
        for row in &self.rows {
            while let Some(call) = pending.next_if(|c| c.at_ns - start <= row.rel_ns) {
                call_line(&mut out, call);
            }
            let secs = row.rel_ns as f64 / 1e9;
            let body = arrow(&row.label, span, row.from_left);
            let marks = if row.marks.is_empty() {
                String::new()
            } else {
                format!(" [{}]", row.marks.join(", "))
            };
            let _ = writeln!(out, "{:>5} {:>9.6} │{body}│{marks}", row.frame, secs);
        }
        for call in pending {
            call_line(&mut out, call);
        }
        out
    }

    /// Mermaid `sequenceDiagram` source.
    pub fn render_mermaid(&self) -> String {
        let mut out = String::from("sequenceDiagram\n");
        let (left, right) = self.heads();
        let _ = writeln!(out, "    participant L as {left}");
        let _ = writeln!(out, "    participant R as {right}");
        for row in &self.rows {
            let (from, to) = if row.from_left {
                ("L", "R")
            } else {
                ("R", "L")
            };
            let marks = if row.marks.is_empty() {
                String::new()
            } else {
                format!(" [{}]", row.marks.join(", "))
            };
            let _ = writeln!(
                out,
                "    {from}->>{to}: #{} {}{marks}",
                row.frame, row.label
            );
        }
        out
    }
}

fn endpoint(addr: std::net::IpAddr, port: u16) -> String {
    match addr {
        std::net::IpAddr::V4(a) => format!("{a}:{port}"),
        std::net::IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

/// `── label ──────▶` (or mirrored) exactly `span` characters wide.
fn arrow(label: &str, span: usize, rightwards: bool) -> String {
    let label: String = label.chars().take(span.saturating_sub(6)).collect();
    let text = format!(" {label} ");
    let dashes = span.saturating_sub(text.chars().count() + 1);
    let (before, after) = if rightwards {
        (2.min(dashes), dashes - 2.min(dashes))
    } else {
        (dashes - 2.min(dashes), 2.min(dashes))
    };
    if rightwards {
        format!("{}{text}{}▶", "─".repeat(before), "─".repeat(after))
    } else {
        format!("◀{}{text}{}", "─".repeat(before), "─".repeat(after))
    }
}
