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
    /// Teaching screens: the encapsulation boxes and the RFC header diagrams.
    Encap,
    Diagram,
    /// Wireshark's Analyze → Expert Information (key 8; a tab only while shown).
    Expert,
    /// Statistics → I/O Graphs: packets or bytes per second, lines by display filter.
    IoGraph,
    /// Statistics → TCP Stream Graphs → Stevens: the selected stream's seq over time.
    Stevens,
}

impl View {
    /// The tabs of the title bar, numbered by their keys.
    pub const ALL: [View; 7] = [
        View::Packets,
        View::Ladder,
        View::Conversations,
        View::Follow,
        View::Stats,
        View::Encap,
        View::Diagram,
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
            View::Expert => "Expert Info",
            View::IoGraph => "IO graph",
            View::Stevens => "TCP stream graph",
        }
    }
}

/// Everything a user can ask for. Keys, mouse and tests all speak this language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Name resolution in the list on/off (tshark's -N mtd).
    ResolveNames,
    /// Esc: close the overlay or prompt, else go back to the packet list; never quits.
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
    /// Replay: stop, every packet of the capture shown again.
    StopReplay,
    ColumnLeft,
    ColumnRight,
    /// Sort by the column under the cursor (again: the other direction).
    Sort,
    HideColumn,
    ShowColumns,
    NarrowColumn,
    WidenColumn,
    TimeFormat,
    /// Give the focused pane the whole body (again: back to three panes).
    Zoom,
    GrowPane,
    ShrinkPane,
    /// Ask a question about the selected packet (again: the next kind of question).
    Quiz,
    /// Privacy mode on/off: addresses anonymised, payload cut, in every view.
    Privacy,
    /// Write the columns, widths and time format to the preferences file.
    SavePrefs,
    /// Apply as Filter: the selected field, bytes or conversation, at once.
    ApplyFilter,
    /// Prepare as Filter: the same expression in the bar, to edit.
    PrepareFilter,
    /// Prepare "…and Selected" / "…or Selected" / "…and not Selected".
    PrepareAnd,
    PrepareOr,
    PrepareAndNot,
    Mark,
    NextMark,
    PrevMark,
    Ignore,
    Export,
    /// Back to where the last jump along a `[… in frame: N]` line left.
    GoBack,
    Copy,
    CopyFilter,
    /// Follow view: long lines wrap, or are cut and scroll sideways.
    FollowWrap,
    /// Graphs: the next interval (IO graph).
    GraphInterval,
    /// Graphs: packets/s ↔ bytes/s (IO graph), the other direction (stream graph).
    GraphUnit,
    AddGraphLine,
    DropGraphLine,
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

/// One row of the table: keys, action, what the help says; a row may carry the opposite
/// action on other keys (down/up, narrower/wider), so the help lists the pair on one line.
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub other_keys: &'static [Key],
    pub other: Option<Action>,
    pub help: &'static str,
}

const fn b(keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding {
        keys,
        action,
        other_keys: &[],
        other: None,
        help,
    }
}

/// A pair: `keys` do `action`, `other_keys` do `other`.
const fn pair(
    keys: &'static [Key],
    action: Action,
    other_keys: &'static [Key],
    other: Action,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        action,
        other_keys,
        other: Some(other),
        help,
    }
}

