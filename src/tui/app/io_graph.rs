//! The IO graph (Wireshark's Statistics → I/O Graphs): packets or bytes per second over
//! the capture, for up to four lines, each limited by a display filter. The intervals are
//! counted by `-z io,stat`'s own code ([`IoSeries`]), so a line's points are that table's
//! rows, divided by the interval to make them rates.

use std::time::{Duration, Instant};

use super::{Action, App, Prompt, PromptKind, View};
use crate::stats::io::{Calc, Cell, IoLine, IoSeries};
use crate::store::{lock, Store};

/// The intervals `v` cycles through, in microseconds: 1 ms to 1 min, as Wireshark offers.
pub const INTERVALS_US: [u64; 6] = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 60_000_000];
/// Lines a graph holds, the all-packets line included (Wireshark's default graph count).
pub const MAX_LINES: usize = 4;
/// The interval chosen on opening is the longest that still cuts the capture into this
/// many intervals, so the first picture has a shape rather than one or two bars.
const MIN_INTERVALS: u64 = 10;
/// Most intervals `v` offers: every one is a point the chart draws on every frame, so an
/// hour at 1 ms (3.6 million) is skipped rather than drawn slowly.
const MAX_INTERVALS: u64 = 100_000;
/// How long one tick may count packets (a filtered line decodes each one): the rest is
/// counted on the next ticks, so a big capture keeps the keys responsive.
const SLICE: Duration = Duration::from_millis(20);

/// What the y axis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum YUnit {
    #[default]
    Packets,
    Bytes,
}

impl YUnit {
    pub fn label(self) -> &'static str {
        match self {
            YUnit::Packets => "packets/s",
            YUnit::Bytes => "bytes/s",
        }
    }
}

/// One line as the user typed it, and what it counts.
#[derive(Debug, Clone)]
pub struct GraphLine {
    /// tshark's io,stat column text: empty for every packet, `FILTER`, or `SUM(f)FILTER`.
    pub text: String,
    pub line: IoLine,
}

impl GraphLine {
    /// How the legend names the line.
    pub fn label(&self) -> String {
        if self.text.is_empty() {
            "all packets".to_string()
        } else {
            self.text.clone()
        }
    }

    /// Whether its values are rates in the y unit (a field calculation is plotted as the
    /// value per interval, as Wireshark plots SUM/MAX of a field).
    pub fn is_rate(&self) -> bool {
        self.line.calc.field().is_none()
    }
}

/// The graph's lines, interval, unit and counting progress.
#[derive(Debug, Clone)]
pub struct IoGraph {
    /// Line 1 is every packet; the others were added with a filter.
    pub lines: Vec<GraphLine>,
    /// The line `Enter` edits and `D` removes.
    pub cursor: usize,
    pub unit: YUnit,
    /// The interval picked with `v` (an index of [`INTERVALS_US`]); `None` until then,
    /// when it follows the capture's length.
    pub picked: Option<usize>,
    /// The line being typed in the prompt: `None` adds a new one.
    pub editing: Option<usize>,
    /// Why the last line typed was refused (shown under the legend until the next try).
    pub error: Option<String>,
    series: IoSeries,
    interval: usize,
    /// Packets `0..scanned` are counted.
    scanned: usize,
}

impl Default for IoGraph {
    fn default() -> Self {
        let lines = vec![GraphLine {
            text: String::new(),
            line: IoLine {
                calc: Calc::FramesAndBytes,
                filter: None,
            },
        }];
        let interval = 3;
        IoGraph {
            series: series(interval, &lines),
            lines,
            cursor: 0,
            unit: YUnit::default(),
            picked: None,
            editing: None,
            error: None,
            interval,
            scanned: 0,
        }
    }
}

fn series(interval: usize, lines: &[GraphLine]) -> IoSeries {
    let us = INTERVALS_US.get(interval).copied().unwrap_or(1_000_000);
    IoSeries::new(us, lines.iter().map(|l| l.line.clone()).collect())
}

/// The longest interval that still gives [`MIN_INTERVALS`] intervals over `duration_us`.
pub fn auto_interval(duration_us: u64) -> usize {
    INTERVALS_US
        .iter()
        .rposition(|&i| duration_us / i >= MIN_INTERVALS)
        .unwrap_or(0)
}

impl IoGraph {
    pub fn interval_us(&self) -> u64 {
        self.series.interval_us()
    }

    /// Whether every visible packet has been counted.
    pub fn complete(&self, visible: usize) -> bool {
        self.scanned >= visible
    }

    /// Counts every packet again (the store was replaced).
    pub(super) fn recount(&mut self) {
        self.rebuild();
    }

    fn rebuild(&mut self) {
        self.series = series(self.interval, &self.lines);
        self.scanned = 0;
    }

