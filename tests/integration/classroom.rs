//! The classroom: lesson files (the shipped ones play and validate, broken ones are
//! reported at their line), lesson screens at 80×24 and 120×40, and quiz questions checked
//! on every eligible packet of the textbook captures against tshark's recorded values.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sockeye::teach::lesson_check::dissect_all;
use sockeye::teach::lesson_file;
use sockeye::teach::quiz::{self, Answer, QuizKind};
use sockeye::tui::lesson::Lesson;

use crate::kit;
use crate::ui::{app, keys, screen};

fn lesson_screen(lesson: &Lesson, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| f.render_widget(lesson, f.area())).unwrap();
    t.backend().to_string()
}

fn press(lesson: &mut Lesson, code: KeyCode) {
    lesson
        .handle_key(KeyEvent::new(code, KeyModifiers::NONE))
        .unwrap();
}

fn type_text(lesson: &mut Lesson, text: &str) {
    for c in text.chars() {
        press(lesson, KeyCode::Char(c));
    }
}

/// The shipped lessons validate clean through the real binary.
#[test]
fn shipped_lessons_check_clean() {
    for name in ["tcp-basics", "udp-vs-tcp", "retransmission"] {
        let path = kit::root().join(format!("lessons/{name}.toml"));
        let out = kit::sockeye(&["lesson", "--check", path.to_str().unwrap()]);
        let text = kit::stdout(&out);
        assert!(out.status.success(), "{name}: {text}{}", kit::stderr(&out));
        assert!(text.contains("no problems"), "{text}");
    }
}

/// Each broken file names its problem at the right line, and `--check` exits 1.
#[test]
fn broken_lessons_are_reported_at_their_line() {
    let cases: &[(&str, &[(usize, &str)])] = &[
        ("unknown_view", &[(6, "unknown variant `movie`")]),
        (
            "beyond",
            &[(
                9,
                "packet 99 is beyond the capture: echo-loopback.pcapng has 14 packets",
            )],
        ),
        (
            "bad_field",
            &[
                (12, "'tcp.sequence' is not a field sockeye knows"),
                (17, "packet 3 has no udp.length field"),
            ],
        ),
        (
            "missing_capture",
            &[
                (2, "capture 'no-such-capture.pcapng' not found"),
                (9, "no built-in scenario 'no-such-scenario'"),
            ],
        ),
        (
            "bad_quiz",
            &[(7, "quiz next-seq does not apply to packet 1")],
        ),
        ("unknown_quiz", &[(7, "unknown variant `guess-the-port`")]),
        ("not_toml", &[(3, "expected `]`")]),
    ];
    for (name, expected) in cases {
        let path = kit::root().join(format!("tests/data/lessons/{name}.toml"));
        let shown = path.to_str().unwrap();
        let out = kit::sockeye(&["lesson", "--check", shown]);
        let text = kit::stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), expected.len() + 1, "{name}: {text}");
        for ((line, message), got) in expected.iter().zip(&lines) {
            let want = format!("{shown}:{line}: ");
            assert!(
                got.starts_with(&want) && got.contains(message),
                "{name}: wanted {want}…{message}, got {got}"
            );
        }
        // Playing a broken lesson refuses with the same problems (and exit status 2).
        let out = kit::sockeye(&["lesson", shown]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(kit::stderr(&out).contains(expected[0].1), "{name}");
    }
}

/// The two new lessons, every step at 80×24 and 120×40, walked with → and back with ←.
#[test]
fn lesson_files_play() {
    for name in ["udp-vs-tcp", "retransmission"] {
        let path = kit::root().join(format!("lessons/{name}.toml"));
        for (w, h) in [(80, 24), (120, 40)] {
            let file = lesson_file::load(&path).unwrap();
            let steps = file.steps.len();
            let mut lesson = Lesson::open(file, true, w, h).unwrap();
            for n in 0..steps {
                let s = lesson_screen(&lesson, w, h);
                let title = &lesson.file.steps[n].title;
                assert!(s.contains(&format!("Step {}/{steps}: ", n + 1)), "{s}");
                assert!(s.contains(&title[..title.len().min(20)]), "{s}");
                insta::assert_snapshot!(format!("lesson_{name}_step{}_{w}x{h}", n + 1), s);
                // A quiz step takes typing; → still moves on.
                press(&mut lesson, KeyCode::Right);
            }
            assert_eq!(
                lesson.step,
                steps - 1,
                "past the end stays on the last step"
            );
            press(&mut lesson, KeyCode::Left);
            assert_eq!(lesson.step, steps - 2);
            // Jump: digits then Enter.
            type_text(&mut lesson, "2");
            press(&mut lesson, KeyCode::Enter);
            assert_eq!(lesson.step, 1);
            press(&mut lesson, KeyCode::Home);
            assert_eq!(lesson.step, 0);
        }
    }
}