/// THE keymap.
pub const KEYMAP: &[Binding] = &[
    b(&[k('q'), ctrl('c')], Action::Quit, "quit"),
    b(
        &[code(KeyCode::Esc)],
        Action::Back,
        "close / back (not quit)",
    ),
    pair(
        &[k('j'), code(KeyCode::Down)],
        Action::Down,
        &[k('k'), code(KeyCode::Up)],
        Action::Up,
        "down / up",
    ),
    pair(
        &[code(KeyCode::PageDown), ctrl('f'), ctrl('d')],
        Action::PageDown,
        &[code(KeyCode::PageUp), ctrl('b'), ctrl('u')],
        Action::PageUp,
        "page down / up",
    ),
    pair(
        &[k('g'), code(KeyCode::Home)],
        Action::Top,
        &[k('G'), code(KeyCode::End)],
        Action::Bottom,
        "first / last (tail)",
    ),
    pair(
        &[code(KeyCode::Tab)],
        Action::NextPane,
        &[code(KeyCode::BackTab)],
        Action::PrevPane,
        "next / previous pane",
    ),
    // Back after Enter followed a `[… in frame: N]` line: one help row for the pair.
    pair(
        &[code(KeyCode::Enter)],
        Action::Activate,
        &[k('b'), code(KeyCode::Backspace)],
        Action::GoBack,
        "open, go to / back",
    ),
    pair(
        &[k('h'), code(KeyCode::Left)],
        Action::Collapse,
        &[k('l'), code(KeyCode::Right)],
        Action::Expand,
        "collapse / expand layer",
    ),
    b(&[k('/')], Action::Search, "filter / text search"),
    pair(
        &[k('n')],
        Action::NextMatch,
        &[k('N')],
        Action::PrevMatch,
        "next / previous match",
    ),
    b(&[k(':')], Action::Goto, "go to packet number"),
    // Export shares save's help row: the overlay must list every key at 80×24.
    pair(
        &[k('w')],
        Action::Save,
        &[k('X')],
        Action::Export,
        "save all / export some",
    ),
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
    // f again in the follow view shows the bytes as hex, then raw, then ASCII.
    pair(
        &[k('4'), k('f')],
        Action::FollowStream,
        &[k('L')],
        Action::FollowWrap,
        "follow, f: mode / wrap",
    ),
    pair(
        &[k('5')],
        Action::Show(View::Stats),
        &[k('8')],
        Action::Show(View::Expert),
        "stats / expert info",
    ),
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
    pair(
        &[k('<')],
        Action::ColumnLeft,
        &[k('>')],
        Action::ColumnRight,
        "column cursor ← / →",
    ),
    b(&[k('s')], Action::Sort, "sort by column / reverse"),
    pair(
        &[k('c')],
        Action::HideColumn,
        &[k('C')],
        Action::ShowColumns,
        "hide column / show all",
    ),
    pair(
        &[k('{')],
        Action::NarrowColumn,
        &[k('}')],
        Action::WidenColumn,
        "column narrower / wider",
    ),
    b(&[k('t')], Action::TimeFormat, "time: r dd d a ad u ud e"),
    b(&[k('R')], Action::ResolveNames, "resolve names (-N mtd)"),
    b(&[k('W')], Action::SavePrefs, "save view as preferences"),
    b(&[k('z')], Action::Zoom, "zoom pane / unzoom"),
    pair(
        &[k('K')],
        Action::GrowPane,
        &[k('J')],
        Action::ShrinkPane,
        "pane taller / shorter",
    ),
    pair(
        &[k(' ')],
        Action::PlayPause,
        &[k('.')],
        Action::Step,
        "replay: play / step",
    ),
    pair(
        &[k('+'), k(']')],
        Action::Faster,
        &[k('-'), k('[')],
        Action::Slower,
        "replay: faster / slower",
    ),
    // Pairs of rows that once stood alone, so the help still fits 80×24 with the graphs.
    pair(
        &[k('r')],
        Action::Restart,
        &[k('x')],
        Action::StopReplay,
        "replay: restart / stop",
    ),
    pair(
        &[k('p')],
        Action::ToggleCapture,
        &[k('i')],
        Action::PickInterface,
        "live: stop·start / iface",
    ),
    pair(
        &[k('Q')],
        Action::Quiz,
        &[k('A')],
        Action::Privacy,
        "quiz / privacy mode",
    ),
    b(&[k('?')], Action::Help, "this help"),
    // The analyst's keys: filters from the screen, marks, export, jumps, copy.
    pair(
        &[k('a')],
        Action::ApplyFilter,
        &[k('P')],
        Action::PrepareFilter,
        "apply / prepare filter",
    ),
    pair(
        &[k('&')],
        Action::PrepareAnd,
        &[k('|')],
        Action::PrepareOr,
        "…and / …or selected",
    ),
    b(&[k('!')], Action::PrepareAndNot, "…and not selected"),
    pair(
        &[k('m')],
        Action::Mark,
        &[k('I')],
        Action::Ignore,
        "mark / ignore (toggles)",
    ),
    pair(
        &[k('\'')],
        Action::NextMark,
        &[k('"')],
        Action::PrevMark,
        "next / previous mark",
    ),
    pair(
        &[k('y')],
        Action::Copy,
        &[k('Y')],
        Action::CopyFilter,
        "copy / copy as filter",
    ),
    // The graphs: Statistics → I/O Graphs and TCP Stream Graphs → Stevens.
    pair(
        &[k('o')],
        Action::Show(View::IoGraph),
        &[k('S')],
        Action::Show(View::Stevens),
        "IO graph / TCP seq graph",
    ),
    pair(
        &[k('v')],
        Action::GraphInterval,
        &[k('u')],
        Action::GraphUnit,
        "graph: interval / y, dir",
    ),
    pair(
        &[k('O')],
        Action::AddGraphLine,
        &[k('D')],
        Action::DropGraphLine,
        "graph: add / drop line",
    ),
];

/// The action of a key press, if any.
pub fn lookup(ev: &KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let is_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let hit = |keys: &[Key]| {
        keys.iter()
            .any(|key| key.code == ev.code && key.ctrl == is_ctrl)
    };
    KEYMAP.iter().find_map(|binding| {
        if hit(binding.keys) {
            Some(binding.action)
        } else if hit(binding.other_keys) {
            binding.other
        } else {
            None
        }
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
        KeyCode::Backspace => "BS".into(),
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
            for key in binding.keys.iter().chain(binding.other_keys) {
                assert!(!seen.contains(key), "{key:?} bound twice");
                seen.push(*key);
            }
        }
    }

    #[test]
    fn pairs_give_each_side_its_action() {
        let lt = KeyEvent::new(KeyCode::Char('<'), KeyModifiers::NONE);
        let gt = KeyEvent::new(KeyCode::Char('>'), KeyModifiers::NONE);
        assert_eq!(lookup(&lt), Some(Action::ColumnLeft));
        assert_eq!(lookup(&gt), Some(Action::ColumnRight));
        let up = KeyEvent::new(KeyCode::Up, KeyModifiers::NONE);
        assert_eq!(lookup(&up), Some(Action::Up));
    }

    #[test]
    fn shifted_letters_and_ctrl() {
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&g), Some(Action::Bottom));
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&c), Some(Action::Quit));
        let plain_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(lookup(&plain_c), Some(Action::HideColumn));
        let ctrl_y = KeyEvent::new(KeyCode::Char('y'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_y), None);
    }
}
