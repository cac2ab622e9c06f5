//! Handouts: a whole lesson as one HTML page (valid, self-contained, every step and every
//! drawing there, hostile text escaped) or Markdown, by `--export lesson FILE` and by its
//! alias `lesson --export`; and the socket calls saved beside a capture's packets drawn
//! on the SVG ladder where the terminal's ladder draws them.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;

use etherparse::PacketBuilder;
use roxmltree::{Document, Node, ParsingOptions};
use sockeye::endpoints::events::{CallResult, Side, SocketCall, SocketEvent, Traced};
use sockeye::frame::OwnedFrame;
use sockeye::teach::lesson_file;

use crate::kit::{self, Scratch};
use crate::ui::screen;

const XHTML: &str = "http://www.w3.org/1999/xhtml";
const SVG: &str = "http://www.w3.org/2000/svg";
/// The capture `sockeye lab run echo -w` recorded: the endpoints' calls in its section
/// header, beside the packets.
const ECHO_CALLS: &str = "captures/scenarios/echo-calls-loopback.pcapng";

fn export(args: &[&str]) -> String {
    let out = kit::sockeye(args);
    assert!(out.status.success(), "{args:?}: {}", kit::stderr(&out));
    kit::stdout(&out)
}

/// Parses a page as XML (the `<!DOCTYPE html>` line allowed).
fn parse(page: &str) -> Document<'_> {
    let opts = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(page, opts).unwrap_or_else(|e| panic!("{e}\n{page}"))
}

fn class<'a, 'i>(root: Node<'a, 'i>, name: &str, class: &str) -> Vec<Node<'a, 'i>> {
    root.descendants()
        .filter(|n| n.has_tag_name(name) && n.attribute("class") == Some(class))
        .collect()
}

fn text_of(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The page carries nothing that runs or loads: no script, no external reference, and
/// every id once (several ladders share the page).
fn assert_self_contained(doc: &Document<'_>) {
    let mut ids = HashSet::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        assert!(
            !["script", "iframe", "object", "embed", "link", "img"].contains(&name),
            "<{name}> in the page"
        );
        for a in n.attributes() {
            assert!(
                !a.name().starts_with("on") && a.name() != "src" && a.name() != "href",
                "attribute {}={:?} on <{name}>",
                a.name(),
                a.value()
            );
        }
        if let Some(id) = n.attribute("id") {
            assert!(ids.insert(id.to_string()), "id {id} twice");
        }
    }
}

/// `--export lesson FILE --format html`: one valid XHTML page with a section per step,
/// titled as the lesson titles it; each ladder, encapsulation and diagram step drawn as
/// inline SVG and written as text; the quiz answers folded away. `lesson --export html`
/// prints the same page, and the Markdown handout comes from the same walk.
#[test]
fn a_lesson_as_one_html_page() {
    let lesson_path = kit::root().join("lessons/udp-vs-tcp.toml");
    let lesson_arg = lesson_path.to_str().unwrap();
    let page = export(&["--export", "lesson", lesson_arg, "--format", "html"]);
    assert_eq!(
        page,
        export(&["lesson", "--export", "html", lesson_arg]),
        "one code path"
    );
    let docs = std::fs::read_to_string(kit::root().join("docs/udp-vs-tcp.html")).unwrap();
    assert!(
        docs == page,
        "docs/udp-vs-tcp.html is stale: regenerate it (README)"
    );
    let doc = parse(&page);
    let html = doc.root_element();
    assert_eq!(html.tag_name().name(), "html");
    assert_eq!(html.tag_name().namespace(), Some(XHTML));
    assert_self_contained(&doc);
    let lesson = lesson_file::load(&lesson_path).unwrap();
    let sections = class(html, "section", "step");
    assert_eq!(sections.len(), lesson.steps.len());
    for (n, (section, step)) in sections.iter().zip(&lesson.steps).enumerate() {
        let h2 = section
            .descendants()
            .find(|n| n.has_tag_name("h2"))
            .unwrap();
        assert_eq!(text_of(h2), format!("Step {}: {}", n + 1, step.title));
        let svgs: Vec<Node> = section
            .descendants()
            .filter(|n| n.tag_name().name() == "svg")
            .collect();
        let drawn = !matches!(
            step.view,
            lesson_file::LessonView::List | lesson_file::LessonView::Explain
        );
        assert_eq!(svgs.len(), usize::from(drawn), "step {}", n + 1);
        for svg in svgs {
            assert_eq!(svg.tag_name().namespace(), Some(SVG), "step {}", n + 1);
        }
        let pre = class(*section, "pre", "view");
        let written = step.view != lesson_file::LessonView::Explain;
        assert_eq!(pre.len(), usize::from(written), "step {}", n + 1);
        let narration = class(*section, "p", "narration");
        assert!(text_of(narration[0]).len() > 40, "step {}", n + 1);
        // A quiz step does not show its answer above the fold that holds it: the value
        // is `??` in the drawing and the text, the narration is folded away with it.
        if step.quiz.is_some() {
            assert!(narration[0].ancestors().any(|a| a.has_tag_name("details")));
        }
        if step.quiz == Some(sockeye::teach::quiz::QuizKind::IpLength) {
            let values: Vec<String> = class(*section, "text", "value")
                .into_iter()
                .map(text_of)
                .collect();
            assert!(values.contains(&"??".to_string()), "{values:?}");
            assert!(!values.iter().any(|v| v == "34"), "{values:?}");
            assert!(text_of(pre[0]).contains("??"));
        }
    }
    // The ladder step draws one arrow per segment of the stream (14 for the TCP half).
    let arrows = html
        .descendants()
        .filter(|n| n.attribute("class") == Some("segment"))
        .count();
    assert!(arrows >= 14, "{arrows} arrows");
    let answers: Vec<String> = class(html, "p", "answer")
        .into_iter()
        .map(text_of)
        .collect();
    assert_eq!(answers.len(), 2, "{answers:?}");
    assert!(
        answers
            .iter()
            .any(|a| a.starts_with("7: seq 1 + len 6 = 7")),
        "{answers:?}"
    );
    for answer in class(html, "p", "answer") {
        assert!(answer.ancestors().any(|a| a.has_tag_name("details")));
    }
    // Markdown: the alias and the spelling of the issue agree.
    let md = export(&["--export", "lesson", lesson_arg, "--format", "md"]);
    assert_eq!(md, export(&["lesson", "--export", "md", lesson_arg]));
    assert_eq!(
        md,
        export(&["--export", "lesson", lesson_arg]),
        "md by default"
    );
}

