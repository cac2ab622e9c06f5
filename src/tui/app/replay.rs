//! Replay clock: how many packets of the capture are revealed. Driven by a monotonic time
//! the run loop passes in (never read here), so tests step it deterministically.

use std::time::Duration;

/// Speeds the `+`/`-` keys step through.
pub const SPEEDS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];
const NORMAL: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Not replaying: every indexed packet is shown.
    Off,
    Paused,
    /// Playing: at wall time `wall`, the capture clock stood at `capture_ts`.
    Playing {
        wall: Duration,
        capture_ts: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub mode: Mode,
    /// Packets revealed (meaningful unless `Off`).
    pub horizon: usize,
    pub speed_index: usize,
}

impl Default for Replay {
    fn default() -> Self {
        Replay {
            mode: Mode::Off,
            horizon: 0,
            speed_index: NORMAL,
        }
    }
}

impl Replay {
    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed_index.min(SPEEDS.len() - 1)]
    }

    /// Packets visible when `available` are indexed.
    pub fn visible(&self, available: usize) -> usize {
        match self.mode {
            Mode::Off => available,
            _ => self.horizon.min(available),
        }
    }

    pub fn is_playing(&self) -> bool {
        matches!(self.mode, Mode::Playing { .. })
    }

    /// Starts (or resumes) playing; `ts_of_last_shown` anchors the capture clock.
    pub fn play(&mut self, now: Duration, ts_of_last_shown: i64) {
        self.mode = Mode::Playing {
            wall: now,
            capture_ts: ts_of_last_shown,
        };
    }

    pub fn pause(&mut self) {
        self.mode = Mode::Paused;
    }

    /// Changes speed, re-anchoring so playback continues from where it is.
    pub fn set_speed(&mut self, index: usize, now: Duration) {
        if let Mode::Playing { wall, capture_ts } = self.mode {
            let at = capture_ts + elapsed_capture_ns(now, wall, self.speed());
            self.mode = Mode::Playing {
                wall: now,
                capture_ts: at,
            };
        }
        self.speed_index = index.min(SPEEDS.len() - 1);
    }

    /// The capture time up to which packets are due at wall time `now`.
    pub fn due_until(&self, now: Duration) -> Option<i64> {
        match self.mode {
            Mode::Playing { wall, capture_ts } => {
                Some(capture_ts + elapsed_capture_ns(now, wall, self.speed()))
            }
            _ => None,
        }
    }
}

fn elapsed_capture_ns(now: Duration, wall: Duration, speed: f64) -> i64 {
    let wall_ns = now.saturating_sub(wall).as_nanos() as f64;
    (wall_ns * speed) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_change_keeps_position() {
        let mut r = Replay::default();
        r.play(Duration::ZERO, 1_000);
        assert_eq!(r.due_until(Duration::from_secs(1)), Some(1_000_001_000));
        r.set_speed(r.speed_index + 1, Duration::from_secs(1));
        assert_eq!(r.speed(), 2.0);
        assert_eq!(r.due_until(Duration::from_secs(2)), Some(3_000_001_000));
    }
}
