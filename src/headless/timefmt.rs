//! Time display formats as tshark's `-t` names them (and Wireshark's View ▸ Time Display
//! Format): one formatter for the UI's Time column and the headless summary lines.

use std::fmt::Write as _;

use crate::frame::TimestampNs;

/// How a packet's time is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeFormat {
    /// `r`: seconds since the first packet (Wireshark's default).
    #[default]
    Relative,
    /// `d`: seconds since the previous captured packet.
    Delta,
    /// `dd`: seconds since the previous displayed packet.
    DeltaDisplayed,
    /// `a`: local time of day.
    Absolute,
    /// `ad`: local date and time of day.
    AbsoluteDate,
    /// `u`: UTC time of day.
    Utc,
    /// `ud`: UTC date and time of day.
    UtcDate,
    /// `e`: seconds since 1970-01-01 00:00:00 UTC.
    Epoch,
}

/// The times a format may need besides the packet's own.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeContext {
    pub first: TimestampNs,
    pub prev_captured: Option<TimestampNs>,
    pub prev_displayed: Option<TimestampNs>,
}

impl TimeFormat {
    /// The order the UI's `t` key steps through.
    pub const CYCLE: [TimeFormat; 8] = [
        TimeFormat::Relative,
        TimeFormat::DeltaDisplayed,
        TimeFormat::Delta,
        TimeFormat::Absolute,
        TimeFormat::AbsoluteDate,
        TimeFormat::Utc,
        TimeFormat::UtcDate,
        TimeFormat::Epoch,
    ];

    /// tshark's `-t` argument.
    pub fn from_tshark(name: &str) -> Option<TimeFormat> {
        Some(match name {
            "r" => TimeFormat::Relative,
            "d" => TimeFormat::Delta,
            "dd" => TimeFormat::DeltaDisplayed,
            "a" => TimeFormat::Absolute,
            "ad" => TimeFormat::AbsoluteDate,
            "u" => TimeFormat::Utc,
            "ud" => TimeFormat::UtcDate,
            "e" => TimeFormat::Epoch,
            _ => return None,
        })
    }

    pub fn tshark_name(self) -> &'static str {
        match self {
            TimeFormat::Relative => "r",
            TimeFormat::Delta => "d",
            TimeFormat::DeltaDisplayed => "dd",
            TimeFormat::Absolute => "a",
            TimeFormat::AbsoluteDate => "ad",
            TimeFormat::Utc => "u",
            TimeFormat::UtcDate => "ud",
            TimeFormat::Epoch => "e",
        }
    }

    /// What the status line says when the format changes.
    pub fn describe(self) -> &'static str {
        match self {
            TimeFormat::Relative => "seconds since the first packet",
            TimeFormat::Delta => "seconds since the previous captured packet",
            TimeFormat::DeltaDisplayed => "seconds since the previous displayed packet",
            TimeFormat::Absolute => "time of day (local)",
            TimeFormat::AbsoluteDate => "date and time of day (local)",
            TimeFormat::Utc => "time of day (UTC)",
            TimeFormat::UtcDate => "date and time of day (UTC)",
            TimeFormat::Epoch => "seconds since 1970 (epoch)",
        }
    }

    /// The next format of [`Self::CYCLE`].
    pub fn next(self) -> TimeFormat {
        let at = Self::CYCLE.iter().position(|f| *f == self).unwrap_or(0);
        Self::CYCLE[(at + 1) % Self::CYCLE.len()]
    }

    /// Whether the text is a signed seconds count (sorts and aligns as a number).
    pub fn is_seconds(self) -> bool {
        matches!(
            self,
            TimeFormat::Relative
                | TimeFormat::Delta
                | TimeFormat::DeltaDisplayed
                | TimeFormat::Epoch
        )
    }

    /// The value the column sorts by: the seconds shown, in ns, or the timestamp.
    pub fn sort_key(self, ts: TimestampNs, ctx: &TimeContext) -> i64 {
        // Saturating: a capture's timestamps are whatever its file says.
        match self {
            TimeFormat::Delta => ts.saturating_sub(ctx.prev_captured.unwrap_or(ts)),
            TimeFormat::DeltaDisplayed => ts.saturating_sub(ctx.prev_displayed.unwrap_or(ts)),
            _ => ts,
        }
    }

    /// The text of `ts` in this format, microsecond precision as tcpdump and the list show.
    pub fn format(self, ts: TimestampNs, ctx: &TimeContext) -> String {
        let mut out = String::with_capacity(26);
        match self {
            TimeFormat::Relative => seconds(ts.saturating_sub(ctx.first), &mut out),
            TimeFormat::Delta | TimeFormat::DeltaDisplayed => {
                seconds(self.sort_key(ts, ctx), &mut out)
            }
            TimeFormat::Epoch => seconds(ts, &mut out),
            TimeFormat::Absolute | TimeFormat::AbsoluteDate => {
                civil(ts, true, self == TimeFormat::AbsoluteDate, &mut out)
            }
            TimeFormat::Utc | TimeFormat::UtcDate => {
                civil(ts, false, self == TimeFormat::UtcDate, &mut out)
            }
        }
        out
    }
}

