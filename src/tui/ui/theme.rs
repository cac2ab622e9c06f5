//! The one palette. `NO_COLOR` (https://no-color.org) picks the monochrome variant, which
//! keeps meaning through bold/reverse/underline only.

use ratatui::style::{Color, Modifier, Style};

pub struct Theme {
    pub title: Style,
    pub header: Style,
    pub selected: Style,
    /// Selection in a pane without focus.
    pub selected_dim: Style,
    pub border: Style,
    pub border_focus: Style,
    /// Wireshark's "bad TCP" colouring: black background, red text.
    pub bad_tcp: Style,
    pub syn: Style,
    pub search_hit: Style,
    pub highlight: Style,
    pub expert: Style,
    pub dim: Style,
    pub status: Style,
    pub arrow_client: Style,
    pub arrow_server: Style,
    /// Expert severities as Wireshark colours them, indexed comment, chat, note, warning,
    /// error (the view always writes the severity's name too).
    pub severity: [Style; 5],
}

const fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

pub const THEME: Theme = Theme {
    title: Style::new().fg(Color::Black).bg(Color::Cyan),
    header: Style::new().add_modifier(Modifier::BOLD),
    selected: Style::new().fg(Color::Black).bg(Color::LightBlue),
    selected_dim: Style::new().add_modifier(Modifier::REVERSED),
    border: fg(Color::DarkGray),
    border_focus: fg(Color::Cyan),
    bad_tcp: Style::new().fg(Color::LightRed).bg(Color::Black),
    syn: fg(Color::Green),
    search_hit: Style::new().fg(Color::Black).bg(Color::Yellow),
    highlight: Style::new().fg(Color::Black).bg(Color::LightYellow),
    expert: fg(Color::LightRed),
    dim: fg(Color::DarkGray),
    status: Style::new().fg(Color::Black).bg(Color::Gray),
    arrow_client: fg(Color::LightCyan),
    arrow_server: fg(Color::LightMagenta),
    severity: [
        fg(Color::Green),
        fg(Color::LightBlue),
        fg(Color::Cyan),
        fg(Color::Yellow),
        fg(Color::LightRed),
    ],
};

const B: Style = Style::new().add_modifier(Modifier::BOLD);
const R: Style = Style::new().add_modifier(Modifier::REVERSED);
const PLAIN: Style = Style::new();

pub const MONO: Theme = Theme {
    title: R,
    header: B,
    selected: R,
    selected_dim: Style::new().add_modifier(Modifier::UNDERLINED),
    border: PLAIN,
    border_focus: B,
    bad_tcp: B,
    syn: PLAIN,
    search_hit: Style::new().add_modifier(Modifier::UNDERLINED),
    highlight: R,
    expert: B,
    dim: PLAIN,
    status: R,
    arrow_client: PLAIN,
    arrow_server: PLAIN,
    severity: [PLAIN, PLAIN, PLAIN, B, B],
};

impl Theme {
    pub fn pick(no_color: bool) -> &'static Theme {
        if no_color {
            &MONO
        } else {
            &THEME
        }
    }

    /// Whether the environment asks for no colour (set and non-empty, per the spec).
    pub fn no_color_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }
}
