//! Marks and ignores (Wireshark's Ctrl-M and Ctrl-D): a mark tags a packet to come back
//! to, to filter on (`frame.marked == 1`) and to export; an ignored packet stays listed,
//! tagged, and is left out of exports. The filter sees the marks as they were when it was
//! applied (Wireshark too re-filters only on Apply).

use std::collections::BTreeSet;

use super::analyst::ExportSet;
use super::filter::FilterView;
use super::{App, Prompt, PromptKind};
use crate::field::FieldId;
use crate::filter::{Filter, FrameMarks};

impl App {
    pub fn toggle_mark(&mut self) {
        let Some(i) = self.selected_packet() else {
            return;
        };
        let on = toggle(&mut self.analyst.marked, i);
        let n = self.analyst.marked.len();
        self.message = Some(format!(
            "packet {} {} ({n} marked)",
            i + 1,
            if on { "marked" } else { "unmarked" }
        ));
    }

    pub fn toggle_ignore(&mut self) {
        let Some(i) = self.selected_packet() else {
            return;
        };
        let on = toggle(&mut self.analyst.ignored, i);
        self.message = Some(format!(
            "packet {} {}",
            i + 1,
            if on {
                "ignored (left out of exports)"
            } else {
                "no longer ignored"
            }
        ));
    }

    /// Moves to the next (or previous) marked packet that the list shows, wrapping.
    pub fn next_mark(&mut self, forward: bool) {
        let shown: Vec<usize> = self
            .analyst
            .marked
            .iter()
            .copied()
            .filter(|&i| i < self.visible && self.is_row(i))
            .collect();
        let next = if forward {
            shown.iter().find(|&&i| i > self.selected).or(shown.first())
        } else {
            shown
                .iter()
                .rev()
                .find(|&&i| i < self.selected)
                .or(shown.last())
        };
        match next {
            Some(&i) => {
                self.selected = i;
                self.follow_tail = false;
            }
            None => self.message = Some("no marked packets (m marks one)".into()),
        }
    }

    /// What the user said about packet `i`.
    pub fn frame_marks(&self, i: usize) -> FrameMarks {
        FrameMarks {
            marked: self.analyst.marked.contains(&i),
            ignored: self.analyst.ignored.contains(&i),
        }
    }

    /// The list view of `filter`, reading the marks when it names them.
    pub(super) fn filter_view(&self, filter: Filter) -> FilterView {
        let reads_marks = filter
            .fields()
            .iter()
            .any(|id| matches!(id, FieldId::FrameMarked | FieldId::FrameIgnored));
        if !reads_marks {
            return FilterView::new(filter, self.selected);
        }
        let marked = self.analyst.marked.clone();
        let ignored = self.analyst.ignored.clone();
        let text = filter.text().to_string();
        FilterView::with_predicate(
            text,
            Box::new(move |d| {
                let i = (d.info.number as usize).saturating_sub(1);
                let marks = FrameMarks {
                    marked: marked.contains(&i),
                    ignored: ignored.contains(&i),
                };
                filter.matches_marked(d, marks)
            }),
            self.selected,
        )
    }

    /// `X`: the export prompt, on the displayed packets (Tab changes the set).
    pub fn open_export(&mut self) {
        self.analyst.export = ExportSet::Displayed;
        self.prompt = Some(Prompt {
            kind: PromptKind::Export,
            text: String::new(),
        });
    }

    /// The packets the export prompt would write (capture order, ignored left out), from
    /// its set and, for a range, the numbers typed first.
    pub fn export_packets(&self, text: &str) -> Result<Vec<usize>, String> {
        let keep = |i: &usize| !self.analyst.ignored.contains(i);
        let mut rows: Vec<usize> = match self.analyst.export {
            ExportSet::Displayed => (0..self.row_count())
                .filter_map(|r| self.row_packet(r))
                .filter(keep)
                .collect(),
            ExportSet::Marked => self
                .analyst
                .marked
                .iter()
                .copied()
                .filter(|&i| i < self.visible)
                .filter(keep)
                .collect(),
            ExportSet::Range => {
                let (first, last) = parse_range(text)?;
                (first..=last)
                    .map(|n| n - 1)
                    .filter(|&i| i < self.visible)
                    .filter(keep)
                    .collect()
            }
        };
        rows.sort_unstable();
        Ok(rows)
    }

    /// The export prompt's label: which set, how many packets.
    pub fn export_label(&self, text: &str) -> String {
        let n = self.export_packets(text).map_or(0, |r| r.len());
        match self.analyst.export {
            ExportSet::Displayed => format!("export displayed ({n} packets) to: "),
            ExportSet::Marked => format!("export marked ({n} packets) to: "),
            ExportSet::Range => format!("export range N-M FILE ({n} packets): "),
        }
    }

    pub(super) fn submit_export(&mut self, text: &str) {
        let rows = match self.export_packets(text) {
            Ok(rows) => rows,
            Err(why) => {
                self.message = Some(why);
                return;
            }
        };
        let path = match self.analyst.export {
            ExportSet::Range => text.split_once(char::is_whitespace).map_or("", |(_, p)| p),
            _ => text,
        }
        .trim();
        if path.is_empty() {
            self.message = Some("export: no file name".into());
        } else if rows.is_empty() {
            self.message = Some("export: no packets in that set".into());
        } else {
            let (message, _) = self.write_packets(path, &rows);
            self.message = Some(message);
        }
    }

    fn selected_packet(&self) -> Option<usize> {
        (self.selected < self.visible).then_some(self.selected)
    }
}

fn toggle(set: &mut BTreeSet<usize>, i: usize) -> bool {
    if set.remove(&i) {
        false
    } else {
        set.insert(i);
        true
    }
}

/// `3-7 FILE` → (3, 7); a single number is a range of one.
fn parse_range(text: &str) -> Result<(usize, usize), String> {
    let spec = text.split_whitespace().next().unwrap_or("");
    let (a, b) = spec.split_once('-').unwrap_or((spec, spec));
    match (a.parse::<usize>(), b.parse::<usize>()) {
        (Ok(a), Ok(b)) if a >= 1 && a <= b => Ok((a, b)),
        _ => Err(format!(
            "export range: type FIRST-LAST then the file, not {spec:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("3-7 x.pcap"), Ok((3, 7)));
        assert_eq!(parse_range("4 x.pcap"), Ok((4, 4)));
        assert!(parse_range("7-3 x").is_err());
        assert!(parse_range("0-3 x").is_err());
        assert!(parse_range("x.pcap").is_err());
    }
}
