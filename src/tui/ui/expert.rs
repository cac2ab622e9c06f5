//! Expert Information: a line per severity (`▾ Warning (4)`, its name always written, so
//! it reads the same without colour), a line per message with its group, protocol and
//! count, and, for an opened message, a line per packet (number, Protocol and Info).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use crate::store::lock;
use crate::tui::app::expert::ExpertRow;
use crate::tui::app::{row, App};

/// Width of the Group, Protocol and Count columns with their gaps.
const RIGHT: usize = 10 + 10 + 6;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let e = &app.expert;
    let rows = e.rows();
    let messages = rows
        .iter()
        .filter(|r| matches!(r, ExpertRow::Group(..)))
        .count();
    let items: usize = crate::stats::expert::Severity::DESCENDING
        .iter()
        .map(|s| e.table.count(*s))
        .sum();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut title = format!(
        " Expert Information · {}, {} ",
        plural(items, "item"),
        plural(messages, "message")
    );
    if app.expert_counting() {
        title = format!(
            " Expert Information · counting {} of {} packets… ",
            crate::tui::app::group(e.seen as u64),
            crate::tui::app::group(app.visible as u64)
        );
    }
    let block = super::pane_block(app, title, None);
    let width = usize::from(area.width);
    let summary_width = width.saturating_sub(RIGHT + 5);
    let theme = super::palette(app);
    let mut lines = vec![Line::styled(
        super::fit(
            &format!(
                "   {:<summary_width$} {:<9} {:<9} {:>5}",
                "Severity / Summary", "Group", "Protocol", "Count"
            ),
            width,
        ),
        theme.header,
    )];
    if rows.is_empty() && !app.expert_counting() {
        lines.push(Line::raw(format!(
            "No expert information in the {} packets shown.",
            app.visible
        )));
    }
    let store = lock(&app.store);
    let shown = crate::tui::app::layout::expert_rows(app.size);
    for (i, r) in rows.iter().enumerate().skip(e.top).take(shown) {
        let text = match *r {
            ExpertRow::Severity(s) => {
                let arrow = if e.closed.contains(&s) { '▸' } else { '▾' };
                format!(" {arrow} {} ({})", s.tree_word(), e.table.count(s))
            }
            ExpertRow::Group(s, g) => {
                let Some(group) = e.table.groups(s).get(g) else {
                    continue;
                };
                let arrow = if e.open.contains(&(s, g)) {
                    '▾'
                } else {
                    '▸'
                };
                format!(
                    "   {arrow} {:<w$} {:<9} {:<9} {:>5}",
                    super::fit(&group.summary, summary_width.saturating_sub(2)),
                    group.group.to_string(),
                    group.protocol,
                    group.frames.len(),
                    w = summary_width.saturating_sub(2)
                )
            }
            ExpertRow::Packet(_, _, frame) => {
                let cols = usize::try_from(frame)
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| store.dissect(i))
                    .map(|d| row::row(&d));
                match cols {
                    Some(c) => format!("       {frame:>7}  {:<8} {}", c.protocol, c.info),
                    None => format!("       {frame:>7}  (not in the store)"),
                }
            }
        };
        let style = if i == e.cursor {
            theme.selected
        } else {
            match *r {
                ExpertRow::Severity(s) => theme
                    .severity
                    .get(s as usize)
                    .copied()
                    .unwrap_or_default()
                    .patch(theme.header),
                ExpertRow::Group(s, _) => {
                    theme.severity.get(s as usize).copied().unwrap_or_default()
                }
                ExpertRow::Packet(..) => ratatui::style::Style::new(),
            }
        };
        lines.push(Line::styled(super::fit(&text, width), style));
    }
    drop(store);
    Paragraph::new(lines).block(block).render(area, buf);
}
