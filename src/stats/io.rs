//! IO intervals: frames, bytes or a field's COUNT/SUM/MIN/MAX/AVG per fixed time interval,
//! for each of several lines (each optionally limited by a display filter) — what `tshark
//! -z io,stat` prints and what the IO graph draws. Times are relative to the first frame,
//! in microseconds as tshark keeps them (rounded to the nearest one).

use crate::decode::{FieldList, Interest};
use crate::dissect::Dissection;
use crate::field::{FieldId, FieldSet, Value};
use crate::filter::Filter;

/// What one line measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calc {
    /// tshark's default column: frames and bytes.
    FramesAndBytes,
    Frames,
    Bytes,
    /// How many times the field occurs.
    Count(FieldId),
    Sum(FieldId),
    Min(FieldId),
    Max(FieldId),
    Avg(FieldId),
}

impl Calc {
    /// The field the calculation reads, if any.
    pub fn field(self) -> Option<FieldId> {
        match self {
            Calc::FramesAndBytes | Calc::Frames | Calc::Bytes => None,
            Calc::Count(id) | Calc::Sum(id) | Calc::Min(id) | Calc::Max(id) | Calc::Avg(id) => {
                Some(id)
            }
        }
    }

    /// tshark's function name (`COUNT`), as its column heading shows it.
    pub fn name(self) -> &'static str {
        match self {
            Calc::FramesAndBytes => "FRAMES BYTES",
            Calc::Frames => "FRAMES",
            Calc::Bytes => "BYTES",
            Calc::Count(_) => "COUNT",
            Calc::Sum(_) => "SUM",
            Calc::Min(_) => "MIN",
            Calc::Max(_) => "MAX",
            Calc::Avg(_) => "AVG",
        }
    }
}

/// One line (a column of `-z io,stat`, a plot of the IO graph).
#[derive(Debug, Clone, PartialEq)]
pub struct IoLine {
    pub calc: Calc,
    /// Only frames that pass it count (and, for field calculations, it is tshark's
    /// filter part after the parenthesis).
    pub filter: Option<Filter>,
}

impl IoLine {
    /// tshark's column syntax: `""` (every frame), `FILTER`, or `FUNC(FIELD)FILTER` with
    /// FUNC one of COUNT, SUM, MIN, MAX, AVG (FRAMES() and BYTES() take no field). The
    /// error is one line, naming what is wrong.
    pub fn parse(text: &str) -> Result<IoLine, String> {
        let compile = |f: &str| -> Result<Option<Filter>, String> {
            if f.trim().is_empty() {
                return Ok(None);
            }
            Filter::parse(f).map(Some).map_err(|e| e.to_string())
        };
        for func in ["COUNT", "SUM", "MIN", "MAX", "AVG", "FRAMES", "BYTES"] {
            let Some(rest) = text.strip_prefix(func).and_then(|r| r.strip_prefix('(')) else {
                continue;
            };
            let (field, filter) = rest
                .split_once(')')
                .ok_or_else(|| format!("{func}( needs its closing parenthesis"))?;
            let calc = match func {
                "FRAMES" | "BYTES" if !field.is_empty() => {
                    return Err(format!("{func}() takes no field"));
                }
                "FRAMES" => Calc::Frames,
                "BYTES" => Calc::Bytes,
                _ => {
                    let id = FieldId::from_name(field).ok_or_else(|| {
                        format!("{func}({field}): no field named '{field}' (see `sockeye fields`)")
                    })?;
                    match func {
                        "COUNT" => Calc::Count(id),
                        "SUM" => Calc::Sum(id),
                        "MIN" => Calc::Min(id),
                        "MAX" => Calc::Max(id),
                        _ => Calc::Avg(id),
                    }
                }
            };
            return Ok(IoLine {
                calc,
                filter: compile(filter)?,
            });
        }
        Ok(IoLine {
            calc: Calc::FramesAndBytes,
            filter: compile(text)?,
        })
    }
}

/// One interval of one line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Frames that passed the line's filter.
    pub frames: u64,
    /// Their `frame.len` sum.
    pub bytes: u64,
    /// COUNT: occurrences; SUM: the sum; MIN/MAX: the extreme (0 when none); AVG: the sum.
    pub counter: i128,
    /// AVG: how many values were summed.
    pub samples: u64,
}

impl Cell {
    /// The line's value in this interval, as tshark prints it (AVG truncated).
    pub fn value(&self, calc: Calc) -> i128 {
        match calc {
            Calc::FramesAndBytes | Calc::Frames => i128::from(self.frames),
            Calc::Bytes => i128::from(self.bytes),
            Calc::Avg(_) => self.counter / i128::from(self.samples.max(1)),
            _ => self.counter,
        }
    }
}

/// The lines' cells per interval, built one frame at a time.
#[derive(Debug, Clone)]
pub struct IoSeries {
    interval_us: u64,
    lines: Vec<IoLine>,
    want: FieldSet,
    interest: Interest,
    /// `cells[line][interval]`.
    cells: Vec<Vec<Cell>>,
    first_ns: Option<i64>,
    /// The last frame's time since the first, in microseconds.
    last_us: u64,
}

