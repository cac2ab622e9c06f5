//! Wall-clock time of day for summary lines (`HH:MM:SS.ffffff`, local time like tcpdump).
//! `localtime_r` is slow next to the rest of a summary line, so the last second is cached.

use crate::frame::TimestampNs;

#[derive(Default)]
pub struct Clock {
    cached_sec: Option<i64>,
    hms: [u8; 8],
}

impl Clock {
    /// Appends `HH:MM:SS.uuuuuu` for `ts_ns` to `out`.
    pub fn write_time(&mut self, ts_ns: TimestampNs, out: &mut Vec<u8>) {
        let sec = ts_ns.div_euclid(1_000_000_000);
        let micros = ts_ns.rem_euclid(1_000_000_000) / 1_000;
        if self.cached_sec != Some(sec) {
            let (h, m, s) = local_hms(sec);
            self.hms = [
                b'0' + (h / 10) as u8,
                b'0' + (h % 10) as u8,
                b':',
                b'0' + (m / 10) as u8,
                b'0' + (m % 10) as u8,
                b':',
                b'0' + (s / 10) as u8,
                b'0' + (s % 10) as u8,
            ];
            self.cached_sec = Some(sec);
        }
        out.extend_from_slice(&self.hms);
        out.push(b'.');
        let mut digits = [b'0'; 6];
        let mut rest = micros;
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        out.extend_from_slice(&digits);
    }
}

/// Hours, minutes, seconds of `sec` in the local time zone (UTC if it cannot be known).
fn local_hms(sec: i64) -> (i64, i64, i64) {
    crate::sys::local_time_of_day(sec).unwrap_or_else(|| {
        let day = sec.rem_euclid(86_400);
        (day / 3600, day / 60 % 60, day % 60)
    })
}
