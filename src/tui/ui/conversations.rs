//! TCP and UDP conversations from the analysis, like Wireshark's Conversations window,
//! counted over the packets the list shows. Columns are sized to their content on screen
//! ([`super::fit`]): addresses whole or cut with `…`, numbers never cut.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Row, Table, Widget};

use super::fit::{widths, Need};
use crate::analysis::ConvProto;
use crate::store::lock;
use crate::tui::app::{group, App};

const HEADERS: [&str; 8] = [
    "Stream",
    "Address A",
    "Address B",
    "Frames",
    "Bytes",
    "Start",
    "Duration",
    "State",
];

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let store = lock(&app.store);
    let convs = store.conversations();
    let lines = app.conversation_lines(&store);
    let count = match app.counting_subset() {
        Some(what) => format!(
            "{} of {}, {what}",
            group(lines.len() as u64),
            group(convs.len() as u64)
        ),
        None => group(lines.len() as u64),
    };
    let block = super::pane_block(app, format!(" Conversations ({count}) "), None);
    let height = usize::from(area.height.saturating_sub(2)).max(1);
    let cursor = app.conv_cursor.min(lines.len().saturating_sub(1));
    let top = cursor.saturating_sub(height - 1);
    let start = store.first_ts();
    let cells: Vec<[String; 8]> = lines
        .iter()
        .skip(top)
        .take(height)
        .filter_map(|l| {
            let c = convs.get(l.index)?;
            let proto = match c.proto {
                ConvProto::Tcp => "TCP",
                ConvProto::Udp => "UDP",
            };
            let dur = l.last_ts.saturating_sub(l.first_ts).max(0) as f64 / 1e9;
            let rel = l.first_ts.saturating_sub(start).max(0) as f64 / 1e9;
            // The final TCP state belongs to the whole conversation: shown only when every
            // one of its packets is counted.
            let state = match c.proto {
                ConvProto::Tcp if l.complete => c.stats.state.to_string(),
                ConvProto::Tcp => "…".to_string(),
                ConvProto::Udp => String::new(),
            };
            Some([
                format!("{proto} {}", c.stream),
                c.stats.a.to_string(),
                c.stats.b.to_string(),
                group(l.frames),
                group(l.bytes),
                format!("{rel:.3}"),
                format!("{dur:.3}"),
                state,
            ])
        })
        .collect();
    drop(store);
    let natural = |k: usize| {
        cells
            .iter()
            .map(|c| c[k].chars().count())
            .chain(std::iter::once(HEADERS[k].chars().count()))
            .max()
            .unwrap_or(0)
    };
    let needs = [
        Need::number(natural(0)),
        Need::text(natural(1), 10),
        Need::text(natural(2), 10),
        Need::number(natural(3)),
        Need::number(natural(4)),
        Need::number(natural(5)).droppable(3),
        Need::number(natural(6)).droppable(2),
        Need::text(natural(7), 6).droppable(1),
    ];
    let w = widths(&needs, usize::from(area.width), 1, 0);
    let keep: Vec<usize> = (0..8).filter(|&k| w[k].is_some()).collect();
    let width = |k: usize| w[k].unwrap_or(0);
    let rows: Vec<Row> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let row = Row::new(keep.iter().map(|&k| {
                if k == 1 || k == 2 {
                    super::fit_middle(&c[k], width(k))
                } else {
                    super::fit(&c[k], width(k))
                }
            }));
            if top + i == cursor {
                row.style(crate::tui::ui::palette(app).selected)
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(keep.iter().map(|&k| super::fit(HEADERS[k], width(k))))
        .style(crate::tui::ui::palette(app).header);
    let constraints: Vec<Constraint> = keep
        .iter()
        .map(|&k| Constraint::Length(width(k) as u16))
        .collect();
    Table::new(rows, constraints)
        .header(header)
        .block(block)
        .column_spacing(1)
        .render(area, buf);
}
