//! The ladder (sequence) diagram of one TCP stream or UDP conversation: the two hosts as
//! columns, one arrow per segment labelled with flags, relative seq/ack and length (per
//! datagram, its length), analysis verdicts marked. As text for the terminal and slides,
//! and as Mermaid for documents.

use std::fmt::Write as _;

use crate::analysis::tcp_flags::{ACK, FIN, PSH, RST, SYN, URG};
use crate::dissect::Dissection;

/// One arrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRow {
    pub frame: u64,
    pub rel_ns: i64,
    /// Sent by the left host (the stream's first sender, normally the client).
    pub from_left: bool,
    pub label: String,
    /// Analysis verdicts ("TCP Retransmission", …), empty when none.
    pub marks: Vec<&'static str>,
}

/// The ladder of one TCP stream (or UDP conversation), built packet by packet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ladder {
    pub stream: u64,
    /// A UDP conversation (`udp.stream`) rather than a TCP stream.
    pub udp: bool,
    pub left: String,
    pub right: String,
    pub rows: Vec<LadderRow>,
    first_ts: Option<i64>,
}

/// `SYN`, `SYN,ACK`, `PSH,ACK`, … in Wireshark's order.
pub fn flag_names(flags: u16) -> String {
    let names: Vec<&str> = [
        (FIN, "FIN"),
        (SYN, "SYN"),
        (RST, "RST"),
        (PSH, "PSH"),
        (ACK, "ACK"),
        (URG, "URG"),
    ]
    .iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, n)| *n)
    .collect();
    if names.is_empty() {
        "<none>".to_string()
    } else {
        names.join(",")
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

    /// Adds `d` if it belongs to this ladder's stream.
    pub fn push(&mut self, d: &Dissection<'_>) {
        if self.udp {
            let (Some(facts), Some(udp)) = (&d.udp, d.packet.udp()) else {
                return;
            };
            if facts.stream == self.stream {
                let ports = (udp.source_port(), udp.destination_port());
                let label = format!("UDP len={}", udp.length().saturating_sub(8));
                self.push_row(d, ports, label, Vec::new());
            }
            return;
        }
        let (Some(facts), Some(tcp)) = (&d.tcp, d.packet.tcp()) else {
            return;
        };
        if facts.stream != self.stream {
            return;
        }
        let flags = crate::decode::tcp_flags(&tcp);
        let mut label = format!("{} seq={}", flag_names(flags), facts.seq_rel);
        if flags & ACK != 0 {
            let _ = write!(label, " ack={}", facts.ack_rel);
        }
        let _ = write!(label, " len={}", d.packet.tcp_len.unwrap_or(0));
        let marks = facts.flags.iter().map(|f| f.info_tag()).collect();
        let ports = (tcp.source_port(), tcp.destination_port());
        self.push_row(d, ports, label, marks);
    }

    /// One arrow from `d`'s source to its destination; the first packet names the columns.
    fn push_row(
        &mut self,
        d: &Dissection<'_>,
        (src_port, dst_port): (u16, u16),
        label: String,
        marks: Vec<&'static str>,
    ) {
        let Some((src, dst)) = crate::dissect::ip_addresses(&d.packet) else {
            return;
        };
        let from = endpoint(src, src_port);
        if self.left.is_empty() {
            self.left = from.clone();
            self.right = endpoint(dst, dst_port);
        }
        let first = *self.first_ts.get_or_insert(d.info.ts_ns);
        self.rows.push(LadderRow {
            frame: d.info.number,
            rel_ns: d.info.ts_ns - first,
            from_left: from == self.left,
            label,
            marks,
        });
    }

    /// Text rendering, `width` columns (at least 50).
    pub fn render_text(&self, width: usize) -> String {
        let width = width.max(50);
        let prefix = 16; // "frame  seconds  "
        let span = width - prefix - 2;
        let mut out = String::new();
        let proto = if self.udp { "UDP" } else { "TCP" };
        let _ = writeln!(out, "{proto} stream {}", self.stream);
        let heads = format!(
            "{:<w$}{}",
            self.left,
            self.right,
            w = span
                .saturating_sub(self.right.len())
                .max(self.left.len() + 1)
        );
        let _ = writeln!(out, "{:prefix$}{heads}", "");
        let _ = writeln!(out, "{:prefix$}│{}│", "", " ".repeat(span));
        for row in &self.rows {
            let secs = row.rel_ns as f64 / 1e9;
            let body = arrow(&row.label, span, row.from_left);
            let marks = if row.marks.is_empty() {
                String::new()
            } else {
                format!(" [{}]", row.marks.join(", "))
            };
            let _ = writeln!(out, "{:>5} {:>9.6} │{body}│{marks}", row.frame, secs);
        }
        out
    }

    /// Mermaid `sequenceDiagram` source.
    pub fn render_mermaid(&self) -> String {
        let mut out = String::from("sequenceDiagram\n");
        let _ = writeln!(out, "    participant L as {}", self.left);
        let _ = writeln!(out, "    participant R as {}", self.right);
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
