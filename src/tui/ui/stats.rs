//! Statistics: protocol counts, packets per second, drops, recent socket calls.

use std::sync::atomic::Ordering;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Sparkline, Widget};

use crate::store::{lock, PROTOCOLS};
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let s = &app.stats;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(area);
    let mut lines = vec![Line::styled(
        format!("{} packets, {} bytes", s.seen, s.bytes),
        crate::tui::ui::palette(app).header,
    )];
    let mut by: Vec<(usize, u64)> = s.by_protocol.iter().copied().enumerate().collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, n) in by.into_iter().filter(|(_, n)| *n > 0) {
        let pct = n as f64 * 100.0 / s.seen.max(1) as f64;
        lines.push(Line::raw(format!(
            "  {:<9}{n:>10} {pct:>6.1}%",
            PROTOCOLS[i]
        )));
    }
    lines.push(Line::raw(format!(
        "  TCP analysis flags on {} packets",
        s.flagged
    )));
    lines.push(Line::raw(""));
    let store = lock(&app.store);
    lines.push(Line::raw(format!(
        "Conversations: {}",
        store.conversations().len()
    )));
    if store.store_dropped > 0 {
        lines.push(Line::styled(
            format!("Not stored (memory cap): {}", store.store_dropped),
            crate::tui::ui::palette(app).expert,
        ));
    }
    drop(store);
    if let Some(live) = &app.live {
        let ch = live.channel_dropped.load(Ordering::Relaxed);
        let st = *live
            .source_stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        lines.push(Line::raw(format!("Dropped (UI channel full): {ch}")));
        match st.kernel_dropped {
            Some(k) => lines.push(Line::raw(format!("Dropped by the kernel: {k}"))),
            None => lines.push(Line::raw("Kernel drops: not reported by this source")),
        }
    }
    Paragraph::new(lines)
        .block(super::pane_block(app, " Protocols ", None))
        .render(left, buf);

    let [spark, events] =
        Layout::vertical([Constraint::Length(8), Constraint::Fill(1)]).areas(right);
    let width = usize::from(spark.width);
    let tail = &s.per_second[s.per_second.len().saturating_sub(width)..];
    let peak = tail.iter().copied().max().unwrap_or(0);
    Sparkline::default()
        .block(super::pane_block(
            app,
            format!(" Packets/s (peak {peak}) "),
            None,
        ))
        .data(tail)
        .style(crate::tui::ui::palette(app).arrow_client)
        .render(spark, buf);
    let height = usize::from(events.height.saturating_sub(1));
    let ev: Vec<Line> = app.events[app.events.len().saturating_sub(height)..]
        .iter()
        .map(|e| {
            Line::raw(format!(
                "{} {} {}",
                e.side.as_str(),
                e.call.name(),
                e.detail
            ))
        })
        .collect();
    Paragraph::new(ev)
        .block(super::pane_block(app, " Socket calls ", None))
        .render(events, buf);
}
