//! Conversation statistics (frames and bytes each way, first/last time, state) kept in
//! the analysis pass, and the `tshark -z conv,tcp` / `-z conv,udp` table.

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::analysis::key::{ConvKey, Endpoint, KeySide};
use crate::analysis::tcp::ConnState;

/// Counters of one conversation. "A" is the source of its first packet, as in tshark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvStats {
    /// `tcp.stream` / `udp.stream` index.
    pub stream: u64,
    pub a: Endpoint,
    pub b: Endpoint,
    pub(crate) a_side: KeySide,
    pub frames_a_to_b: u64,
    pub bytes_a_to_b: u64,
    pub frames_b_to_a: u64,
    pub bytes_b_to_a: u64,
    pub first_ts_ns: i64,
    pub last_ts_ns: i64,
    /// TCP connection state after the last packet (UDP conversations keep `MidStream`).
    pub state: ConnState,
}

impl ConvStats {
    pub(crate) fn new(stream: u64, key: &ConvKey, first_src_side: KeySide, ts_ns: i64) -> Self {
        let (a, b) = match first_src_side {
            KeySide::Lo => (key.lo, key.hi),
            KeySide::Hi => (key.hi, key.lo),
        };
        ConvStats {
            stream,
            a,
            b,
            a_side: first_src_side,
            frames_a_to_b: 0,
            bytes_a_to_b: 0,
            frames_b_to_a: 0,
            bytes_b_to_a: 0,
            first_ts_ns: ts_ns,
            last_ts_ns: ts_ns,
            state: ConnState::MidStream,
        }
    }

    /// The conversation's key, as [`ConvKey::new`] made it.
    pub(crate) fn key(&self) -> ConvKey {
        match self.a_side {
            KeySide::Lo => ConvKey {
                lo: self.a,
                hi: self.b,
            },
            KeySide::Hi => ConvKey {
                lo: self.b,
                hi: self.a,
            },
        }
    }

    pub(crate) fn count(&mut self, from: KeySide, frame_len: u32, ts_ns: i64) {
        if from == self.a_side {
            self.frames_a_to_b += 1;
            self.bytes_a_to_b += u64::from(frame_len);
        } else {
            self.frames_b_to_a += 1;
            self.bytes_b_to_a += u64::from(frame_len);
        }
        self.first_ts_ns = self.first_ts_ns.min(ts_ns);
        self.last_ts_ns = self.last_ts_ns.max(ts_ns);
    }

    pub fn frames(&self) -> u64 {
        self.frames_a_to_b + self.frames_b_to_a
    }

    pub fn bytes(&self) -> u64 {
        self.bytes_a_to_b + self.bytes_b_to_a
    }
}

/// Which table to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvProto {
    Tcp,
    Udp,
}

/// How to print the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Timestamp of the capture's first frame: "Relative Start" is measured from it.
    pub capture_start_ns: i64,
    /// Append sockeye's connection-state column (not in tshark's output).
    pub with_state: bool,
}

const RULE: &str =
    "================================================================================\n";
const HEADER: &str = "                                                           |       <-      | |       ->      | |     Total     |    Relative    |   Duration   |\n                                                           | Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |\n";

/// tshark's `format_size` with SI prefixes: whole units once the value reaches 10 of them.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1_000_000_000_000, "TB"),
        (1_000_000_000, "GB"),
        (1_000_000, "MB"),
        (1_000, "kB"),
    ];
    for (div, unit) in UNITS {
        if bytes / div >= 10 {
            return format!("{} {unit}", bytes / div);
        }
    }
    format!("{bytes} bytes")
}

/// Address and port as the conversation table prints them (IPv6 without brackets).
fn endpoint(e: &Endpoint) -> String {
    match e.addr {
        IpAddr::V4(a) => format!("{a}:{}", e.port),
        IpAddr::V6(a) => format!("{a}:{}", e.port),
    }
}

/// Wireshark's `nstime_to_sec`: whole seconds plus the nanosecond part, each converted on
/// its own. Matching it matters: the 4-decimal duration is a difference of two such
/// values, and computing it any other way rounds differently now and then.
pub fn nstime_to_sec(ns: i64) -> f64 {
    const NS: i64 = 1_000_000_000;
    (ns / NS) as f64 + (ns % NS) as f64 / 1e9
}

/// Renders `tshark -q -z conv,tcp|udp`: most frames first, ties in order of first
/// appearance (tshark sorts with GLib's stable sort).
pub fn render_tshark<'a>(
    proto: ConvProto,
    convs: impl IntoIterator<Item = &'a ConvStats>,
    opts: RenderOptions,
) -> String {
    let mut out = String::new();
    out.push_str(RULE);
    out.push_str(match proto {
        ConvProto::Tcp => "TCP Conversations\n",
        ConvProto::Udp => "UDP Conversations\n",
    });
    out.push_str("Filter:<No Filter>\n");
    out.push_str(HEADER);
    let mut rows: Vec<&ConvStats> = convs.into_iter().collect();
    rows.sort_by_key(|c| std::cmp::Reverse(c.frames()));
    for c in rows {
        let _ = write!(
            out,
            "{:<26} <-> {:<26}  {:6} {:<9}  {:6} {:<9}  {:6} {:<9}  {:14.9}   {:12.4}",
            endpoint(&c.a),
            endpoint(&c.b),
            c.frames_b_to_a,
            format_size(c.bytes_b_to_a),
            c.frames_a_to_b,
            format_size(c.bytes_a_to_b),
            c.frames(),
            format_size(c.bytes()),
            nstime_to_sec(c.first_ts_ns.saturating_sub(opts.capture_start_ns)),
            nstime_to_sec(c.last_ts_ns.saturating_sub(opts.capture_start_ns))
                - nstime_to_sec(c.first_ts_ns.saturating_sub(opts.capture_start_ns)),
        );
        if opts.with_state && proto == ConvProto::Tcp {
            let _ = write!(out, "   {}", c.state);
        }
        out.push('\n');
    }
    out.push_str(RULE);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_switch_to_prefixes_at_ten_units() {
        assert_eq!(format_size(9999), "9999 bytes");
        assert_eq!(format_size(10_000), "10 kB");
        assert_eq!(format_size(12_345_678), "12 MB");
    }
}
