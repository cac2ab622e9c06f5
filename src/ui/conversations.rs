//! TCP and UDP conversations from the analysis, like Wireshark's Conversations window.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Row, Table, Widget};

use crate::analysis::ConvProto;
use crate::app::App;
use crate::store::lock;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let store = lock(&app.store);
    let convs = store.conversations();
    let block = super::pane_block(app, format!(" Conversations ({}) ", convs.len()), None);
    let height = usize::from(area.height.saturating_sub(2)).max(1);
    let top = app.conv_cursor.saturating_sub(height - 1);
    let start = store.first_ts();
    let rows: Vec<Row> = convs
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, c)| {
            let s = &c.stats;
            let proto = match c.proto {
                ConvProto::Tcp => "TCP",
                ConvProto::Udp => "UDP",
            };
            let dur = (s.last_ts_ns - s.first_ts_ns).max(0) as f64 / 1e9;
            let rel = (s.first_ts_ns - start).max(0) as f64 / 1e9;
            let state = match c.proto {
                ConvProto::Tcp => s.state.to_string(),
                ConvProto::Udp => String::new(),
            };
            let row = Row::new([
                format!("{proto} {}", c.stream),
                s.a.to_string(),
                s.b.to_string(),
                s.frames().to_string(),
                s.bytes().to_string(),
                format!("{rel:.3}"),
                format!("{dur:.3}"),
                state,
            ]);
            if i == app.conv_cursor {
                row.style(app.theme.selected)
            } else {
                row
            }
        })
        .collect();
    drop(store);
    let header = Row::new([
        "Stream",
        "Address A",
        "Address B",
        "Frames",
        "Bytes",
        "Start",
        "Duration",
        "State",
    ])
    .style(app.theme.header);
    // Addresses share what is left, so IPv6 endpoints show whole on wide screens.
    Table::new(
        rows,
        [
            Constraint::Length(7),
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(16),
        ],
    )
    .header(header)
    .block(block)
    .render(area, buf);
}
