//! The ladder (sequence diagram) of the selected packet's TCP connection or UDP
//! conversation: client on the left, server on the right, one arrow per segment or
//! datagram, socket calls of the built-in endpoints on their side's lifeline, the
//! handshake in green and analysis verdicts (retransmissions, dup ACKs…) in Wireshark's
//! black-red with their tag.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::store::{lock, Kind};
use crate::tui::app::ladder::{build, notes, LadderNote, LadderRow};
use crate::tui::app::App;

/// Width of the `No. Time` columns before the client's lifeline.
const PREFIX: usize = 18;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let height = usize::from(area.height.saturating_sub(3));
    // A connection seen at both ends of a link (a merged capture) is drawn from both.
    let two_sides = usize::from(area.height.saturating_sub(super::vantage_ladder::CHROME));
    let (two_vantage, ladder, start) = {
        let store = lock(&app.store);
        let two_vantage = crate::tui::app::vantage_ladder::build(
            &store,
            &app.stream,
            app.selected,
            app.visible,
            two_sides,
            &app.events,
        );
        let ladder = match two_vantage {
            Some(_) => None,
            None => build(&store, &app.stream, app.selected, app.visible, height),
        };
        (two_vantage, ladder, store.first_ts())
    };
    if let Some(two) = two_vantage {
        super::vantage_ladder::render(app, &two, two_sides, area, buf);
        return;
    }
    let Some(ladder) = ladder else {
        let block = super::pane_block(app, " Ladder ", None);
        Paragraph::new(
            "Select a TCP or UDP packet (1 = packets view) to see its conversation as a ladder.",
        )
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
        return;
    };
    let (proto, unit) = match ladder.kind {
        Kind::Udp => ("UDP", "datagram"),
        _ => ("TCP", "segment"),
    };
    let units = if ladder.total == 1 {
        unit.to_string()
    } else {
        format!("{unit}s")
    };
    // With a filter the ladder draws (and counts) only the stream's matching packets.
    let filtered = app
        .filter
        .as_ref()
        .map_or(String::new(), |f| format!(" (filter: {})", f.text));
    let title = format!(
        " {proto} stream {}: {} ⇄ {} — {} {units}{filtered} ",
        ladder.stream,
        ladder.client,
        ladder.server,
        crate::tui::app::group(ladder.total as u64)
    );
    let width = usize::from(area.width);
    let block = super::pane_block(app, super::fit(&title, width.saturating_sub(1)), None);
    let note_width = (width.saturating_sub(PREFIX) / 4).min(28);
    let span = width.saturating_sub(PREFIX + note_width + 3).max(8);
    let mut lines = Vec::with_capacity(height + 2);
    let client = endpoint_label("client", &ladder.client, span / 2);
    let server = endpoint_label("server", &ladder.server, span / 2);
    lines.push(Line::from(vec![
        Span::styled(
            format!("{:>6} {:>9}  ", "No.", "Time"),
            crate::tui::ui::palette(app).header,
        ),
        Span::styled(
            format!("{client:<w$}", w = span + 2 - server.chars().count()),
            crate::tui::ui::palette(app).arrow_client,
        ),
        Span::styled(server, crate::tui::ui::palette(app).arrow_server),
    ]));
    lines.push(Line::raw(format!("{:PREFIX$}┬{}┬", "", " ".repeat(span))));
    // Segments and socket calls, merged by time; calls go before a segment of the same
    // instant (a call returns after the packet it sent).
    let calls = notes(&ladder, &app.events, start);
    let mut calls = calls.iter().peekable();
    for row in &ladder.rows {
        while let Some(call) = calls.next_if(|c| c.rel_ns <= row.rel_ns) {
            lines.push(note_line(app, call, span));
        }
        lines.push(arrow_line(app, row, span, note_width));
    }
    for call in calls {
        lines.push(note_line(app, call, span));
    }
    lines.truncate(height + 2);
    Paragraph::new(lines).block(block).render(area, buf);
}

/// `client 10.0.0.1:1234` in `width` columns: without the role word when it does not fit,
/// cut in the middle with `…` only when the address alone does not (the port stays).
fn endpoint_label(role: &str, addr: &str, width: usize) -> String {
    let full = format!("{role} {addr}");
    if full.chars().count() <= width {
        full
    } else {
        super::fit_middle(addr, width)
    }
}

fn time_text(rel_ns: i64) -> String {
    let t = rel_ns.max(0) as u64;
    format!("{}.{:06}", t / 1_000_000_000, (t % 1_000_000_000) / 1000)
}

/// `│ ● connect() to 10.0.0.2:80          │` on the caller's side.
fn note_line<'a>(app: &App, note: &LadderNote, span: usize) -> Line<'a> {
    let text = super::fit(&format!("● {}", note.text), span.saturating_sub(2));
    let body = if note.client_side {
        format!(" {text:<w$} ", w = span.saturating_sub(2))
    } else {
        format!(" {text:>w$} ", w = span.saturating_sub(2))
    };
    Line::from(vec![
        Span::raw(format!("{:>6} {:>9}  ", "", time_text(note.rel_ns))),
        Span::raw("│"),
        Span::styled(body, crate::tui::ui::palette(app).dim),
        Span::raw("│"),
    ])
}

fn arrow_line<'a>(app: &App, row: &'a LadderRow, span: usize, notes: usize) -> Line<'a> {
    // An open quiz question's answer is not written on any arrow.
    let label = app.quiz.ladder_label(row.index, &row.label);
    let label = super::fit(&label, span.saturating_sub(4));
    let fill = span.saturating_sub(label.chars().count() + 3);
    let arrow = if row.from_client {
        format!("─{label}{}─▶", "─".repeat(fill))
    } else {
        format!("◀─{}{label}─", "─".repeat(fill))
    };
    let bad = !row.flags.is_empty();
    let mut style = if bad {
        crate::tui::ui::palette(app).bad_tcp
    } else if row.handshake {
        crate::tui::ui::palette(app).syn
    } else if row.from_client {
        crate::tui::ui::palette(app).arrow_client
    } else {
        crate::tui::ui::palette(app).arrow_server
    };
    if row.index == app.selected {
        style = crate::tui::ui::palette(app).selected;
    }
    // The note every ladder writes (the exports too), without the "TCP " every verdict
    // of a TCP ladder would repeat.
    // (A stage word would tell a hidden segment's flags.)
    let note = crate::teach::ladder::note(row.flags, row.stage)
        .first()
        .filter(|_| !app.quiz.hides_info(row.index))
        .map_or(String::new(), |n| {
            n.strip_prefix("TCP ").unwrap_or(n).to_string()
        });
    Line::from(vec![
        // A text cursor on the selected segment, visible without colour too.
        Span::raw(format!(
            "{}{:>5} {:>9}  ",
            if row.index == app.selected { ">" } else { " " },
            row.index + 1,
            time_text(row.rel_ns)
        )),
        Span::raw("│"),
        Span::styled(arrow, style),
        Span::raw("│ "),
        Span::styled(
            super::fit(&note, notes),
            if bad {
                crate::tui::ui::palette(app).expert
            } else {
                Style::new()
            },
        ),
    ])
}
