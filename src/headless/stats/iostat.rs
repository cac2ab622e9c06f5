//! `-z io,stat,INTERVAL[,COLUMN…]`: the IO table as tshark 4.0 draws it. The intervals
//! are the library's ([`crate::stats::io::IoSeries`]); this file only reproduces tshark's
//! layout — column widths from the largest value, a box whose width the longest column
//! title can stretch, the last row ending at the capture's duration (`Dur` for whole
//! seconds). Hand-written: the layout is tshark's own.

use std::fmt::Write as _;

use crate::stats::io::{Calc, IoSeries};

/// How many decimal digits `v` has (at least 1), as tshark's `magnitude`.
fn magnitude(mut v: u128) -> usize {
    let mut mag = 1;
    while v >= 10 {
        v /= 10;
        mag += 1;
    }
    mag
}

/// One column's widths: (frames, value) for frames-and-bytes, (0, value) otherwise.
struct Column {
    calc: Calc,
    title: String,
    frames_w: usize,
    value_w: usize,
}

impl Column {
    fn width(&self) -> usize {
        match self.calc {
            Calc::FramesAndBytes => self.frames_w + 3 + self.value_w + 3,
            _ => self.value_w + 3,
        }
    }
}

fn fill(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// `io` collected the frames; `titles` are the column texts as given (`None`: the
/// default frames-and-bytes column); `precision` is the number of decimals the interval
/// was written with.
pub fn render(io: &IoSeries, titles: &[Option<String>], precision: u32) -> String {
    let duration = io.duration_us();
    let asked = io.interval_us();
    // An interval past the end (or 0, the whole capture) shows as the duration, in ms.
    let dur_mag = magnitude(u128::from(duration / 1_000_000));
    let whole = asked >= duration;
    // tshark's whole-capture interval keeps five digits (0.134, 45.1) and sizes the box
    // as for the three-decimal case (so a 45 s capture's box is two columns wider).
    let (interval, precision) = if whole {
        (duration, if dur_mag == 1 { 3 } else { 1 })
    } else {
        (asked, precision.min(6))
    };
    let dv = 10u64.pow(6 - precision);
    // A capture of one instant has no row at all (tshark prints the empty table).
    let rows = match interval {
        0 => 0,
        i => duration / i + u64::from(duration % i > 0),
    };
    let rows = usize::try_from(rows).unwrap_or(usize::MAX);

    let mut columns: Vec<Column> = Vec::new();
    for (n, line) in io.lines().iter().enumerate() {
        let cells = io.cells(n);
        let max_frames = cells.iter().map(|c| c.frames).max().unwrap_or(0);
        let max_value = cells
            .iter()
            .map(|c| c.value(line.calc).max(0).unsigned_abs())
            .max()
            .unwrap_or(0);
        let title = titles
            .get(n)
            .cloned()
            .flatten()
            .unwrap_or_else(|| "Frames and bytes".into());
        let (frames_w, value_w) = match line.calc {
            Calc::FramesAndBytes => (
                magnitude(u128::from(max_frames)).max(6),
                magnitude(u128::from(cells.iter().map(|c| c.bytes).max().unwrap_or(0))).max(5),
            ),
            Calc::Frames => (0, magnitude(u128::from(max_frames)).max(6)),
            calc => (0, magnitude(max_value).max(calc.name().len())),
        };
        columns.push(Column {
            calc: line.calc,
            title,
            frames_w,
            value_w,
        });
    }

    // The interval column: " a <> b " with a and b as wide as the duration needs.
    let time_w = if precision > 0 {
        dur_mag + 1 + precision as usize
    } else {
        dur_mag
    };
    let interval_w = (2 * time_w + 6).max(10);
    let columns_w = columns.iter().map(Column::width).sum::<usize>();
    let table_w = interval_w + 2 + columns_w;
    let box_w = if whole {
        table_w.max(16 + 2 + columns_w)
    } else {
        table_w
    };
    let titles_w = columns
        .iter()
        .map(|c| c.title.len() + 11)
        .max()
        .unwrap_or(0);
    let mut border = box_w;
    if titles_w > border && border < 102 {
        border = titles_w.min(102);
    }
    if border == table_w + 1 {
        border += 1;
    }
    let filler = (table_w < border).then(|| " ".repeat(border - table_w - 1) + "|");

    let mut out = String::from("\n");
    out.push_str(&"=".repeat(border));
    out.push('\n');
    let boxed = |out: &mut String, text: &str| {
        out.push_str(text);
        fill(out, border.saturating_sub(text.len() + 1));
        out.push_str("|\n");
    };
    boxed(&mut out, "| IO Statistics");
    boxed(&mut out, "|");
    // Times are rounded to the interval's precision.
    let secs = |us: u64| -> String {
        let units = (us + dv / 2) / dv;
        let per_second = 1_000_000 / dv;
        match precision {
            0 => format!("{}", us / 1_000_000),
            p => format!(
                "{}.{:0p$}",
                units / per_second,
                units % per_second,
                p = p as usize
            ),
        }
    };
    // tshark pads whole-second durations' microseconds with spaces, not zeros.
    let duration_text = match precision {
        0 => format!("{}.{:6}", duration / 1_000_000, duration % 1_000_000),
        _ => secs(duration),
    };
    boxed(&mut out, &format!("| Duration: {duration_text} secs"));
    let interval_text = secs(interval);
    let int_part = interval_text.split('.').next().unwrap_or("").len();
    let pad = " ".repeat(dur_mag.saturating_sub(int_part));
    boxed(&mut out, &format!("| Interval: {pad}{interval_text} secs"));
    boxed(&mut out, "|");
    for (n, c) in columns.iter().enumerate() {
        let head = if n == 0 {
            "| Col 1: ".to_string()
        } else {
            format!("|    {:>2}: ", n + 1)
        };
        boxed(&mut out, &format!("{head}{}", c.title));
    }
    let _ = writeln!(out, "|-{}|", "-".repeat(border.saturating_sub(3)));

    // Column numbers, then the function names centred as tshark's printcenter does.
    out.push('|');
    fill(&mut out, interval_w);
    out.push('|');
    for (n, c) in columns.iter().enumerate() {
        let number = format!("{:<2}", n + 1);
        out.push_str(&number);
        fill(&mut out, c.width().saturating_sub(1 + 2));
        out.push('|');
    }
    if let Some(f) = &filler {
        out.push_str(f);
    }
    out.push_str("\n| Interval");
    fill(&mut out, interval_w.saturating_sub(9));
    out.push('|');
    for c in &columns {
        match c.calc {
            Calc::FramesAndBytes => {
                centre(&mut out, "Frames", c.frames_w);
                centre(&mut out, "Bytes", c.value_w);
            }
            calc => centre(&mut out, calc.name(), c.value_w),
        }
    }
    if let Some(f) = &filler {
        out.push_str(f);
    }
    let _ = write!(out, "\n|-{}|", "-".repeat(table_w.saturating_sub(3)));
    if let Some(f) = &filler {
        out.push_str(f);
    }
    out.push('\n');

    for row in 0..rows {
        let last = row + 1 == rows;
        let start = row as u64 * interval;
        let end = if last { duration } else { start + interval };
        if precision > 0 {
            let _ = write!(
                out,
                "| {:>w$} <> {:>w$} |",
                secs(start),
                secs(end),
                w = time_w
            );
        } else {
            // Whole seconds: " a <> b " centred in the column (at least 10 wide); the last
            // row ends in "Dur".
            let text = format!(
                " {:>w$} <> {:>w$} ",
                start / 1_000_000,
                end / 1_000_000,
                w = time_w
            );
            let spare = interval_w.saturating_sub(text.len());
            let left = spare / 2 + spare % 2;
            out.push('|');
            fill(&mut out, left);
            if last {
                let _ = write!(out, " {:>w$} <> Dur|", start / 1_000_000, w = time_w);
            } else {
                out.push_str(&text);
                fill(&mut out, spare - left);
                out.push('|');
            }
        }
        for (n, c) in columns.iter().enumerate() {
            let cell = io.cells(n).get(row).copied().unwrap_or_default();
            match c.calc {
                Calc::FramesAndBytes => {
                    let _ = write!(
                        out,
                        " {:>fw$} | {:>vw$} |",
                        cell.frames,
                        cell.bytes,
                        fw = c.frames_w,
                        vw = c.value_w
                    );
                }
                calc => {
                    let _ = write!(out, " {:>w$} |", cell.value(calc), w = c.value_w);
                }
            }
        }
        if let Some(f) = &filler {
            out.push_str(f);
        }
        out.push('\n');
    }
    out.push_str(&"=".repeat(border));
    out.push('\n');
    out
}

/// tshark's `printcenter`: the label in a field `width` wide plus one space each side.
fn centre(out: &mut String, label: &str, width: usize) {
    let spare = width.saturating_sub(label.len());
    let left = 1 + spare / 2 + spare % 2;
    let right = 1 + spare / 2;
    fill(out, left);
    out.push_str(label);
    fill(out, right);
    out.push('|');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magnitudes() {
        assert_eq!(magnitude(0), 1);
        assert_eq!(magnitude(9), 1);
        assert_eq!(magnitude(10), 2);
        assert_eq!(magnitude(6162), 4);
    }

    #[test]
    fn centring() {
        let mut out = String::new();
        centre(&mut out, "MAX", 4);
        centre(&mut out, "Frames", 6);
        assert_eq!(out, "  MAX | Frames |");
    }
}
