//! The quiz box: the question, the answer being typed, then the verdict with its
//! arithmetic and the session's score. Drawn over the bottom of the body, so the packet it
//! asks about stays in view above it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::tui::app::App;

/// The box's lines for `width` columns (the lesson puts them in its own pane).
pub fn lines(app: &App, width: usize) -> Vec<String> {
    let Some(q) = &app.quiz.open else {
        return Vec::new();
    };
    let mut out = super::teach::wrap(&q.question.ask, width);
    match &q.verdict {
        None => {
            out.push(format!("> {}_", q.typed));
            out.push("Type the answer, Enter to check, Esc to close.".into());
        }
        Some(v) => {
            out.push(format!("> {}", q.typed));
            out.extend(super::teach::wrap(&v.text, width));
            out.push("Q: another question · Esc: close".into());
        }
    }
    out
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if app.quiz.open.is_none() || area.height < 6 || area.width < 20 {
        return;
    }
    let width = usize::from(area.width.saturating_sub(2));
    let body = lines(app, width);
    let height = (body.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(height + 1),
        area.width,
        height,
    );
    Clear.render(rect, buf);
    let title = format!(" Quiz — score {} ", app.quiz.score());
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(super::palette(app).border_focus)
        .title(title);
    Paragraph::new(body.into_iter().map(Line::raw).collect::<Vec<_>>())
        .block(block)
        .render(rect, buf);
}
