//! One lesson screen: a title bar naming the step, the explanation (the lecturer's text,
//! then the narration of the packet under the cursor — or, on a quiz, the question and
//! the verdict), the step's view, and a footer with the keys. Everything stays readable at
//! 80×24 and without colour: the selected packet is marked with `>` by the panes themselves.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::Lesson;
use crate::teach::lesson_file::LessonView;
use crate::tui::ui::{details, encap, hex, ladder, list, quiz, teach};

/// At most this many lines of explanation; the view keeps the rest.
const MAX_TEXT: usize = 8;

impl Widget for &Lesson {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = &self.app;
        let Some(step) = self.current() else {
            return;
        };
        let width = usize::from(area.width);
        let inner = width.saturating_sub(2);
        let max = MAX_TEXT.min(usize::from(area.height / 3).max(2));
        let lines = if app.quiz.open.is_some() {
            // The question replaces the narration (which could give the answer away).
            let mut lines = teach::wrap_rows(&step.text, inner, 2);
            let quiz = quiz::lines(app, inner);
            let room = max.saturating_sub(lines.len()).max(quiz.len().min(max));
            lines.extend(quiz.into_iter().take(room));
            lines
        } else if step.view == LessonView::Explain {
            // The view below is the narration itself.
            teach::wrap_rows(&step.text, inner, max)
        } else {
            let narration = teach::narration_text(app).unwrap_or_default();
            let text = format!("{} ▸ This packet: {narration}", step.text);
            teach::wrap_rows(&text, inner, max)
        };
        let [title, explain, view, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(lines.len() as u16 + 1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let heading = format!(
            " sockeye lesson │ Step {}/{}: {}",
            self.step + 1,
            self.len(),
            step.title
        );
        Paragraph::new(Line::styled(
            format!("{:<width$}", crate::tui::ui::fit(&heading, width)),
            crate::tui::ui::palette(app).title,
        ))
        .render(title, buf);
        let what = if app.quiz.open.is_some() {
            format!(" Quiz — score {} ", app.quiz.score())
        } else {
            " What happens ".to_string()
        };
        let block = Block::new()
            .borders(Borders::TOP)
            .border_style(crate::tui::ui::palette(app).border)
            .title(what);
        Paragraph::new(
            lines
                .into_iter()
                .map(|l| Line::raw(format!(" {l}")))
                .collect::<Vec<_>>(),
        )
        .block(block)
        .render(explain, buf);
        match step.view {
            LessonView::Ladder => ladder::render(app, view, buf),
            LessonView::Encap => encap::render(app, view, buf),
            LessonView::List => list::render(app, view, buf),
            LessonView::Tree => details::render(app, &app.selected_tree(), view, buf),
            LessonView::Hex => {
                let rows = app.selected_tree();
                let range = rows.get(app.detail_cursor).and_then(|r| r.range);
                hex::render(app, range, view, buf)
            }
            LessonView::Diagram => {
                let rows = app.selected_tree();
                let row = rows.get(app.detail_cursor);
                teach::render_diagrams(app, row.and_then(|r| r.field), row, view, buf)
            }
            LessonView::Explain => teach::render_narration(app, view, buf),
        }
        let keys = if !self.jump.is_empty() {
            format!("go to step {}_ (Enter)", self.jump)
        } else if app.quiz.typing() {
            "type the answer  Enter check  Esc close  ←/→ step".to_string()
        } else {
            "←/p back  →/n next  j/k packet  PgDn scroll  q quit".to_string()
        };
        let keys = format!("{keys} │ {}", step.capture.label());
        Paragraph::new(Line::styled(
            format!("{:<width$}", crate::tui::ui::fit(&keys, width)),
            crate::tui::ui::palette(app).status,
        ))
        .render(footer, buf);
    }
}
