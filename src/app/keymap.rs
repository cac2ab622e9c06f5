//! Every key the UI understands, as one table from key to [`Action`]. The help overlay is
//! generated from this table, so the two cannot drift apart.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// The main views (tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Packets,
    Ladder,
    Conversations,
    Follow,
    Stats,
    /// Teaching screens (issue 7): not tabs of the title bar, reached by their keys.
    Encap,
    Diagram,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Packets,
        View::Ladder,
        View::Conversations,
        View::Follow,
        View::Stats,
    ];

    pub fn title(self) -> &'static str {
        match self {
            View::Packets => "Packets",
            View::Ladder => "Ladder",
            View::Conversations => "Conversations",
            View::Follow => "Follow",
            View::Stats => "Statistics",
            View::Encap => "Encapsulation",
            View::Diagram => "Header diagrams",
        }
    }
}

/// Everything a user can ask for. Keys, mouse and tests all speak this language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Esc: close the overlay or prompt, else go back to the packet list, else quit.
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    /// Enter: expand/collapse a layer, open the selected conversation.
    Activate,
    Collapse,
    Expand,
    Search,
    NextMatch,
    PrevMatch,
    Goto,
    Save,
    Show(View),
    FollowStream,
    PlayPause,
    Step,
    Faster,
    Slower,
    Restart,
    ToggleCapture,
    PickInterface,
    Help,
    /// Show/hide the narration of the selected packet under the list.
    Explain,
}

/// A key as the table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// One row of the table: keys, action, what the help says.
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
}

const fn b(keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding { keys, action, help }
}

/// THE keymap.
pub const KEYMAP: &[Binding] = &[
    b(&[k('q'), ctrl('c')], Action::Quit, "quit"),
    b(&[code(KeyCode::Esc)], Action::Back, "close / back / quit"),
    b(&[k('j'), code(KeyCode::Down)], Action::Down, "down"),
    b(&[k('k'), code(KeyCode::Up)], Action::Up, "up"),
    b(
        &[code(KeyCode::PageDown), ctrl('f'), ctrl('d')],
        Action::PageDown,
        "page down",
    ),
    b(
        &[code(KeyCode::PageUp), ctrl('b'), ctrl('u')],
        Action::PageUp,
        "page up",
    ),
    b(&[k('g'), code(KeyCode::Home)], Action::Top, "first"),
    b(
        &[k('G'), code(KeyCode::End)],
        Action::Bottom,
        "last (follow the tail)",
    ),
    b(&[code(KeyCode::Tab)], Action::NextPane, "next pane"),
    b(&[code(KeyCode::BackTab)], Action::PrevPane, "previous pane"),
    b(
        &[code(KeyCode::Enter)],
        Action::Activate,
        "expand/collapse, open",
    ),
    b(
        &[k('h'), code(KeyCode::Left)],
        Action::Collapse,
        "collapse layer",
    ),
    b(
        &[k('l'), code(KeyCode::Right)],
        Action::Expand,
        "expand layer",
    ),
    b(&[k('/')], Action::Search, "display filter / text search"),
    b(&[k('n')], Action::NextMatch, "next match"),
    b(&[k('N')], Action::PrevMatch, "previous match"),
    b(&[k(':')], Action::Goto, "go to packet number"),
    b(&[k('w')], Action::Save, "save as pcapng"),
    b(&[k('1')], Action::Show(View::Packets), "packets view"),
    b(
        &[k('2')],
        Action::Show(View::Ladder),
        "ladder: TCP/UDP stream",
    ),
    b(
        &[k('3')],
        Action::Show(View::Conversations),
        "conversations",
    ),
    b(&[k('4'), k('f')], Action::FollowStream, "follow stream"),
    b(&[k('5')], Action::Show(View::Stats), "statistics"),
    b(
        &[k('6'), k('E')],
        Action::Show(View::Encap),
        "encapsulation view",
    ),
    b(
        &[k('7'), k('d')],
        Action::Show(View::Diagram),
        "RFC header diagrams",
    ),
    b(&[k('e')], Action::Explain, "explain packet (toggle)"),
    b(&[k(' ')], Action::PlayPause, "replay: play/pause"),
    b(&[k('.')], Action::Step, "replay: step one"),
    b(&[k('+'), k(']')], Action::Faster, "replay: faster"),
    b(&[k('-'), k('[')], Action::Slower, "replay: slower"),
    b(&[k('r')], Action::Restart, "replay: from start"),
    b(&[k('p')], Action::ToggleCapture, "live: stop/start"),
    b(&[k('i')], Action::PickInterface, "live: interface"),
    b(&[k('?')], Action::Help, "this help"),
];

/// The action of a key press, if any.
pub fn lookup(ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let is_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    KEYMAP.iter().find_map(|binding| {
        binding
            .keys
            .iter()
            .any(|key| key.code == ev.code && key.ctrl == is_ctrl)
            .then_some(binding.action)
    })
}

/// How a key is written in the help.
pub fn key_label(key: &Key) -> String {
    let name = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if key.ctrl {
        format!("C-{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = Vec::new();
        for binding in KEYMAP {
            for key in binding.keys {
                assert!(!seen.contains(key), "{key:?} bound twice");
                seen.push(*key);
            }
        }
    }

    #[test]
    fn shifted_letters_and_ctrl() {
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&g), Some(Action::Bottom));
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&c), Some(Action::Quit));
        let plain_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(lookup(&plain_c), None);
    }
}
