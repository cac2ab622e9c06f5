//! A whole lesson as one handout (`sockeye --export lesson FILE --format md|html`, also
//! `sockeye lesson --export md|html FILE`): per step its title, the lecturer's text, the
//! step's view as text and (HTML) drawn as SVG, what the packet means, and a quiz step's
//! question with its worked answer folded away.
//!
//! One walk over the lesson builds a [`Handout`]; Markdown (here) and HTML
//! ([`super::handout_html`]) only lay it out, so both formats say the same things.

use std::fmt::Write as _;

use crate::decode::FieldList;
use crate::dissect::Dissection;
use crate::endpoints::events::SocketEvent;
use crate::frame::OwnedFrame;

use super::diagram::{all_diagrams, diagrams_of};
use super::encap::encapsulation_hiding;
use super::lesson_check::{dissect_all, read_frames};
use super::lesson_file::{CaptureRef, LessonFile, LessonStep, LessonView};
use super::quiz::{self, Question, QuizKind};
use super::{narrate_with, svg, Exchanges, Ladder, StreamTimeline};

const WIDTH: usize = 100;

/// The handout's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoutFormat {
    Markdown,
    Html,
}

/// A lesson, every step worked out from its capture.
#[derive(Debug, Clone)]
pub struct Handout {
    pub title: String,
    pub steps: Vec<HandoutStep>,
}

/// One step of a handout.
#[derive(Debug, Clone)]
pub struct HandoutStep {
    pub title: String,
    /// Where the packet comes from: the capture's file name.
    pub capture: String,
    pub packet: u64,
    /// The lecturer's text, as written in the lesson file.
    pub text: String,
    pub view: LessonView,
    /// The step's view as text (none for `explain`, whose text is the narration).
    pub view_text: Option<String>,
    /// The step's view drawn as an SVG element (ladder, encapsulation, header diagrams);
    /// its ids are prefixed with the step, so several can share one page.
    pub figure: Option<String>,
    /// What the packet means, in sentences.
    pub narration: String,
    pub quiz: Option<Question>,
}

/// A capture read once for every step over it.
struct Loaded {
    capture: CaptureRef,
    frames: Vec<OwnedFrame>,
    calls: Vec<SocketEvent>,
}

/// Works every step of `lesson` out from its capture, or says which step's capture could
/// not be read or lacks its packet.
pub fn handout(lesson: &LessonFile) -> Result<Handout, String> {
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut steps = Vec::with_capacity(lesson.steps.len());
    for (n, step) in lesson.steps.iter().enumerate() {
        let at = match loaded.iter().position(|l| l.capture.same(&step.capture)) {
            Some(at) => at,
            None => {
                loaded.push(Loaded {
                    capture: step.capture.clone(),
                    frames: read_frames(&step.capture)
                        .map_err(|e| format!("step {}: {e}", n + 1))?,
                    calls: step.capture.calls(),
                });
                loaded.len() - 1
            }
        };
        let Some(capture) = loaded.get(at) else {
            continue;
        };
        steps.push(work_out(n + 1, step, capture)?);
    }
    Ok(Handout {
        title: lesson.title.clone(),
        steps,
    })
}

/// Step `number` of a lesson over `capture`.
fn work_out(number: usize, step: &LessonStep, capture: &Loaded) -> Result<HandoutStep, String> {
    let all = dissect_all(&capture.frames);
    let index = usize::try_from(step.packet.saturating_sub(1)).unwrap_or(usize::MAX);
    let Some(d) = all.get(index) else {
        return Err(format!(
            "step {number}: packet {} is beyond {}",
            step.packet,
            step.capture.label()
        ));
    };
    let id = format!("step{number}-");
    let asked = step.quiz.map(|kind| Asked { kind, index });
    let (view_text, figure) = match view(step.view, d, &all, &capture.calls, &id, asked) {
        Some((text, figure)) => (Some(text), figure),
        None => (None, None),
    };
    let quiz = step
        .quiz
        .and_then(|kind| quiz::question(kind, d, quiz::context_in(&all, index)));
    Ok(HandoutStep {
        title: step.title.clone(),
        capture: step.capture.label(),
        packet: step.packet,
        text: step.text.clone(),
        view: step.view,
        view_text,
        figure,
        narration: narration(d, &all),
        quiz,
    })
}

/// The narration of `d` as the explain pane and `--export narrate` give it: knowing its
/// TCP stream's timeline and which DNS/HTTP message answers which.
fn narration(d: &Dissection<'_>, all: &[Dissection<'_>]) -> String {
    let mut timeline = d.tcp.as_ref().map(|t| StreamTimeline::new(t.stream));
    let mut exchanges = Exchanges::new();
    for other in all {
        if let Some(timeline) = timeline.as_mut() {
            timeline.push(other);
        }
        exchanges.push(other);
    }
    narrate_with(d, timeline.as_ref(), Some(&exchanges))
}

/// A quiz step's question: its kind and the index of the packet it asks about. The views
/// of such a step hide what the terminal hides while the question is open, so the handout
/// does not show the answer above the fold that holds it.
#[derive(Clone, Copy)]
struct Asked {
    kind: QuizKind,
    index: usize,
}