    /// Counts the packets that became visible (within a time slice). Returns whether the
    /// graph changed.
    pub fn sync(&mut self, store: &Store, visible: usize) -> bool {
        let visible = visible.min(store.len());
        let first = store.first_kept();
        let duration_us = match (store.entry(first), visible.checked_sub(1)) {
            (Some(a), Some(last)) => store.entry(last).map_or(0, |b| {
                u64::try_from(b.ts_ns.saturating_sub(a.ts_ns) / 1000).unwrap_or(0)
            }),
            _ => 0,
        };
        let interval = self.picked.unwrap_or_else(|| auto_interval(duration_us));
        if interval != self.interval || visible < self.scanned {
            self.interval = interval;
            self.rebuild();
        }
        let start = self.scanned.max(first);
        if start >= visible {
            self.scanned = self.scanned.max(visible);
            return false;
        }
        let clock = Instant::now();
        let decode = self.series.reads_packets();
        let mut i = start;
        while i < visible {
            if decode {
                if let Some(d) = store.dissect(i) {
                    self.series.observe(&d);
                }
            } else if let Some(e) = store.entry(i) {
                self.series.observe_frame(e.ts_ns, e.orig_len);
            }
            i += 1;
            if i % 256 == 0 && clock.elapsed() >= SLICE {
                break;
            }
        }
        self.scanned = i;
        true
    }

    /// How many intervals the graph spans: as many as `-z io,stat` prints rows (the last
    /// one holding the capture's end), or more if a frame fell past that.
    pub fn intervals(&self) -> usize {
        let duration = self.series.duration_us();
        let interval = self.series.interval_us().max(1);
        let rows = duration / interval + u64::from(duration % interval > 0);
        let cells = (0..self.lines.len())
            .map(|n| self.series.cells(n).len())
            .max()
            .unwrap_or(0);
        usize::try_from(rows).unwrap_or(usize::MAX).max(cells)
    }

    /// The counts of line `n`, one per interval (empty intervals included).
    pub fn cells(&self, n: usize) -> Vec<Cell> {
        let cells = self.series.cells(n);
        (0..self.intervals())
            .map(|k| cells.get(k).copied().unwrap_or_default())
            .collect()
    }

    /// What the chart plots for line `n`: (start of the interval in seconds since the
    /// first packet, the line's value there).
    pub fn points(&self, n: usize) -> Vec<(f64, f64)> {
        let Some(line) = self.lines.get(n) else {
            return Vec::new();
        };
        let us = self.series.interval_us() as f64;
        let per_second = 1_000_000.0 / us;
        self.cells(n)
            .iter()
            .enumerate()
            .map(|(k, cell)| {
                let x = k as f64 * us / 1_000_000.0;
                let y = match (line.line.calc, self.unit) {
                    (Calc::FramesAndBytes, YUnit::Packets) | (Calc::Frames, _) => {
                        cell.frames as f64 * per_second
                    }
                    (Calc::FramesAndBytes, YUnit::Bytes) | (Calc::Bytes, _) => {
                        cell.bytes as f64 * per_second
                    }
                    (calc, _) => cell.value(calc) as f64,
                };
                (x, y)
            })
            .collect()
    }

    /// Moves to the next interval (after 1 min, back to the shortest one that gives no
    /// more than [`MAX_INTERVALS`]).
    fn next_interval(&mut self) {
        let duration = self.series.duration_us();
        let n = INTERVALS_US.len();
        let next = (1..=n)
            .map(|k| (self.interval + k) % n)
            .find(|&i| duration / INTERVALS_US[i] <= MAX_INTERVALS)
            .unwrap_or(n - 1);
        self.picked = Some(next);
    }

    /// Line `n`'s packets and bytes over the whole graph.
    pub fn totals(&self, n: usize) -> (u64, u64) {
        self.series
            .cells(n)
            .iter()
            .fold((0, 0), |(f, b), c| (f + c.frames, b + c.bytes))
    }
}

/// How an interval reads: `1 ms`, `100 ms`, `10 s`, `1 min`.
pub fn interval_label(us: u64) -> String {
    match us {
        u if u >= 60_000_000 && u % 60_000_000 == 0 => format!("{} min", u / 60_000_000),
        u if u >= 1_000_000 && u % 1_000_000 == 0 => format!("{} s", u / 1_000_000),
        u if u >= 1_000 && u % 1_000 == 0 => format!("{} ms", u / 1_000),
        u => format!("{u} µs"),
    }
}

