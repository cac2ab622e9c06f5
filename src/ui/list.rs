//! The packet list: only the rows on screen are decoded.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Row, Table, Widget};

use crate::app::row::row;
use crate::app::{App, Pane};
use crate::store::lock;

/// Column widths; below 100 columns the Length column is dropped so Info keeps room.
fn widths(area: Rect) -> Vec<Constraint> {
    let wide = area.width >= 100;
    // 15 columns fit any IPv4 address; IPv6 gets room only on wide screens.
    let addr = if area.width >= 150 { 26 } else { 15 };
    let (num, time) = if wide { (7, 10) } else { (6, 9) };
    let mut w = vec![
        Constraint::Length(num),
        Constraint::Length(time),
        Constraint::Length(addr),
        Constraint::Length(addr),
        Constraint::Length(6),
    ];
    if wide {
        w.push(Constraint::Length(5));
    }
    w.push(Constraint::Fill(1));
    w
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let rows_total = app.row_count();
    let at = if app.is_row(app.selected) {
        (app.row_at_or_after(app.selected) + 1).to_string()
    } else {
        "-".into()
    };
    let title = match &app.filter {
        None => format!(" Packets {at}/{rows_total} "),
        Some(f) => {
            let progress = app
                .filter_progress()
                .map_or(String::new(), |p| format!(", filtering {p}%"));
            format!(
                " Packets {at}/{rows_total} of {} (filter: {}{progress}) ",
                app.visible, f.text
            )
        }
    };
    let block = super::pane_block(app, title, Some(Pane::List));
    let rows_n = usize::from(area.height.saturating_sub(2));
    let focused = app.focus == Pane::List;
    let wide = area.width >= 100;
    let store = lock(&app.store);
    let mut rows = Vec::with_capacity(rows_n);
    for r in app.list_top..(app.list_top + rows_n).min(rows_total) {
        let Some(i) = app.row_packet(r) else { break };
        let Some(d) = store.dissect(i) else { continue };
        let r = row(&d);
        let flagged = d.tcp.as_ref().is_some_and(|t| !t.flags.is_empty());
        let syn = d
            .packet
            .tcp()
            .is_some_and(|t| t.syn() || t.fin() || t.rst());
        let style = if i == app.selected {
            if focused {
                app.theme.selected
            } else {
                app.theme.selected_dim
            }
        } else if app.matches(&d) {
            app.theme.search_hit
        } else if flagged {
            app.theme.bad_tcp
        } else if syn {
            app.theme.syn
        } else {
            Style::new()
        };
        let mark = if i == app.selected { ">" } else { " " };
        let mut cells = vec![
            format!("{mark}{}", r.number),
            r.time,
            r.source,
            r.destination,
            r.protocol.to_string(),
        ];
        if wide {
            cells.push(r.length.to_string());
        }
        cells.push(r.info);
        rows.push(Row::new(cells).style(style));
    }
    drop(store);
    let mut names = vec![" No.", "Time", "Source", "Destination", "Proto"];
    if wide {
        names.push("Len");
    }
    names.push("Info");
    let header = Row::new(names).style(app.theme.header);
    Table::new(rows, widths(area))
        .header(header)
        .block(block)
        .column_spacing(1)
        .render(area, buf);
}
