//! The stand-in per-frame printer used when no `-w` is given, until the decoded summary
//! lines of `crate::headless` are plugged into the same sink slot.

use std::io::Write;

use crate::frame::{Direction, Frame};

/// `HH:MM:SS.nnnnnnnnn` of a nanosecond timestamp, in UTC (tcpdump prints local time;
/// sockeye has no time-zone database yet).
pub fn clock(ts_ns: i64) -> String {
    let secs = ts_ns.div_euclid(1_000_000_000);
    let nanos = ts_ns.rem_euclid(1_000_000_000);
    let day = secs.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{:09}",
        day / 3600,
        day / 60 % 60,
        day % 60,
        nanos
    )
}

/// One line: time, interface, direction, link type and lengths.
pub fn line(frame: &Frame<'_>, iface: &str) -> String {
    let dir = match frame.direction {
        Direction::Inbound => "In ",
        Direction::Outbound => "Out",
        Direction::Unknown => "   ",
    };
    let mut text = format!(
        "{} {iface} {dir} {} length {}",
        clock(frame.ts_ns),
        frame.link.name(),
        frame.orig_len
    );
    if frame.cap_len() < frame.orig_len as usize {
        text.push_str(&format!(" (captured {})", frame.cap_len()));
    }
    text
}

/// A sink printing [`line`] for every frame to `out`.
pub fn line_printer<'w>(
    iface: String,
    mut out: impl Write + 'w,
) -> impl FnMut(&Frame<'_>) -> anyhow::Result<()> + 'w {
    move |frame| {
        writeln!(out, "{}", line(frame, &iface))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::OwnedFrame;

    #[test]
    fn formats_time_and_lengths() {
        assert_eq!(clock(3_723_000_000_042), "01:02:03.000000042");
        assert_eq!(clock(0), "00:00:00.000000000");
        let mut f = OwnedFrame::ethernet(86_400_000_000_001, vec![0; 60]);
        f.orig_len = 100;
        f.direction = Direction::Outbound;
        assert_eq!(
            line(&f.as_frame(), "lo"),
            "00:00:00.000000001 lo Out EN10MB length 100 (captured 60)"
        );
    }
}