/// `-1.000250`, `12.345678`.
fn seconds(ns: i64, out: &mut String) {
    let abs = ns.unsigned_abs();
    let _ = write!(
        out,
        "{}{}.{:06}",
        if ns < 0 { "-" } else { "" },
        abs / 1_000_000_000,
        (abs % 1_000_000_000) / 1_000
    );
}

/// `2024-05-01 13:02:03.000123` or `13:02:03.000123`, local or UTC.
fn civil(ts: i64, local: bool, date: bool, out: &mut String) {
    let sec = ts.div_euclid(1_000_000_000);
    let micros = ts.rem_euclid(1_000_000_000) / 1_000;
    let tm = broken_down(sec, local);
    if date {
        let _ = write!(
            out,
            "{:04}-{:02}-{:02} ",
            i64::from(tm.tm_year) + 1900,
            tm.tm_mon + 1,
            tm.tm_mday
        );
    }
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}.{micros:06}",
        tm.tm_hour, tm.tm_min, tm.tm_sec
    );
}

/// The calendar fields of `sec` (libc, which knows the local zone; the standard library
/// has no calendar). An out-of-range time gives 1970-01-01 00:00:00 rather than a panic.
fn broken_down(sec: i64, local: bool) -> libc::tm {
    crate::sys::broken_down_time(sec, local)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TS: i64 = 1_700_000_000_123_456_789;

    fn ctx() -> TimeContext {
        TimeContext {
            first: TS - 2_500_000_000,
            prev_captured: Some(TS - 1_000),
            prev_displayed: Some(TS - 1_000_000_000),
        }
    }

    #[test]
    fn every_tshark_format() {
        let c = ctx();
        let f = |name: &str| TimeFormat::from_tshark(name).unwrap().format(TS, &c);
        assert_eq!(f("r"), "2.500000");
        assert_eq!(f("d"), "0.000001");
        assert_eq!(f("dd"), "1.000000");
        assert_eq!(f("e"), "1700000000.123456");
        assert_eq!(f("u"), "22:13:20.123456");
        assert_eq!(f("ud"), "2023-11-14 22:13:20.123456");
        assert_eq!(TimeFormat::from_tshark("x"), None);
    }

    #[test]
    fn negative_relative_time_and_first_packet_deltas() {
        let c = TimeContext {
            first: 2_000,
            ..TimeContext::default()
        };
        assert_eq!(TimeFormat::Relative.format(1_000, &c), "-0.000001");
        assert_eq!(TimeFormat::Delta.format(1_000, &c), "0.000000");
    }

    #[test]
    fn hostile_timestamps_do_not_overflow() {
        let c = TimeContext {
            first: i64::MAX,
            prev_captured: Some(i64::MAX),
            prev_displayed: Some(i64::MIN),
        };
        for f in TimeFormat::CYCLE {
            assert!(!f.format(i64::MIN, &c).is_empty());
            assert!(!f.format(i64::MAX, &c).is_empty());
        }
    }

    #[test]
    fn cycle_visits_every_format() {
        let mut f = TimeFormat::default();
        for _ in 0..TimeFormat::CYCLE.len() {
            f = f.next();
        }
        assert_eq!(f, TimeFormat::default());
    }
}
