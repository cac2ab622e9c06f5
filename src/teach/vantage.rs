//! The two-vantage ladder: one TCP connection captured at both ends of a link (the lab's
//! client and server namespaces), each segment drawn once — from the side it left to the
//! side it reached — with its departure time, arrival time and the one-way delay between
//! them. The pairing is the pipeline's (`sockeye.vantage.*`, see `analysis::vantage`):
//! this view only draws what the dissections say.

use crate::dissect::Dissection;

/// One segment seen leaving one side and reaching the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    /// The interface it left from (the arrival is on the other one).
    pub from: u32,
    pub departed_ns: i64,
    pub arrived_ns: i64,
    /// `[SYN, ACK] Seq=0 Ack=1 Len=0`.
    pub label: String,
}

/// Collects the crossings of a merged two-vantage capture, in arrival order, and counts the
/// TCP segments seen on one side only (lost on the way, or outside the other capture).
#[derive(Debug, Default)]
pub struct TwoVantage {
    pub crossings: Vec<Crossing>,
    tcp_seen: u64,
}

impl TwoVantage {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next dissection of the merged capture.
    pub fn push(&mut self, d: &Dissection<'_>) {
        let (Some(tcp), Some(facts)) = (d.packet.tcp(), d.tcp.as_ref()) else {
            return;
        };
        self.tcp_seen += 1;
        let Some(pair) = d.vantage else {
            return;
        };
        let label = format!(
            "[{}] Seq={} Ack={} Len={}",
            super::ladder::flag_names(&tcp),
            facts.seq_rel,
            facts.ack_rel,
            d.packet.tcp_len.unwrap_or(0)
        );
        self.crossings.push(Crossing {
            from: pair.departure.interface,
            departed_ns: pair.departure.ts_ns,
            arrived_ns: d.info.ts_ns,
            label,
        });
    }

    /// TCP segments seen at one vantage point only.
    pub fn unpaired(&self) -> u64 {
        self.tcp_seen
            .saturating_sub(2 * self.crossings.len() as u64)
    }

    /// The ladder as text: `left` is interface 0's side, `right` interface 1's; times are
    /// seconds since the first departure.
    pub fn render_text(&self, left: &str, right: &str) -> String {
        let width = 44;
        let origin = self
            .crossings
            .iter()
            .map(|c| c.departed_ns)
            .min()
            .unwrap_or(0);
        let secs = |ns: i64| format!("{:.6}", (ns - origin) as f64 / 1e9);
        let mut out = format!("{left:<12} {:width$} {right}\n", "");
        for c in &self.crossings {
            let label: String = c.label.chars().take(width - 6).collect();
            let (l_time, r_time, arrow) = if c.from == 0 {
                let dashes = width.saturating_sub(label.chars().count() + 5);
                (
                    secs(c.departed_ns),
                    secs(c.arrived_ns),
                    format!("── {label} {}▶", "─".repeat(dashes)),
                )
            } else {
                let dashes = width.saturating_sub(label.chars().count() + 5);
                (
                    secs(c.arrived_ns),
                    secs(c.departed_ns),
                    format!("◀{} {label} ──", "─".repeat(dashes)),
                )
            };
            let delay_us = (c.arrived_ns - c.departed_ns) as f64 / 1e3;
            out += &format!("{l_time:>12} {arrow} {r_time:<12} one-way {delay_us:.1} µs\n");
        }
        if self.unpaired() > 0 {
            out += &format!(
                "{} TCP segments were seen at one vantage point only (lost on the way, or \
                 outside the other capture)\n",
                self.unpaired()
            );
        }
        out
    }
}
