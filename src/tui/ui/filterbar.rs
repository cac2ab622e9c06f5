//! The `/` bar: the text is classified as the user types (a display filter that parses,
//! plain words for a text search, or an invalid filter) and the bar says which — green,
//! yellow or red, and with `NO_COLOR` a ✓ / ~ / ✗ marker. An invalid filter shows the
//! error on the footer line with a caret under the offending column of the text above.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use crate::tui::app::filter::BarText;
use crate::tui::app::{App, PromptKind};

/// Marker and `/` before the text; the caret is offset by this many columns.
const PREFIX: usize = 3;

/// Draws the bar over the bottom line (two lines when there is an error to point at).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(prompt) = app.prompt.as_ref().filter(|p| p.kind == PromptKind::Search) else {
        return;
    };
    if area.height < 2 || app.confirm_quit.is_some() {
        return;
    }
    let width = usize::from(area.width);
    let mono = app.no_color;
    let colour = |fg: Color, bg: Color| {
        if mono {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().fg(fg).bg(bg)
        }
    };
    let bottom = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
    let above = Rect::new(area.x, bottom.y - 1, area.width, 1);
    let typed = format!("/{}█", prompt.text);
    // Tab's candidates, on the line above the bar (an error's caret line wins it).
    if !app.analyst.completions.is_empty() {
        let text = format!("Tab: {}", app.analyst.completions.join("  "));
        Paragraph::new(Line::styled(
            format!("{:<width$}", super::fit(&text, width)),
            crate::tui::ui::palette(app).header,
        ))
        .render(above, buf);
    }
    let line = |text: String, style: Style| {
        Line::styled(format!("{:<width$}", super::fit(&text, width)), style)
    };
    match BarText::classify(&prompt.text) {
        BarText::Empty => {
            let text = format!("  {typed}   display filter, or words to search (Esc cancels)");
            Paragraph::new(line(text, crate::tui::ui::palette(app).status)).render(bottom, buf);
        }
        BarText::Filter(_) => {
            let text = format!("✓ {typed}   valid filter: Enter applies");
            let style = colour(Color::Black, Color::Green);
            Paragraph::new(line(text, style)).render(bottom, buf);
        }
        BarText::Text(_) => {
            let text = format!("~ {typed}   not a filter: Enter searches the rows as text");
            let style = colour(Color::Black, Color::Yellow);
            Paragraph::new(line(text, style)).render(bottom, buf);
        }
        BarText::Invalid(err) => {
            let style = colour(Color::White, Color::Red);
            Paragraph::new(line(format!("✗ {typed}"), style)).render(above, buf);
            let column = err.error.column.max(1);
            let carets = "^".repeat(err.error.width.max(1));
            let text = format!(
                "{:pad$}{carets} {}",
                "",
                err.error.kind,
                pad = PREFIX + column - 1
            );
            let style = if mono {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(Color::LightRed)
            };
            Paragraph::new(line(text, style)).render(bottom, buf);
        }
    }
}
