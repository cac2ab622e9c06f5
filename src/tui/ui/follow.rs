//! Follow stream: the text `-z follow,…` prints for the shown mode (ASCII, hex or raw),
//! each direction in its colour with node 1 indented as tshark's tab indents it; without
//! colour a `>` or `<` starts each line instead. Search hits are highlighted, the current
//! one most.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::analysis::follow_dump::FollowLine;
use crate::tui::app::follow::FollowView;
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(view) = &app.follow else {
        let block = super::pane_block(app, " Follow ", None);
        Paragraph::new("Press f on a TCP or UDP packet (or conversation) to follow its stream.")
            .block(block)
            .render(area, buf);
        return;
    };
    let title = format!(
        " Follow {} · {} (f: {}) · wrap {} ",
        view.title,
        view.mode.word(),
        view.mode.next().word(),
        if view.wrap { "on" } else { "off" }
    );
    let block = super::pane_block(app, title, None);
    let height = usize::from(area.height.saturating_sub(1));
    let text: Vec<Line> = view
        .lines
        .iter()
        .enumerate()
        .skip(view.top)
        .take(height)
        .map(|(i, line)| styled(app, view, i, line))
        .collect();
    let paragraph = Paragraph::new(text).block(block);
    let paragraph = if view.wrap {
        paragraph.wrap(Wrap { trim: false })
    } else {
        paragraph.scroll((0, u16::try_from(view.left).unwrap_or(u16::MAX)))
    };
    paragraph.render(area, buf);
}

/// One line: the direction marker (without colour) or colour, node 1's indent, and the
/// search hits on it.
fn styled<'a>(app: &App, view: &FollowView, index: usize, line: &'a FollowLine) -> Line<'a> {
    let theme = super::palette(app);
    let (style, marker) = match line.sender {
        Some(0) => (theme.arrow_client, "> "),
        Some(_) => (theme.arrow_server, "< "),
        None => (Style::new(), "  "),
    };
    let mut spans = Vec::new();
    if app.no_color {
        spans.push(Span::raw(marker));
    }
    if line.sender == Some(1) {
        spans.push(Span::raw("    "));
    }
    let text = printable(&line.text);
    let mut at = 0;
    if let Some(find) = &view.find {
        let len = find.needle.len();
        let first = find.hits.partition_point(|&(l, _)| l < index);
        for (k, &(l, col)) in find.hits.iter().enumerate().skip(first) {
            if l != index {
                break;
            }
            let (Some(before), Some(hit)) = (text.get(at..col), text.get(col..col + len)) else {
                continue;
            };
            spans.push(Span::styled(before.to_string(), style));
            let hit_style = if k == find.at {
                theme.highlight
            } else {
                theme.search_hit
            };
            spans.push(Span::styled(hit.to_string(), hit_style));
            at = col + len;
        }
    }
    spans.push(Span::styled(
        text.get(at..).unwrap_or("").to_string(),
        style,
    ));
    Line::from(spans)
}

/// The line as drawn: ratatui skips control characters, and dropping the carriage returns
/// tshark's ASCII view keeps would shift every column after them away from the search
/// offsets; so a carriage return becomes a space and any other control character a dot,
/// one byte for one byte.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\r' => ' ',
            c if c.is_control() => '.',
            c => c,
        })
        .collect()
}
