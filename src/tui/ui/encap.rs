//! The encapsulation view (issue 7): the nested boxes of `teach::encap` (Ethernet ⊃ IP ⊃
//! transport ⊃ payload, with offsets, lengths and how each length is known), each box in
//! its layer's colour, then the frame's bytes coloured the same way. Without colour the
//! bytes keep `tagged_hex`'s tag letters under them, so the mapping survives NO_COLOR.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::store::lock;
use crate::teach::encap::{self, EncapLayer};
use crate::tui::app::App;

/// The widest the boxes get: wider only spreads the same words.
const MAX_WIDTH: usize = 110;

/// Whether the monochrome theme is in use (then tag letters carry the layers). Told by a
/// colour the colour theme always sets: `const` themes have no single address to compare.
fn mono(app: &App) -> bool {
    app.no_color
}

/// One colour per kind of layer, by `EncapLayer::tag`.
fn layer_style(app: &App, tag: char) -> Style {
    if mono(app) {
        return Style::new();
    }
    let c = match tag {
        'E' | 'L' => Color::LightBlue,
        'V' => Color::Blue,
        'A' => Color::Yellow,
        'I' => Color::LightGreen,
        'X' => Color::Green,
        'T' | 'U' => Color::LightMagenta,
        'C' => Color::LightRed,
        'P' => Color::LightYellow,
        _ => Color::Gray,
    };
    Style::new().fg(c)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = lines(app, usize::from(area.width));
    let rows = usize::from(area.height.saturating_sub(1));
    let top = app.teach.encap_top.min(lines.len().saturating_sub(rows));
    let more = if lines.len() > top + rows {
        "  j/k scroll"
    } else {
        ""
    };
    let title = format!(
        " Encapsulation — packet {}/{} │ ←/→ packet{more} ",
        app.selected + 1,
        app.visible
    );
    let block = super::pane_block(app, super::fit(&title, usize::from(area.width)), None);
    Paragraph::new(lines.into_iter().skip(top).take(rows).collect::<Vec<_>>())
        .block(block)
        .render(area, buf);
}

/// The view's lines for the selected packet, `width` columns wide.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let store = lock(&app.store);
    let Some(d) = (app.selected < app.visible)
        .then(|| store.dissect(app.selected))
        .flatten()
    else {
        return vec![Line::raw("No packet selected.")];
    };
    // An open quiz question's value is not written in any box.
    let hidden = app.quiz.hidden(app.selected);
    let layers = encap::layers_of_hiding(&d, hidden);
    let text = encap::encapsulation_hiding(&d, width.clamp(1, MAX_WIDTH), hidden);
    let (boxes, hex) = text.split_once("\n\n").unwrap_or((text.as_str(), ""));
    let owner = line_layers(&layers, d.packet.stop.is_some());
    let mut out: Vec<Line<'static>> = boxes
        .lines()
        .enumerate()
        .map(|(n, line)| match owner.get(n).copied().flatten() {
            Some(i) if owner.len() == boxes.lines().count() => box_line(app, line, i, &layers),
            _ => Line::raw(line.to_string()),
        })
        .collect();
    out.push(Line::raw(""));
    if mono(app) {
        out.extend(hex.lines().map(|l| Line::raw(l.to_string())));
    } else {
        out.extend(coloured_hex(app, d.packet.data, &layers));
    }
    out
}

/// Which layer each line of the boxes belongs to: a title line per layer, a detail line
/// when it has one, then the closing lines innermost first (the order `encapsulation`
/// writes them); `None` for the "decoding stopped" note.
fn line_layers(layers: &[EncapLayer], stopped: bool) -> Vec<Option<usize>> {
    let mut out = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        out.push(Some(i));
        if !l.detail.is_empty() {
            out.push(Some(i));
        }
    }
    out.extend((0..layers.len()).rev().map(Some));
    if stopped {
        out.push(None);
    }
    out
}

/// A line of box `i`: the outer boxes' `│ ` rails in their colours, the box's own text in
/// its colour (bold on its title line).
fn box_line(app: &App, line: &str, i: usize, layers: &[EncapLayer]) -> Line<'static> {
    let chars: Vec<char> = line.chars().collect();
    let rails = (2 * i).min(chars.len());
    let tail = chars.len().saturating_sub(2 * i).max(rails);
    let style = |j: usize| layer_style(app, layers.get(j).map_or('?', |l| l.tag));
    let mut spans = Vec::new();
    for j in 0..i {
        let at = (2 * j).min(rails);
        spans.push(Span::styled(
            chars[at..(at + 2).min(rails)].iter().collect::<String>(),
            style(j),
        ));
    }
    let own = chars[rails..tail].iter().collect::<String>();
    let title = own.starts_with('┌');
    let own_style = if title {
        style(i).add_modifier(Modifier::BOLD)
    } else {
        style(i)
    };
    spans.push(Span::styled(own, own_style));
    for j in (0..i).rev() {
        let at = tail + 2 * (i - 1 - j);
        if at < chars.len() {
            let end = (at + 2).min(chars.len());
            spans.push(Span::styled(
                chars[at..end].iter().collect::<String>(),
                style(j),
            ));
        }
    }
    Line::from(spans)
}

/// Hex rows of 16 bytes, each byte in the colour of the innermost layer holding it, then a
/// legend naming the colours.
fn coloured_hex(app: &App, data: &[u8], layers: &[EncapLayer]) -> Vec<Line<'static>> {
    let owner = |offset: usize| {
        layers
            .iter()
            .rev()
            .find(|l| offset >= l.start && offset < l.start + l.header_len.max(1))
            .map_or('·', |l| l.tag)
    };
    let mut out = Vec::new();
    for (row, chunk) in data.chunks(16).enumerate() {
        let base = row * 16;
        let mut spans = vec![Span::styled(
            format!("{base:04x}  "),
            crate::tui::ui::palette(app).dim,
        )];
        for (j, b) in chunk.iter().enumerate() {
            spans.push(Span::styled(
                format!("{b:02x}"),
                layer_style(app, owner(base + j)),
            ));
            spans.push(Span::raw(" "));
        }
        out.push(Line::from(spans));
    }
    let mut legend = vec![Span::raw("colours: ")];
    for (k, l) in layers.iter().enumerate() {
        if k > 0 {
            legend.push(Span::raw(", "));
        }
        legend.push(Span::styled(l.name.clone(), layer_style(app, l.tag)));
    }
    out.push(Line::from(legend));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(tag: char, detail: &str) -> EncapLayer {
        EncapLayer {
            name: tag.to_string(),
            start: 0,
            header_len: 1,
            how: String::new(),
            detail: detail.to_string(),
            tag,
            hide_len: false,
        }
    }

    #[test]
    fn lines_are_owned_in_writing_order() {
        let layers = [layer('E', "x"), layer('I', ""), layer('P', "y")];
        let owner = line_layers(&layers, true);
        let want = [0, 0, 1, 2, 2, 2, 1, 0].map(Some);
        assert_eq!(&owner[..8], &want);
        assert_eq!(owner[8], None);
    }
}
