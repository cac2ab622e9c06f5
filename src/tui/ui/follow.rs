//! Follow stream: the reassembled payload of one conversation, tshark's ASCII rendering
//! (node 1's blocks indented by four spaces and in the server colour).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some((title, lines)) = &app.follow else {
        let block = super::pane_block(app, " Follow ", None);
        Paragraph::new("Press f on a TCP or UDP packet (or conversation) to follow its stream.")
            .block(block)
            .render(area, buf);
        return;
    };
    let block = super::pane_block(app, format!(" Follow {title} "), None);
    let height = usize::from(area.height.saturating_sub(1));
    let text: Vec<Line> = lines
        .iter()
        .skip(app.follow_top)
        .take(height)
        .map(|(node, l)| match node {
            1 => Line::styled(
                format!("    {l}"),
                crate::tui::ui::palette(app).arrow_server,
            ),
            _ => Line::styled(l.clone(), crate::tui::ui::palette(app).arrow_client),
        })
        .collect();
    Paragraph::new(text).block(block).render(area, buf);
}
