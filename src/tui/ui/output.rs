//! The traced program's own output under the ladder (`sockeye run`): its latest lines, so
//! a student sees "listening on…" and "received…" beside the calls that printed them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use super::{fit, pane_block};
use crate::trace::output::ProgramOutput;
use crate::tui::app::App;

pub fn render(app: &App, output: &ProgramOutput, area: Rect, buf: &mut Buffer) {
    let block = pane_block(app, " Program output (stdout and stderr) ", None);
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = output
        .last(usize::from(inner.height))
        .iter()
        .map(|l| Line::raw(fit(&l.replace('\t', "    "), width)))
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