/// A frame's time since the first frame, in microseconds rounded as tshark rounds it.
fn relative_us(relative_ns: i64) -> u64 {
    u64::try_from(relative_ns.saturating_add(500) / 1000).unwrap_or(0)
}

fn number(value: &Value<'_>) -> Option<i128> {
    match value {
        Value::U64(v) => Some(i128::from(*v)),
        Value::I64(v) | Value::Nanos(v) => Some(i128::from(*v)),
        Value::Bool(b) => Some(i128::from(*b)),
        _ => None,
    }
}

impl IoSeries {
    /// `interval_us` of 0 means one interval for the whole capture (as tshark's `0`).
    pub fn new(interval_us: u64, lines: Vec<IoLine>) -> Self {
        let mut want = FieldSet::new();
        let mut interest = Interest::NONE;
        for line in &lines {
            if let Some(id) = line.calc.field() {
                want.insert(id);
                interest = interest.union(Interest::of_field(id));
            }
        }
        IoSeries {
            interval_us: if interval_us == 0 {
                u64::from(i32::MAX as u32)
            } else {
                interval_us
            },
            cells: vec![Vec::new(); lines.len()],
            lines,
            want,
            interest,
            first_ns: None,
            last_us: 0,
        }
    }

    pub fn interval_us(&self) -> u64 {
        self.interval_us
    }

    pub fn lines(&self) -> &[IoLine] {
        &self.lines
    }

    /// The last frame's time since the first, in microseconds.
    pub fn duration_us(&self) -> u64 {
        self.last_us
    }

    /// Cells of one line, one per interval from the start (trailing empty ones omitted).
    pub fn cells(&self, line: usize) -> &[Cell] {
        self.cells.get(line).map_or(&[], |c| c.as_slice())
    }

    /// Whether a line reads the packet (a filter or a field): then every frame must come
    /// through [`IoSeries::observe`]; otherwise [`IoSeries::observe_frame`] is enough.
    pub fn reads_packets(&self) -> bool {
        self.lines
            .iter()
            .any(|l| l.filter.is_some() || l.calc.field().is_some())
    }

    pub fn observe(&mut self, d: &Dissection<'_>) {
        let mut scratch = String::new();
        let mut fields = FieldList::wanting(self.want);
        if self.interest != Interest::NONE {
            d.emit_fields_only(&mut scratch, self.interest, &mut fields);
        }
        self.count(d.info.ts_ns, d.packet.orig_len, &fields, |line| {
            line.filter.as_ref().is_none_or(|f| f.matches(d))
        });
    }

    /// Counts a frame known only by its time and length: the UI's all-packets line counts
    /// its index this way, without decoding a frame. Lines that read the packet (see
    /// [`IoSeries::reads_packets`]) leave it out.
    pub fn observe_frame(&mut self, ts_ns: i64, orig_len: u32) {
        let fields = FieldList::wanting(FieldSet::new());
        self.count(ts_ns, orig_len, &fields, |line| {
            line.filter.is_none() && line.calc.field().is_none()
        });
    }

    fn count(
        &mut self,
        ts_ns: i64,
        orig_len: u32,
        fields: &FieldList<'_>,
        passes: impl Fn(&IoLine) -> bool,
    ) {
        let first = *self.first_ns.get_or_insert(ts_ns);
        let rel = relative_us(ts_ns.saturating_sub(first));
        self.last_us = self.last_us.max(rel);
        let index = usize::try_from(rel / self.interval_us).unwrap_or(usize::MAX);
        for (line, cells) in self.lines.iter().zip(self.cells.iter_mut()) {
            if !passes(line) {
                continue;
            }
            if cells.len() <= index {
                if index == usize::MAX {
                    continue;
                }
                cells.resize(index + 1, Cell::default());
            }
            let Some(cell) = cells.get_mut(index) else {
                continue;
            };
            let first_frame = cell.frames == 0;
            cell.frames += 1;
            cell.bytes += u64::from(orig_len);
            let Some(id) = line.calc.field() else {
                continue;
            };
            let mut first_value = first_frame;
            for field in fields.iter().filter(|f| f.id == id) {
                match line.calc {
                    Calc::Count(_) => cell.counter += 1,
                    Calc::Sum(_) | Calc::Avg(_) => {
                        cell.counter += number(&field.value).unwrap_or(0);
                        cell.samples += 1;
                    }
                    Calc::Min(_) => {
                        let v = number(&field.value).unwrap_or(0);
                        if first_value || v < cell.counter {
                            cell.counter = v;
                        }
                    }
                    Calc::Max(_) => {
                        let v = number(&field.value).unwrap_or(0);
                        if v > cell.counter {
                            cell.counter = v;
                        }
                    }
                    _ => {}
                }
                first_value = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_microseconds() {
        assert_eq!(relative_us(0), 0);
        assert_eq!(relative_us(1_499), 1);
        assert_eq!(relative_us(1_500), 2);
        assert_eq!(relative_us(-5), 0);
    }

    #[test]
    fn average_truncates() {
        let cell = Cell {
            frames: 3,
            bytes: 10,
            counter: 10,
            samples: 3,
        };
        assert_eq!(cell.value(Calc::Avg(FieldId::FrameLen)), 3);
        assert_eq!(cell.value(Calc::Bytes), 10);
        assert_eq!(cell.value(Calc::FramesAndBytes), 3);
    }
}