/// The IO graph's keys; returns whether `action` meant something here.
pub(super) fn handle(app: &mut App, action: Action) -> bool {
    if action == Action::Show(View::IoGraph) {
        app.view = View::IoGraph;
        app.sync_io_graph();
        return true;
    }
    if app.view != View::IoGraph {
        return false;
    }
    let g = &mut app.io_graph;
    match action {
        Action::Down => g.cursor = (g.cursor + 1).min(g.lines.len().saturating_sub(1)),
        Action::Up => g.cursor = g.cursor.saturating_sub(1),
        Action::GraphInterval => {
            g.next_interval();
            app.sync_io_graph();
            let us = INTERVALS_US
                .get(app.io_graph.interval)
                .copied()
                .unwrap_or(0);
            app.message = Some(format!("interval {}", interval_label(us)));
        }
        Action::GraphUnit => {
            g.unit = match g.unit {
                YUnit::Packets => YUnit::Bytes,
                YUnit::Bytes => YUnit::Packets,
            };
        }
        Action::AddGraphLine => open_line_prompt(app, None),
        // Line 1 is every packet: editing it adds a line instead.
        Action::Activate | Action::Search if g.cursor == 0 => open_line_prompt(app, None),
        Action::Activate | Action::Search => {
            let at = g.cursor;
            open_line_prompt(app, Some(at));
        }
        Action::DropGraphLine if g.cursor == 0 => {
            app.message = Some("line 1 is every packet and stays; j/k picks another".into());
        }
        Action::DropGraphLine => {
            let gone = g.lines.remove(g.cursor.min(g.lines.len() - 1));
            g.cursor = g.cursor.min(g.lines.len() - 1);
            g.rebuild();
            app.message = Some(format!("line removed: {}", gone.label()));
            app.sync_io_graph();
        }
        _ => return false,
    }
    true
}

fn open_line_prompt(app: &mut App, editing: Option<usize>) {
    let g = &mut app.io_graph;
    if editing.is_none() && g.lines.len() >= MAX_LINES {
        app.message = Some(format!(
            "{MAX_LINES} lines at most: D removes one, Enter edits one"
        ));
        return;
    }
    g.editing = editing;
    g.error = None;
    let text = editing
        .and_then(|n| g.lines.get(n))
        .map_or_else(String::new, |l| l.text.clone());
    app.prompt = Some(Prompt {
        kind: PromptKind::GraphLine,
        text,
    });
}

impl App {
    /// Brings the IO graph up to the visible packets (while it shows).
    pub fn sync_io_graph(&mut self) -> bool {
        if self.view != View::IoGraph {
            return false;
        }
        let store = std::sync::Arc::clone(&self.store);
        let store = lock(&store);
        self.io_graph.sync(&store, self.visible)
    }

    /// The prompt's line, typed: parsed as tshark's io,stat column (a display filter, or
    /// `SUM(field)filter`…). A refusal keeps the prompt open with the reason; an empty
    /// line removes the line being edited.
    pub(super) fn submit_graph_line(&mut self, text: &str) {
        let g = &mut self.io_graph;
        let editing = g.editing.take().filter(|&n| n > 0 && n < g.lines.len());
        if text.is_empty() {
            if let Some(n) = editing {
                let gone = g.lines.remove(n);
                g.cursor = g.cursor.min(g.lines.len() - 1);
                g.rebuild();
                self.message = Some(format!("line removed: {}", gone.label()));
            }
            self.sync_io_graph();
            return;
        }
        match IoLine::parse(text) {
            Ok(line) => {
                let new = GraphLine {
                    text: text.to_string(),
                    line,
                };
                match editing {
                    Some(n) => g.lines[n] = new,
                    None => {
                        g.lines.push(new);
                        g.cursor = g.lines.len() - 1;
                    }
                }
                g.error = None;
                g.rebuild();
                self.sync_io_graph();
            }
            Err(err) => {
                g.editing = editing;
                g.error = Some(err);
                self.prompt = Some(Prompt {
                    kind: PromptKind::GraphLine,
                    text: text.to_string(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_interval_gives_at_least_ten() {
        assert_eq!(auto_interval(0), 0);
        assert_eq!(auto_interval(9_999), 0);
        assert_eq!(auto_interval(10_000), 0);
        assert_eq!(auto_interval(100_000), 1);
        assert_eq!(auto_interval(8_829_645), 2);
        assert_eq!(auto_interval(12_304_034), 3);
        assert_eq!(auto_interval(3_600_000_000), 5);
    }

    #[test]
    fn an_hour_skips_the_intervals_too_many_to_draw() {
        let mut g = IoGraph::default();
        g.series.observe_frame(0, 60);
        g.series.observe_frame(3_600_000_000_000, 60);
        g.interval = 5;
        g.next_interval();
        // 1 ms and 10 ms would be 3.6 million and 360,000 points; 100 ms is 36,000.
        assert_eq!(g.picked, Some(2));
        g.interval = 2;
        g.next_interval();
        assert_eq!(g.picked, Some(3));
    }

    #[test]
    fn intervals_read_as_people_say_them() {
        let said: Vec<String> = INTERVALS_US.iter().map(|&u| interval_label(u)).collect();
        assert_eq!(said, ["1 ms", "10 ms", "100 ms", "1 s", "10 s", "1 min"]);
    }
}