/// A UDP datagram from 10.0.0.1:5000 to 10.0.0.2:5001 carrying `payload`.
fn datagram(ts_ns: i64, payload: &[u8]) -> OwnedFrame {
    let builder = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
        .udp(5000, 5001);
    let mut buf = Vec::new();
    builder.write(&mut buf, payload).unwrap();
    OwnedFrame::ethernet(ts_ns, buf)
}

/// Everything from the capture, its saved calls and the lesson file is escaped: a lesson
/// whose title and text, a datagram whose payload and a traced call whose program name
/// and data hold `<script>` give a page with no script element, the text shown as text.
#[test]
fn hostile_text_is_escaped_in_the_html_handout() {
    const EVIL: &str = "<script>alert('x')</script>";
    let dir = Scratch::new("handout-hostile");
    let capture = dir.join("hostile.pcapng");
    let t0 = 1_700_000_000_000_000_000;
    let call = SocketEvent {
        ts_ns: t0 - 1000,
        ret_ns: t0 - 900,
        side: Side::Client,
        call: SocketCall::SendTo,
        fd: 3,
        local: Some("10.0.0.1:5000".parse::<SocketAddr>().unwrap()),
        peer: Some("10.0.0.2:5001".parse::<SocketAddr>().unwrap()),
        bytes: Some(EVIL.len()),
        result: CallResult::Ok,
        detail: format!("</text>{EVIL}"),
        traced: Some(Traced {
            pid: 7,
            tid: 7,
            comm: EVIL.into(),
            data: EVIL.as_bytes().to_vec(),
        }),
    };
    let notes = vec![sockeye::endpoints::saved::to_note(&call).unwrap()];
    let mut w =
        sockeye::pcapio::CaptureWriter::create_with_notes(capture.to_str().unwrap(), 65535, notes)
            .unwrap();
    for frame in [
        datagram(t0, EVIL.as_bytes()),
        datagram(t0 + 1000, b"</pre>&amp;"),
    ] {
        w.write_frame(&frame.as_frame()).unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let lesson = dir.file(
        "hostile.toml",
        format!(
            "title = \"Lesson {EVIL}\"\ncapture = \"hostile.pcapng\"\n\n\
             [[step]]\ntitle = \"{EVIL}\"\npacket = 1\nview = \"ladder\"\n\
             text = \"Before </p>{EVIL} & after\"\n\n\
             [[step]]\npacket = 1\nview = \"encap\"\n\n\
             [[step]]\npacket = 2\nview = \"list\"\n"
        )
        .as_bytes(),
    );
    let page = export(&["--export", "lesson", &lesson, "--format", "html"]);
    let doc = parse(&page);
    assert_self_contained(&doc);
    let html = doc.root_element();
    let title = html
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .unwrap();
    assert_eq!(text_of(title), format!("Lesson {EVIL}"));
    let h2 = html.descendants().find(|n| n.has_tag_name("h2")).unwrap();
    assert_eq!(text_of(h2), format!("Step 1: {EVIL}"));
    let text = class(html, "p", "text");
    assert_eq!(text_of(text[0]), format!("Before </p>{EVIL} & after"));
    // The ladder's call, the datagram's label and the encapsulation's payload preview.
    let call = class(html, "text", "call");
    assert_eq!(call.len(), 1, "the saved call is drawn");
    assert!(
        text_of(call[0]).contains("sendto() </text><script>"),
        "{page}"
    );
    let label = class(html, "text", "label");
    assert!(text_of(label[0]).contains("\"<script>alert("), "{page}");
    let pre: Vec<String> = class(html, "pre", "view")
        .into_iter()
        .map(text_of)
        .collect();
    assert!(pre[1].contains(&format!("\"{EVIL}\"")), "{}", pre[1]);
    assert!(pre[2].contains("Len=11"), "{}", pre[2]);
}

/// The saved calls of `sockeye lab run echo -w` on the SVG ladder: the same calls as the
/// terminal's ladder, in the same order among the arrows (a call that causes packets above
/// them, a waiting call at its return below the packet that woke it), each on its side's
/// lifeline; the drawing is valid XML.
#[test]
fn socket_calls_on_the_svg_ladder_as_on_the_terminals() {
    let path = kit::root().join(ECHO_CALLS);
    let svg = export(&[
        "-r",
        path.to_str().unwrap(),
        "--export",
        "ladder",
        "--format",
        "svg",
    ]);
    let docs = std::fs::read_to_string(kit::root().join("docs/ladder-calls.svg")).unwrap();
    assert!(
        docs == svg,
        "docs/ladder-calls.svg is stale: regenerate it (README)"
    );
    let doc = Document::parse(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    // Top to bottom: arrows by their label, calls by their text.
    let mut drawn: Vec<(f64, String)> = doc
        .descendants()
        .filter(|n| matches!(n.attribute("class"), Some("label" | "call")))
        .map(|n| {
            let y: f64 = n.attribute("y").unwrap().parse().unwrap();
            let kind = if n.attribute("class") == Some("call") {
                "call"
            } else {
                "arrow"
            };
            (y, format!("{kind} {}", text_of(n)))
        })
        .collect();
    drawn.sort_by(|a, b| a.0.total_cmp(&b.0));
    let drawn: Vec<String> = drawn.into_iter().map(|(_, t)| t).collect();
    let at = |prefix: &str| {
        drawn
            .iter()
            .position(|t| t.starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}: {drawn:#?}"))
    };
    assert!(at("call connect()") < at("arrow [SYN]"), "{drawn:#?}");
    assert!(
        at("arrow [ACK] Seq=1 Ack=1") < at("call accept() returned"),
        "{drawn:#?}"
    );
    assert!(at("call shutdown()") < at("arrow [FIN, ACK]"), "{drawn:#?}");
    // connect() on the client's lifeline (text to the right of it), accept() on the
    // server's (text to the left of it).
    let anchor = |prefix: &str| {
        doc.descendants()
            .find(|n| n.attribute("class") == Some("call") && text_of(*n).starts_with(prefix))
            .and_then(|n| n.attribute("text-anchor"))
            .map(str::to_string)
    };
    assert_eq!(anchor("connect()").as_deref(), Some("start"));
    assert_eq!(anchor("accept()").as_deref(), Some("end"));

    // The terminal's ladder of the same file: the same calls and arrows in the same order.
    let (_job, mut app) =
        sockeye::tui::replay_app(path.to_str().unwrap(), Default::default()).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    app.resize(160, 60);
    while app.visible < 14 && std::time::Instant::now() < deadline {
        app.tick(Duration::from_millis(10));
        std::thread::sleep(Duration::from_millis(5));
    }
    crate::ui::keys(&mut app, "2");
    let term: Vec<String> = screen(&app)
        .lines()
        .filter_map(|l| {
            if let Some((_, call)) = l.split_once("● ") {
                let name = call.split("()").next().unwrap_or_default();
                Some(format!("call {name}()"))
            } else if l.contains('▶') || l.contains('◀') {
                let at = l.find('[')?;
                let flags = &l[at..=at + l[at..].find(']')?];
                Some(format!("arrow {flags}"))
            } else {
                None
            }
        })
        .collect();
    let svg_order: Vec<String> = drawn
        .iter()
        .map(|t| match t.split_once("()") {
            Some((name, _)) if t.starts_with("call") => format!("{name}()"),
            _ => format!("arrow {}", &t[t.find('[').unwrap()..=t.find(']').unwrap()]),
        })
        .collect();
    assert_eq!(term, svg_order, "terminal vs SVG");
    // The text ladder (`--export ladder`, the Markdown handouts) draws them too.
    let text = export(&["-r", path.to_str().unwrap(), "--export", "ladder"]);
    let text_order: Vec<String> = text
        .lines()
        .filter_map(|l| {
            if let Some((_, call)) = l.split_once("● ") {
                Some(format!("call {}()", call.split("()").next()?))
            } else {
                let at = l.find('[')?;
                Some(format!("arrow {}", &l[at..=at + l[at..].find(']')?]))
            }
        })
        .collect();
    assert_eq!(text_order, svg_order, "text vs SVG");
    assert!(svg_order.iter().filter(|t| t.starts_with("call")).count() >= 20);
}