/// A quiz step: the question shows instead of the narration, the value is hidden in the
/// tree, a wrong answer is refused with the arithmetic, the score carries to the next
/// quiz step, and a right answer is accepted.
#[test]
fn lesson_quiz_steps_score() {
    let path = kit::root().join("lessons/udp-vs-tcp.toml");
    let mut lesson = Lesson::open(lesson_file::load(&path).unwrap(), true, 120, 40).unwrap();
    type_text(&mut lesson, "3");
    press(&mut lesson, KeyCode::Enter);
    let s = lesson_screen(&lesson, 120, 40);
    assert!(s.contains("What is the next sequence number?"), "{s}");
    assert!(
        s.contains("Next Sequence Number: ??"),
        "the answer shows:\n{s}"
    );
    // "q" while answering is typing, not quitting.
    type_text(&mut lesson, "q8");
    press(&mut lesson, KeyCode::Enter);
    assert!(!lesson.quit);
    let s = lesson_screen(&lesson, 120, 40);
    assert!(s.contains("'q8' is not a number"), "{s}");
    assert!(s.contains("seq 1 + len 6 = 7"), "{s}");
    assert!(s.contains("score 0/1"), "{s}");
    insta::assert_snapshot!("lesson_quiz_wrong_120x40", s);
    // Step 5 asks the IP length of the first UDP datagram: 20 + 14 = 34.
    press(&mut lesson, KeyCode::Right);
    press(&mut lesson, KeyCode::Right);
    type_text(&mut lesson, "34");
    press(&mut lesson, KeyCode::Enter);
    let s = lesson_screen(&lesson, 120, 40);
    assert!(
        s.contains("Right, 34: IP header 20 + UDP length 14 = 34"),
        "{s}"
    );
    assert!(s.contains("score 1/2"), "{s}");
    press(&mut lesson, KeyCode::Char('q'));
    assert!(lesson.quit, "answered, q quits again");
}

/// The UI's quiz key: Q asks about the selected packet, the value disappears from the
/// tree and the Info column, the answer is judged, Q again asks the next kind.
#[test]
fn ui_quiz_key() {
    let mut a = app("tcp_handshake.pcapng", 120, 40);
    keys(&mut a, "jQ");
    let s = screen(&a);
    assert!(s.contains("Quiz — score 0/0"), "{s}");
    assert!(
        s.contains("Frame 2 has seq 0 and carries 0 bytes with SYN set"),
        "{s}"
    );
    assert!(s.contains("Next Sequence Number: ??"), "{s}");
    keys(&mut a, "1\n");
    let s = screen(&a);
    assert!(s.contains("Right, 1: seq 0 + len 0 + SYN 1 = 1"), "{s}");
    assert!(s.contains("score 1/1"), "{s}");
    insta::assert_snapshot!("ui_quiz_right_120x40", s);
    // The next kind: the acknowledgement, hidden from the Info column too.
    keys(&mut a, "Q");
    let s = screen(&a);
    assert!(
        s.contains("What acknowledgement number does frame 2 carry?"),
        "{s}"
    );
    let row = s.lines().find(|l| l.starts_with("\">2 ")).unwrap();
    assert!(row.contains("·· (quiz)") && !row.contains("Ack="), "{s}");
    assert!(s.contains("Ack: ??, Len: 0"), "{s}");
    keys(&mut a, "2\n");
    let s = screen(&a);
    assert!(s.contains("Not quite: you said 2, the answer is 1"), "{s}");
    assert!(s.contains("seq 0 + len 0 + SYN 1 = 1"), "{s}");
    keys(&mut a, "\x1b");
    assert!(a.quiz.open.is_none());
    assert_eq!(a.quiz.score(), "1/2");
}

