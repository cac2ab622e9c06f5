//! Colouring rules: Wireshark's default rules pick, for every packet of every textbook
//! capture, the rule tshark 4.0 picks (tests/data/coloring_rules.tsv, recorded with
//! `tshark --color -T fields -e frame.number -e frame.coloring_rule.name`); the list draws
//! the rule's colours; a user's `colorfilters` comes first; NO_COLOR draws none.

use std::collections::BTreeMap;

use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use sockeye::filter::FrameMarks;
use sockeye::store::spawn_file_indexer;
use sockeye::tui::app::colouring::Colouring;

use crate::kit;
use crate::ui::app;

#[test]
fn default_rules_pick_what_tshark_picks() {
    let table = std::fs::read_to_string(kit::root().join("tests/data/coloring_rules.tsv")).unwrap();
    let mut by_capture: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let mut cells = line.split('\t');
        let capture = cells.next().unwrap();
        let frame: usize = cells.next().unwrap().parse().unwrap();
        let rule = cells.next().unwrap_or("");
        by_capture.entry(capture).or_default().push((frame, rule));
    }
    let colours = Colouring::defaults();
    let (mut same, mut differ) = (0, Vec::new());
    for (capture, frames) in by_capture {
        let store = spawn_file_indexer(kit::textbook(capture).to_str().unwrap())
            .unwrap()
            .wait();
        let store = sockeye::store::lock(&store);
        for (frame, want) in frames {
            let d = store.dissect(frame - 1).unwrap();
            let got = colours
                .rule_for(&d, FrameMarks::default())
                .map_or("", |r| r.name.as_str());
            if got == want {
                same += 1;
            } else {
                differ.push(format!(
                    "{capture} frame {frame}: tshark {want:?}, sockeye {got:?}"
                ));
            }
        }
    }
    eprintln!(
        "{same} of {} frames coloured as tshark colours them",
        same + differ.len()
    );
    assert!(same > 250);
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// The background of the list row showing packet `n` (1-based), drawn on a TestBackend.
fn row_bg(a: &sockeye::tui::app::App, n: usize) -> Color {
    let mut t = Terminal::new(TestBackend::new(a.size.width, a.size.height)).unwrap();
    t.draw(|f| f.render_widget(a, f.area())).unwrap();
    let buf = t.backend().buffer().clone();
    // Title line, pane title, column header, then the rows.
    let y = 3 + (n - 1 - a.list_top) as u16;
    buf[(10, y)].bg
}

#[test]
fn the_list_draws_the_rules_colours() {
    let mut a = app("tcp_retransmissions.pcapng", 100, 30);
    let store = std::sync::Arc::clone(&a.store);
    let bad = {
        let store = sockeye::store::lock(&store);
        (0..store.len())
            .find(|&i| {
                let d = store.dissect(i).unwrap();
                d.tcp.as_ref().is_some_and(|t| !t.flags.is_empty())
            })
            .unwrap()
    };
    // Select another packet, so the row shows its rule and not the selection.
    crate::ui::keys(&mut a, &format!(":{}\n", if bad == 0 { 2 } else { 1 }));
    let rule = &a.analyst.colours.rules[0];
    assert_eq!(rule.name, "Bad TCP");
    let [r, g, b] = rule.bg;
    assert_eq!(row_bg(&a, bad + 1), Color::Rgb(r, g, b));
    // NO_COLOR: no rule colours at all.
    a.no_color = true;
    assert!(!matches!(row_bg(&a, bad + 1), Color::Rgb(..)));
}

#[test]
fn a_users_rules_come_first() {
    let dir = kit::Scratch::new("colours");
    dir.file(
        "colorfilters",
        b"# mine\n@Web@tcp.port == 80@[0,0,0][65535,0,0]\n@Bad@no.such.field@[0,0,0][0,0,0]\n",
    );
    let c = Colouring::with_user_file(dir.path());
    assert_eq!(c.rules[0].name, "Web");
    assert_eq!(c.rules[1].name, "Bad TCP");
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let store = spawn_file_indexer(kit::textbook("tcp_handshake.pcapng").to_str().unwrap())
        .unwrap()
        .wait();
    let store = sockeye::store::lock(&store);
    let d = store.dissect(0).unwrap();
    assert_eq!(
        c.rule_for(&d, FrameMarks::default())
            .map(|r| r.name.as_str()),
        Some("Web")
    );
}
