//! `-z conv,eth|ip|ipv6` and `-z endpoints,eth|ip|ipv6|tcp|udp`, laid out as tshark 4.0
//! prints them.

use std::fmt::Write as _;

use crate::analysis::conversations::{format_size, nstime_to_sec};
use crate::stats::talkers::{Conversations, Endpoints, Talker};

const RULE: &str =
    "================================================================================\n";

fn address(t: &Talker) -> String {
    t.addr.to_string()
}

/// Most frames first; ties keep the order of first appearance (tshark's sort is stable).
pub fn render_conversations(table: &Conversations, capture_start_ns: i64) -> String {
    let mut out = String::new();
    out.push_str(RULE);
    let _ = writeln!(out, "{} Conversations", table.kind.title());
    out.push_str("Filter:<No Filter>\n");
    let pad = " ".repeat(47);
    let _ = writeln!(
        out,
        "{pad}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |"
    );
    let _ = writeln!(
        out,
        "{pad}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |"
    );
    let mut rows: Vec<_> = table.rows().iter().collect();
    rows.sort_by_key(|c| std::cmp::Reverse(c.frames()));
    for c in rows {
        let start = nstime_to_sec(c.first_ns.saturating_sub(capture_start_ns));
        let end = nstime_to_sec(c.last_ns.saturating_sub(capture_start_ns));
        let _ = writeln!(
            out,
            "{:<20} <-> {:<20}  {:6} {:<9}  {:6} {:<9}  {:6} {:<9}  {:14.9}   {:12.4}",
            address(&c.a),
            address(&c.b),
            c.frames_b_to_a,
            format_size(c.bytes_b_to_a),
            c.frames_a_to_b,
            format_size(c.bytes_a_to_b),
            c.frames(),
            format_size(c.bytes()),
            start,
            end - start,
        );
    }
    out.push_str(RULE);
    out
}

/// Most frames first; ties keep the order of first appearance.
pub fn render_endpoints(table: &Endpoints) -> String {
    let mut out = String::new();
    out.push_str(RULE);
    let _ = writeln!(out, "{} Endpoints", table.kind.title());
    out.push_str("Filter:<No Filter>\n");
    let port_heading = if table.kind.has_port() {
        "  Port  ||"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "                       |{port_heading}  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |"
    );
    let mut rows: Vec<_> = table.rows().iter().collect();
    rows.sort_by_key(|e| std::cmp::Reverse(e.frames()));
    for e in rows {
        let _ = write!(out, "{:<20}", address(&e.talker));
        match e.talker.port {
            Some(port) => {
                let _ = write!(out, "      {port:>5}     {:>6}", e.frames());
            }
            None => {
                let _ = write!(out, "      {:>6}", e.frames());
            }
        }
        let _ = writeln!(
            out,
            "     {:>9}     {:>6}       {:>9}      {:>6}       {:>9}   ",
            e.bytes(),
            e.tx_frames,
            e.tx_bytes,
            e.rx_frames,
            e.rx_bytes
        );
    }
    out.push_str(RULE);
    out
}