/// tshark's recorded values of one capture, by frame number and field name.
fn recorded(stem: &str) -> HashMap<u64, HashMap<String, String>> {
    let path = kit::root().join(format!("tests/data/expected/{stem}.tsv"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|l| {
            let row: HashMap<String, String> = header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (row["frame.number"].parse().unwrap(), row)
        })
        .collect()
}

/// Every quiz kind on every eligible packet of every textbook capture: the right answer is
/// accepted, a wrong one refused with the arithmetic; the answer is tshark's value of the
/// field, and the arithmetic adds up to it.
#[test]
fn every_quiz_kind_on_every_textbook_packet() {
    let mut asked: HashMap<QuizKind, usize> = HashMap::new();
    for path in kit::textbook_paths() {
        let stem = kit::stem(&path);
        let frames = kit::decoded::read_capture(path.to_str().unwrap());
        let all = dissect_all(&frames);
        let tshark = recorded(&stem);
        for (i, d) in all.iter().enumerate() {
            let ctx = quiz::context_in(&all, i);
            let row = &tshark[&d.info.number];
            for kind in QuizKind::ALL {
                let Some(q) = quiz::question(kind, d, ctx) else {
                    continue;
                };
                *asked.entry(kind).or_default() += 1;
                let at = format!("{stem} frame {} {}", d.info.number, kind.name());
                let right = quiz::check(&q, &q.answer.text());
                assert!(right.right, "{at}: {}", right.text);
                let wrong = quiz::check(&q, &quiz::wrong_answer(&q.answer));
                assert!(!wrong.right, "{at}: {}", wrong.text);
                assert!(wrong.text.contains(&q.why), "{at}: {}", wrong.text);
                let tshark_field = match (kind, d.packet.ipv4().is_some()) {
                    (QuizKind::NextSeq, _) => Some("tcp.nxtseq"),
                    (QuizKind::Ack, _) => Some("tcp.ack"),
                    (QuizKind::HeaderLength, _) => Some("tcp.hdr_len"),
                    (QuizKind::IpLength, true) => Some("ip.len"),
                    (QuizKind::IpLength, false) => Some("ipv6.plen"),
                    _ => None,
                };
                if let (Some(field), Answer::Number(n)) = (tshark_field, q.answer) {
                    assert_eq!(row[field], n.to_string(), "{at}: tshark's {field}");
                }
                if kind == QuizKind::NextFlags {
                    let next = ctx.next_in_stream.unwrap().info.number;
                    let flags = u16::from_str_radix(&tshark[&next]["tcp.flags"][2..], 16).unwrap();
                    assert_eq!(q.answer, Answer::Flags(flags & 0x1ff), "{at}");
                }
                let Some(w) = &q.working else {
                    continue;
                };
                let sum: u64 = w.terms.iter().map(|(_, v)| v).sum();
                let (expect, value) = match kind {
                    QuizKind::NextSeq => (sum % (1 << 32), w.total),
                    QuizKind::HeaderLength => (w.terms.iter().map(|(_, v)| v).product(), w.total),
                    _ => (sum, w.total),
                };
                assert_eq!(expect, value, "{at}: the arithmetic adds up");
                assert!(q.why.contains(&format!("= {}", w.total)), "{at}: {}", q.why);
                // The working always leads to the answer (an acknowledgement whose peer's
                // data did not all arrive says so, and has no working).
                if let Answer::Number(n) | Answer::Checksum(n) = q.answer {
                    assert_eq!(w.total, n, "{at}: {}", q.why);
                }
            }
        }
    }
    for kind in QuizKind::ALL {
        let n = asked.get(&kind).copied().unwrap_or(0);
        assert!(n >= 20, "{} asked only {n} times", kind.name());
    }
    eprintln!("quiz questions checked: {asked:?}");
}

/// `--export ladder --format svg` is well-formed XML (parsed by roxmltree) with one arrow
/// per segment of the stream and Wireshark's labels; docs/ladder.svg is what it writes.
#[test]
fn ladder_svg_is_valid_xml() {
    for (capture, packet, arrows, label) in [
        ("tcp_handshake.pcapng", "1", 3, "[SYN] Seq=0"),
        ("tcp_retransmissions.pcapng", "2", 6, "TCP Retransmission"),
        ("udp_dnsrequest.pcapng", "1", 1, "Len="),
        ("http_google.pcapng", "1", 12, "[SYN, ACK]"),
    ] {
        let path = kit::textbook(capture);
        let out = kit::sockeye(&[
            "-r",
            path.to_str().unwrap(),
            "--export",
            "ladder",
            "--format",
            "svg",
            "--packet",
            packet,
        ]);
        assert!(out.status.success(), "{capture}: {}", kit::stderr(&out));
        let text = kit::stdout(&out);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{capture}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let segments = root
            .descendants()
            .filter(|n| n.has_tag_name("line") && n.attribute("class") == Some("segment"))
            .count();
        assert_eq!(segments, arrows, "{capture}");
        let texts: String = root
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(texts.contains(label), "{capture}: {texts}");
        if capture == "http_google.pcapng" {
            let doc = std::fs::read_to_string(kit::root().join("docs/ladder.svg")).unwrap();
            assert_eq!(
                doc, text,
                "docs/ladder.svg is stale: regenerate it (README)"
            );
        }
    }
}

/// `--export diagram --format svg`: valid XML, one box per field of each header.
#[test]
fn diagram_svg_is_valid_xml() {
    let path = kit::textbook("tcp_handshake.pcapng");
    let out = kit::sockeye(&[
        "-r",
        path.to_str().unwrap(),
        "--export",
        "diagram",
        "--format",
        "svg",
        "--packet",
        "1",
    ]);
    assert!(out.status.success(), "{}", kit::stderr(&out));
    let text = kit::stdout(&out);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let boxes = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some("field"))
        .count();
    assert!(boxes > 30, "{boxes} boxes");
    let headers: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("header"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        headers,
        [
            "Ethernet II",
            "Internet Protocol Version 4",
            "Transmission Control Protocol"
        ]
    );
    let values: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("value"))
        .filter_map(|n| n.text())
        .collect();
    assert!(values.iter().any(|v| v.starts_with("2826")), "{values:?}");
    // The encapsulation: one rectangle per layer inside the frame's.
    let out = kit::sockeye(&[
        "-r",
        kit::textbook("http_google.pcapng").to_str().unwrap(),
        "--export",
        "encap",
        "--format",
        "svg",
        "--packet",
        "4",
    ]);
    assert!(out.status.success(), "{}", kit::stderr(&out));
    let text = kit::stdout(&out);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("label"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(labels.len(), 5, "{labels:?}");
    assert!(labels[1].starts_with("ETH header: 14 bytes"), "{labels:?}");
    assert!(labels[4].starts_with("Payload: 627 bytes"), "{labels:?}");
}

