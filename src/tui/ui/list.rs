//! The packet list: only the rows on screen are decoded, and each column is as wide as
//! what those rows hold (see [`super::fit`]): nothing is cut silently.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Row, Table, Widget};

use super::fit::{widths, Need};
use crate::store::lock;
use crate::tui::app::columns::Column;
use crate::tui::app::row::{row, row_resolved};
use crate::tui::app::{group, App, Pane};

/// Narrowest an address may be cut to (`10.0.0.…` still says which network).
const MIN_ADDRESS: usize = 8;

/// The title: position, row count and, with a filter, how many it keeps of how many.
fn title(app: &App) -> String {
    let rows_total = app.row_count();
    let at = if app.is_row(app.selected) {
        group(app.row_at_or_after(app.selected) as u64 + 1)
    } else {
        "-".into()
    };
    let total = group(rows_total as u64);
    let sorted = app.order.as_ref().map_or(String::new(), |o| {
        format!(", sorted by {} {}", o.column.title(), o.arrow())
    });
    match &app.filter {
        None => format!(" Packets {at}/{total}{sorted} "),
        Some(f) => {
            let progress = app
                .filter_progress()
                .map_or(String::new(), |p| format!(", filtering {p}%"));
            format!(
                " Packets {at}/{total} of {} (filter: {}{progress}){sorted} ",
                group(app.visible as u64),
                f.text
            )
        }
    }
}

/// What one column needs, from its cells on screen.
fn need(app: &App, c: Column, natural: usize) -> Need {
    let extra = app.columns.extra(c);
    let grown = natural.saturating_add_signed(isize::from(extra.max(0)));
    let cut = natural.saturating_add_signed(isize::from(extra)).max(1);
    match c {
        Column::No => Need::number(grown),
        // The time is a number (or a date): dropped before it is cut, after Len.
        Column::Time => Need::number(grown).droppable(2),
        Column::Length => Need::number(grown).droppable(1),
        Column::Source | Column::Destination => Need::text(cut, MIN_ADDRESS.min(cut)),
        Column::Protocol => Need::text(cut, cut.min(4)),
        Column::Info => Need::text(cut, 0).filling(),
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let block = super::pane_block(app, title(app), Some(Pane::List));
    let rows_n = usize::from(area.height.saturating_sub(2));
    let focused = app.focus == Pane::List;
    let shown: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| app.columns.shown(*c))
        .collect();
    let store = lock(&app.store);
    // Cells and style of each row on screen, then the widths they need.
    let mut lines: Vec<(Vec<String>, Style)> = Vec::with_capacity(rows_n);
    for r in app.list_top..(app.list_top + rows_n).min(app.row_count()) {
        let Some(i) = app.row_packet(r) else { break };
        let Some(d) = store.dissect(i) else { continue };
        let fields = if app.resolve_names {
            row_resolved(&d, &store.hosts)
        } else {
            row(&d)
        };
        let flagged = d.tcp.as_ref().is_some_and(|t| !t.flags.is_empty());
        let syn = d
            .packet
            .tcp()
            .is_some_and(|t| t.syn() || t.fin() || t.rst());
        let marks = app.frame_marks(i);
        let rule = (!app.no_color)
            .then(|| app.analyst.colours.rule_for(&d, marks))
            .flatten();
        let style = if marks.marked && i != app.selected && !app.no_color {
            // Wireshark draws marked packets white on black.
            Style::new()
                .fg(ratatui::style::Color::White)
                .bg(ratatui::style::Color::Black)
        } else if marks.ignored && i != app.selected && !app.no_color {
            Style::new().fg(ratatui::style::Color::DarkGray)
        } else if i == app.selected {
            if focused {
                crate::tui::ui::palette(app).selected
            } else {
                crate::tui::ui::palette(app).selected_dim
            }
        } else if app.matches(&d) {
            crate::tui::ui::palette(app).search_hit
        } else if let Some(rule) = rule {
            let rgb = |c: [u8; 3]| ratatui::style::Color::Rgb(c[0], c[1], c[2]);
            Style::new().fg(rgb(rule.fg)).bg(rgb(rule.bg))
        } else if flagged {
            crate::tui::ui::palette(app).bad_tcp
        } else if syn {
            crate::tui::ui::palette(app).syn
        } else {
            Style::new()
        };
        // The text tags keep marks readable without colour (NO_COLOR).
        let mark = if marks.marked {
            "*"
        } else if marks.ignored {
            "-"
        } else if i == app.selected {
            ">"
        } else {
            " "
        };
        let cells = shown
            .iter()
            .map(|c| match c {
                Column::No => format!("{mark}{}", fields.number),
                Column::Time => app.time_text(&store, i),
                Column::Source => fields.source.clone(),
                Column::Destination => fields.destination.clone(),
                Column::Protocol => fields.protocol.to_string(),
                Column::Length => fields.length.to_string(),
                Column::Info if app.quiz.hides_info(i) => {
                    crate::teach::quiz::HIDDEN_INFO.to_string()
                }
                Column::Info => fields.info.clone(),
            })
            .collect();
        lines.push((cells, style));
    }
    drop(store);
    let headers: Vec<String> = shown
        .iter()
        .map(|c| {
            let arrow = app
                .order
                .as_ref()
                .filter(|o| o.column == *c)
                .map_or("", |o| o.arrow());
            let pad = if *c == Column::No { " " } else { "" };
            format!("{pad}{}{arrow}", c.title())
        })
        .collect();
    let needs: Vec<Need> = shown
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let natural = lines
                .iter()
                .map(|(cells, _)| cells[k].chars().count())
                .chain(std::iter::once(headers[k].chars().count()))
                .max()
                .unwrap_or(0);
            need(app, *c, natural)
        })
        .collect();
    let total = usize::from(area.width);
    // Info keeps half of an 80-column screen, and 40 columns on wider ones (room enough
    // for a TCP summary's flags and numbers before the options).
    let w = widths(&needs, total, 1, (total / 2).min(40));
    let keep: Vec<usize> = (0..shown.len()).filter(|&k| w[k].is_some()).collect();
    let width_of = |k: usize| w[k].unwrap_or(0);
    let cursor = app.columns.cursor();
    let header = Row::new(keep.iter().map(|&k| {
        let text = super::fit(&headers[k], width_of(k));
        if shown[k] == cursor && app.focus == Pane::List {
            Line::from(Span::styled(
                text,
                crate::tui::ui::palette(app)
                    .header
                    .add_modifier(Modifier::UNDERLINED),
            ))
        } else {
            Line::from(text)
        }
    }))
    .style(crate::tui::ui::palette(app).header);
    let rows: Vec<Row> = lines
        .into_iter()
        .map(|(cells, style)| {
            Row::new(
                keep.iter()
                    .map(|&k| match shown[k] {
                        Column::Source | Column::Destination => {
                            super::fit_middle(&cells[k], width_of(k))
                        }
                        _ => super::fit(&cells[k], width_of(k)),
                    })
                    .collect::<Vec<_>>(),
            )
            .style(style)
        })
        .collect();
    let constraints: Vec<Constraint> = keep
        .iter()
        .map(|&k| Constraint::Length(width_of(k) as u16))
        .collect();
    Table::new(rows, constraints)
        .header(header)
        .block(block)
        .column_spacing(1)
        .render(area, buf);
}
