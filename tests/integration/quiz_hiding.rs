//! While a quiz question waits for its answer, no view gives the answer away: the packet
//! list, the details tree, the bytes, the explain pane, the ladder, the encapsulation view
//! and the header diagrams are drawn (TestBackend, the real app) and scanned for the
//! answer. A control run with no question open finds it in the same views, so the scan
//! is one that can fail.

use sockeye::teach::quiz::QuizKind;
use sockeye::tui::app::App;

use crate::ui::{app, keys, screen};

/// The views a student can look at, as the keys that show them (in this order the keys
/// add up: `e` opens the explain pane under the list last).
const VIEWS: [(&str, &str); 5] = [
    ("packets", "1"),
    ("ladder", "2"),
    ("encapsulation", "6"),
    ("diagrams", "7"),
    ("packets+explain", "1e"),
];

/// Moves the selection of `a` from frame `from` to frame `to` with the keys a student
/// would press.
fn go(a: &mut App, from: usize, to: usize) {
    let key = if to > from { "j" } else { "k" };
    keys(a, &key.repeat(from.abs_diff(to)));
}

/// What the student sees, with the quiz box and every hex dump row left out: the box
/// holds the question (whose words may contain the answer's, "good, bad, unverified…"),
/// and hex bytes are not decimal values.
fn seen(a: &App) -> String {
    let mut lines = Vec::new();
    let mut in_box = false;
    for line in screen(a).lines() {
        in_box |= line.contains("Quiz — score");
        if in_box {
            // The box ends at its bottom border; the footer below it is scanned too.
            in_box = !line.trim_start_matches('"').starts_with('└');
            continue;
        }
        lines.push(without_hex(line));
    }
    lines.join("\n")
}

/// `line` cut where a hex dump row (`0010  45 00 02 9b …`) starts.
fn without_hex(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let hex = |c: &char| c.is_ascii_hexdigit();
    for at in 0..chars.len() {
        let row = chars.get(at..at + 9).is_some_and(|w| {
            w[..4].iter().all(hex) && w[4] == ' ' && w[5] == ' ' && w[6..8].iter().all(hex)
        });
        let starts = at == 0 || !chars[at - 1].is_ascii_alphanumeric();
        if row && starts {
            return chars[..at].iter().collect();
        }
    }
    line.to_string()
}

/// Whether `text` shows one of `answers`: a number as a whole number (not part of a
/// longer number, a time or an address), anything else as written.
fn shows(text: &str, answers: &[&str]) -> bool {
    answers.iter().any(|answer| {
        let numeric = answer.chars().all(|c| c.is_ascii_digit());
        text.match_indices(answer).any(|(at, _)| {
            if !numeric {
                return true;
            }
            let before = text[..at].chars().next_back();
            let after = text[at + answer.len()..].chars().next();
            let joins = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
            !joins(before) && !joins(after)
        })
    })
}

#[test]
fn an_open_question_hides_its_answer_in_every_view() {
    // (frame of http_google, question, the answer, how a view would show it). The frames are
    // picked so the answer is a value no other part of the screen happens to show; the
    // checksum verdict is looked for as the TCP rows write it (IP's own is no answer).
    let cases: [(usize, QuizKind, &str, &[&str]); 6] = [
        (4, QuizKind::NextSeq, "628", &["628"]),
        (8, QuizKind::Ack, "2813", &["2813"]),
        (4, QuizKind::IpLength, "667", &["667"]),
        (1, QuizKind::HeaderLength, "32", &["32"]),
        (3, QuizKind::NextFlags, "PSH, ACK", &["PSH"]),
        (
            4,
            QuizKind::Checksum,
            "good",
            &["Checksum Status: Good", "0xfc70 [correct]", "0xfc70 [good]"],
        ),
    ];
    let mut a = app("http_google.pcapng", 120, 50);
    let mut at = 1;
    for (frame, kind, answer, looks) in cases {
        go(&mut a, at, frame);
        at = frame;
        let mut shown_in = Vec::new();
        for (name, view) in VIEWS {
            keys(&mut a, view);
            if shows(&seen(&a), looks) {
                shown_in.push(name);
            }
            a.start_quiz(Some(kind));
            let asked = a.quiz.open.as_ref().map(|q| q.question.answer.text());
            assert_eq!(asked.as_deref(), Some(answer), "{kind:?} on frame {frame}");
            let open = seen(&a);
            assert!(
                !shows(&open, looks),
                "{kind:?} on frame {frame}: the {name} view shows the answer \
                 {answer} while the question is open:\n{open}"
            );
            a.quiz_close();
        }
        // The control: without a question the same scan finds the value.
        assert!(
            !shown_in.is_empty(),
            "{kind:?}: no view shows {answer} even without a question"
        );
        eprintln!("{kind:?}: {answer} shown, when no question is open, in {shown_in:?}");
    }
}
/// The encapsulation view leaked the lengths a question asks for: its boxes say "total
/// length 667" and "data offset 5 × 4 = 20 bytes". They must say `??` instead.
#[test]
fn the_encapsulation_view_writes_question_marks() {
    let mut a = app("http_google.pcapng", 120, 50);
    keys(&mut a, "jjj6");
    let closed = seen(&a);
    assert!(closed.contains("data offset 5 × 4 = 20 bytes"), "{closed}");
    a.start_quiz(Some(QuizKind::IpLength));
    let open = seen(&a);
    // What is scanned: the screen without the question's box, its footer included.
    assert!(screen(&a).contains("Type the answer"));
    assert!(
        !open.contains("Type the answer") && open.contains("? help"),
        "{open}"
    );
    assert!(open.contains("total length ?? (header"), "{open}");
    assert!(open.contains("IP total length ?? −"), "{open}");
    a.quiz_close();
    a.start_quiz(Some(QuizKind::HeaderLength));
    let open = seen(&a);
    assert!(open.contains("data offset 5 × 4 = ?? bytes"), "{open}");
    assert!(open.contains("TCP header ?? ="), "{open}");
    assert!(open.contains("TCP — bytes 34–?? (?? bytes"), "{open}");
}
