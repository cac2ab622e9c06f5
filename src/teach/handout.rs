//! `sockeye lesson --export md FILE`: a whole lesson as one Markdown handout — per step its
//! title, the lecturer's text, the step's view as text in a fenced block, what the packet
//! means, and a quiz step's question with its worked answer folded away.

use std::fmt::Write as _;

use crate::decode::FieldList;
use crate::dissect::Dissection;

use super::lesson_check::{dissect_all, read_frames};
use super::lesson_file::{LessonFile, LessonStep, LessonView};
use super::{encapsulation, header_diagrams, narrate, quiz, Ladder};

const WIDTH: usize = 100;

/// The handout, or why a step's capture could not be read.
pub fn lesson_markdown(lesson: &LessonFile) -> Result<String, String> {
    let mut md = format!("# {}\n", lesson.title);
    for (n, step) in lesson.steps.iter().enumerate() {
        let frames = read_frames(&step.capture)?;
        let all = dissect_all(&frames);
        let index = usize::try_from(step.packet.saturating_sub(1)).unwrap_or(0);
        let Some(d) = all.get(index) else {
            return Err(format!(
                "step {}: packet {} is beyond {}",
                n + 1,
                step.packet,
                step.capture.label()
            ));
        };
        let _ = writeln!(md, "\n## Step {}: {}\n", n + 1, step.title);
        let _ = writeln!(md, "*{}, packet {}*\n", step.capture.label(), step.packet);
        if !step.text.is_empty() {
            let _ = writeln!(md, "{}\n", step.text);
        }
        if step.view != LessonView::Explain {
            let _ = writeln!(
                md,
                "```text\n{}\n```\n",
                view_text(step, d, &all).trim_end()
            );
        }
        let _ = writeln!(md, "**This packet:** {}", narrate(d, None));
        if let Some(kind) = step.quiz {
            if let Some(q) = quiz::question(kind, d, quiz::context_in(&all, index)) {
                let _ = writeln!(
                    md,
                    "\n**Quiz:** {}\n\n<details><summary>Answer</summary>\n\n{}: {}\n\n</details>",
                    q.ask,
                    q.answer.text(),
                    q.why
                );
            }
        }
    }
    Ok(md)
}

/// The step's view as text (the list, tree and hex views, which only the terminal draws,
/// are shown as the packet's header diagrams).
fn view_text(step: &LessonStep, d: &Dissection<'_>, all: &[Dissection<'_>]) -> String {
    match step.view {
        LessonView::Ladder => {
            let mut ladder = match (&d.tcp, &d.udp) {
                (Some(t), _) => Ladder::new(t.stream),
                (None, Some(u)) => Ladder::udp(u.stream),
                (None, None) => return encapsulation(&d.packet, WIDTH),
            };
            for other in all {
                ladder.push(other);
            }
            ladder.render_text(WIDTH)
        }
        LessonView::Encap => encapsulation(&d.packet, WIDTH),
        LessonView::List => all
            .iter()
            .map(|o| {
                let mark = if o.info.number == d.info.number {
                    '>'
                } else {
                    ' '
                };
                let (proto, info) = o.columns();
                format!("{mark}{:<4} {proto:<6} {info}", o.info.number)
            })
            .collect::<Vec<_>>()
            .join("\n"),
        LessonView::Tree | LessonView::Hex | LessonView::Diagram | LessonView::Explain => {
            let mut scratch = String::new();
            let mut fields = FieldList::new();
            d.emit_fields(&mut scratch, &mut fields);
            header_diagrams(&d.packet, &fields)
        }
    }
}