/// `--export ladder --format md`: the ladder in a fenced block, then the narration.
#[test]
fn export_markdown() {
    let path = kit::textbook("tcp_handshake.pcapng");
    let out = kit::sockeye(&[
        "-r",
        path.to_str().unwrap(),
        "--export",
        "ladder",
        "--format",
        "md",
        "--packet",
        "2",
    ]);
    assert!(out.status.success(), "{}", kit::stderr(&out));
    let md = kit::stdout(&out);
    assert!(md.starts_with("## Packet 2\n\n```text\n"), "{md}");
    assert_eq!(md.matches("```").count(), 2, "{md}");
    assert!(md.contains("[SYN, ACK] Seq=0 Ack=1"), "{md}");
    let after = md.rsplit("```").next().unwrap();
    assert!(after.trim().len() > 40, "the narration follows: {md}");
}

/// `sockeye lesson --export md`: one handout, a section per step, each view in a fenced
/// block, quiz answers with their working folded away.
#[test]
fn lesson_handout_markdown() {
    let path = kit::root().join("lessons/udp-vs-tcp.toml");
    let out = kit::sockeye(&["lesson", "--export", "md", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", kit::stderr(&out));
    let md = kit::stdout(&out);
    assert!(md.starts_with("# UDP vs TCP\n"), "{md}");
    assert_eq!(md.matches("\n## Step ").count(), 7);
    assert_eq!(md.matches("```").count() % 2, 0, "fences closed");
    assert!(md.contains("[SYN] Seq=0"), "the ladder step's ladder");
    assert_eq!(md.matches("<details><summary>Answer</summary>").count(), 2);
    assert!(md.contains("7: seq 1 + len 6 = 7"), "{md}");
    assert!(md.contains("34: IP header 20 + UDP length 14 = 34"), "{md}");
}
