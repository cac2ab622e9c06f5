//! `sockeye lesson --check FILE`: the problems a lesson has against its captures — a
//! packet beyond the capture, a field the packet does not carry, a quiz that does not apply
//! to the packet — each at its line. (Problems that need no capture come from
//! [`super::lesson_file::parse`].)

use crate::decode::FieldList;
use crate::dissect::{Dissection, Dissector};
use crate::frame::OwnedFrame;
use crate::source::PacketSource;

use super::lesson_file::{CaptureRef, LessonFile, Problem};
use super::quiz;

/// More frames than a lesson's capture should have: checking stops reading there.
const MAX_FRAMES: usize = 200_000;

/// The frames of a capture, read whole (lesson captures are small).
pub fn read_frames(capture: &CaptureRef) -> Result<Vec<OwnedFrame>, String> {
    let mut source = capture.open().map_err(|e| e.to_string())?;
    let mut frames = Vec::new();
    while frames.len() < MAX_FRAMES {
        match source.next_frame() {
            Ok(Some(frame)) => frames.push(frame.to_owned()),
            Ok(None) => break,
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(frames)
}

/// Every frame dissected in order (analysis included, as every view sees it).
pub fn dissect_all(frames: &[OwnedFrame]) -> Vec<Dissection<'_>> {
    let mut dissector = Dissector::new();
    frames
        .iter()
        .map(|f| dissector.dissect(&f.as_frame()))
        .collect()
}

/// The problems of `lesson` that only its captures reveal.
pub fn check(lesson: &LessonFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut cache: Vec<(CaptureRef, Result<Vec<OwnedFrame>, String>)> = Vec::new();
    for step in &lesson.steps {
        let index = match cache.iter().position(|(c, _)| c.same(&step.capture)) {
            Some(i) => i,
            None => {
                cache.push((step.capture.clone(), read_frames(&step.capture)));
                cache.len() - 1
            }
        };
        let Some((_, read)) = cache.get(index) else {
            continue;
        };
        let frames = match read {
            Ok(frames) => frames,
            Err(e) => {
                problems.push(Problem {
                    line: step.lines.step,
                    message: format!("cannot read {}: {e}", step.capture.label()),
                });
                continue;
            }
        };
        let all = dissect_all(frames);
        let Some(d) = usize::try_from(step.packet)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| all.get(i))
        else {
            problems.push(Problem {
                line: step.lines.packet,
                message: format!(
                    "packet {} is beyond the capture: {} has {} packets",
                    step.packet,
                    step.capture.label(),
                    all.len()
                ),
            });
            continue;
        };
        if let Some(field) = step.field {
            let mut scratch = String::new();
            let mut fields = FieldList::new();
            d.emit_fields(&mut scratch, &mut fields);
            if fields.first(field).is_none() {
                problems.push(Problem {
                    line: step.lines.field,
                    message: format!(
                        "packet {} has no {} field (it is {})",
                        step.packet,
                        field.name(),
                        d.app.protocols
                    ),
                });
            }
        }
        if let Some(kind) = step.quiz {
            let i = (step.packet - 1) as usize;
            if quiz::question(kind, d, quiz::context_in(&all, i)).is_none() {
                problems.push(Problem {
                    line: step.lines.quiz,
                    message: format!(
                        "quiz {} does not apply to packet {} (it is {})",
                        kind.name(),
                        step.packet,
                        d.app.protocols
                    ),
                });
            }
        }
    }
    problems
}