/// The step's view as text and as an SVG drawing (the list, tree and hex views, which
/// only the terminal draws, are shown as the packet's header diagrams); `None` for the
/// explain view.
fn view(
    view: LessonView,
    d: &Dissection<'_>,
    all: &[Dissection<'_>],
    calls: &[SocketEvent],
    id: &str,
    asked: Option<Asked>,
) -> Option<(String, Option<String>)> {
    let hidden = asked.map_or(&[][..], |a| a.kind.hides());
    let encap = || {
        (
            encapsulation_hiding(d, WIDTH, hidden),
            Some(svg::encap_svg_hiding(&d.packet, hidden)),
        )
    };
    Some(match view {
        LessonView::Explain => return None,
        LessonView::Ladder => {
            let mut ladder = match (&d.tcp, &d.udp) {
                (Some(t), _) => Ladder::new(t.stream),
                (None, Some(u)) => Ladder::udp(u.stream),
                (None, None) => return Some(encap()),
            };
            for other in all {
                ladder.push(other);
            }
            if let Some(a) = asked {
                for row in &mut ladder.rows {
                    let index = usize::try_from(row.frame.saturating_sub(1)).unwrap_or(0);
                    row.label = a.kind.ladder_label(index, a.index, &row.label);
                    if a.kind.hides_info(index, a.index) {
                        row.marks.clear();
                    }
                }
            }
            (
                ladder.render_text_with(WIDTH, &ladder.calls(calls)),
                Some(svg::ladder_svg_in(&ladder, calls, id)),
            )
        }
        LessonView::Encap => encap(),
        LessonView::List => (packet_list(d, all, asked), None),
        LessonView::Tree | LessonView::Hex | LessonView::Diagram => {
            let mut scratch = String::new();
            let mut fields = FieldList::new();
            d.emit_fields(&mut scratch, &mut fields);
            for f in fields.fields.iter_mut().filter(|f| hidden.contains(&f.id)) {
                f.value = crate::field::Value::Text("??");
            }
            (
                all_diagrams(d, &fields),
                Some(svg::diagrams_svg(&diagrams_of(d, &fields))),
            )
        }
    })
}

/// The packet list as text, the step's packet marked with `>`.
fn packet_list(d: &Dissection<'_>, all: &[Dissection<'_>], asked: Option<Asked>) -> String {
    all.iter()
        .enumerate()
        .map(|(i, o)| {
            let mark = if o.info.number == d.info.number {
                '>'
            } else {
                ' '
            };
            let (proto, info) = o.columns();
            let info = match asked {
                Some(a) if a.kind.hides_info(i, a.index) => quiz::HIDDEN_INFO,
                _ => info,
            };
            format!("{mark}{:<4} {proto:<6} {info}", o.info.number)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The handout of `lesson` in `format`.
pub fn lesson_handout(lesson: &LessonFile, format: HandoutFormat) -> Result<String, String> {
    let handout = handout(lesson)?;
    Ok(match format {
        HandoutFormat::Markdown => markdown(&handout),
        HandoutFormat::Html => super::handout_html::html(&handout),
    })
}

/// The handout as Markdown: the lecturer's text as written (it is theirs, Markdown
/// included); what came from the capture is either in a fenced block or has its `<`, `>`
/// and `&` written as entities, so a packet's text cannot become HTML where the
/// Markdown is rendered.
pub fn markdown(handout: &Handout) -> String {
    let mut md = format!("# {}\n", handout.title);
    for (n, step) in handout.steps.iter().enumerate() {
        let _ = writeln!(md, "\n## Step {}: {}\n", n + 1, step.title);
        let _ = writeln!(md, "*{}, packet {}*\n", step.capture, step.packet);
        if !step.text.is_empty() {
            let _ = writeln!(md, "{}\n", step.text);
        }
        if let Some(text) = &step.view_text {
            let _ = writeln!(md, "{}\n", fenced(text.trim_end()));
        }
        match &step.quiz {
            None => {
                let _ = writeln!(md, "**This packet:** {}", inline(&step.narration));
            }
            // The narration may say the answer: it is folded away with it.
            Some(q) => {
                let _ = writeln!(
                    md,
                    "**Quiz:** {}\n\n<details><summary>Answer</summary>\n\n{}: {}\n\n\
                     **This packet:** {}\n\n</details>",
                    inline(&q.ask),
                    inline(&q.answer.text()),
                    inline(&q.why),
                    inline(&step.narration)
                );
            }
        }
    }
    md
}

/// `text` in a fenced block whose fence is longer than any run of backticks inside it.
fn fenced(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{text}\n{fence}")
}

/// Capture text outside a fence: HTML's markup characters as entities.
fn inline(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_the_backticks_inside() {
        assert_eq!(fenced("a"), "```text\na\n```");
        assert_eq!(fenced("x ```` y"), "`````text\nx ```` y\n`````");
        assert_eq!(inline("GET /<b>&"), "GET /&lt;b&gt;&amp;");
    }
}
