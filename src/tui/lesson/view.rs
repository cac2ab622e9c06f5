//! One lesson screen: a title bar naming the step, the explanation (the step's sentences,
//! then the narration of the packet under the cursor), the step's view, and a footer with
//! the keys. Everything stays readable at 80×24 and without colour: the selected packet is
//! marked with `>` by the panes themselves.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::{Lesson, StepView, STEPS};
use crate::tui::ui::{encap, ladder, list, teach};

/// At most this many lines of explanation; the view keeps the rest.
const MAX_TEXT: usize = 8;

impl Widget for &Lesson {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = &self.app;
        let step = &STEPS[self.step.min(STEPS.len() - 1)];
        let width = usize::from(area.width);
        let narration = teach::narration_text(app).unwrap_or_default();
        let text = format!("{} ▸ This packet: {narration}", step.text);
        let max = MAX_TEXT.min(usize::from(area.height / 3).max(2));
        let lines = teach::wrap_rows(&text, width.saturating_sub(2), max);
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
            STEPS.len(),
            step.title
        );
        Paragraph::new(Line::styled(
            format!("{:<width$}", crate::tui::ui::fit(&heading, width)),
            crate::tui::ui::palette(app).title,
        ))
        .render(title, buf);
        let block = Block::new()
            .borders(Borders::TOP)
            .border_style(crate::tui::ui::palette(app).border)
            .title(" What happens ");
        Paragraph::new(
            lines
                .into_iter()
                .map(|l| Line::raw(format!(" {l}")))
                .collect::<Vec<_>>(),
        )
        .block(block)
        .render(explain, buf);
        match step.view {
            StepView::Ladder => ladder::render(app, view, buf),
            StepView::Encap => encap::render(app, view, buf),
            StepView::List => list::render(app, view, buf),
        }
        let keys = format!(
            "←/p back  →/n next  j/k packet  PgDn scroll  q quit │ {}",
            step.file
        );
        Paragraph::new(Line::styled(
            format!("{:<width$}", crate::tui::ui::fit(&keys, width)),
            crate::tui::ui::palette(app).status,
        ))
        .render(footer, buf);
    }
}
