//! Quiz mode in the UI: `Q` on a TCP/UDP packet asks a question about a value the views
//! then hide (in the details tree, the diagrams and the Info column), the student types
//! the answer, Enter says right or wrong and why; `Q` again asks the next kind of
//! question. The score lasts the session. The questions and the verdicts are
//! `teach::quiz`'s, computed from the store's dissections.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::dissect::Dissection;
use crate::field::FieldId;
use crate::store::lock;
use crate::teach::quiz::{self, Question, QuizKind, Verdict};

use super::tree::TreeRow;
use super::App;

/// How far around the selected packet the quiz looks for the peer's segment and the
/// stream's next one (a bound, so a key press never walks a whole large capture).
const CONTEXT_WINDOW: usize = 2000;

/// The open question, what has been typed, and the verdict once answered.
#[derive(Debug, Clone)]
pub struct OpenQuiz {
    /// Index of the packet asked about.
    pub packet: usize,
    pub question: Question,
    pub typed: String,
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, Default)]
pub struct QuizState {
    pub open: Option<OpenQuiz>,
    /// Right answers and questions answered, this session.
    pub right: u32,
    pub answered: u32,
    last: Option<QuizKind>,
}

impl QuizState {
    /// Whether the student is typing an answer (keys go to the answer, not the keymap).
    pub fn typing(&self) -> bool {
        self.open.as_ref().is_some_and(|q| q.verdict.is_none())
    }

    /// The fields the views must not show now, for packet `index`.
    pub fn hidden(&self, index: usize) -> &'static [FieldId] {
        match &self.open {
            Some(q) if q.verdict.is_none() && q.packet == index => q.question.kind.hides(),
            _ => &[],
        }
    }

    /// Whether what packet `index` says of itself (its Info column, its ladder arrow) must
    /// be hidden now (see [`QuizKind::hides_info`]).
    pub fn hides_info(&self, index: usize) -> bool {
        match &self.open {
            Some(q) if q.verdict.is_none() => q.question.kind.hides_info(index, q.packet),
            _ => false,
        }
    }

    /// The label of packet `index`'s arrow on the ladder now (see
    /// [`QuizKind::ladder_label`]).
    pub fn ladder_label(&self, index: usize, label: &str) -> String {
        match &self.open {
            Some(q) if q.verdict.is_none() => q.question.kind.ladder_label(index, q.packet, label),
            _ => label.to_string(),
        }
    }

    /// Hides the asked-for values in the details tree of packet `index`: the value of a
    /// hidden field becomes `??`; a checksum line keeps its value but loses its verdict;
    /// the TCP line's summary loses its `Ack:`.
    pub fn mask_rows(&self, index: usize, d: &Dissection<'_>, rows: &mut [TreeRow]) {
        let hidden = self.hidden(index);
        let Some(kind) = self.open.as_ref().map(|q| q.question.kind) else {
            return;
        };
        if hidden.is_empty() && kind != QuizKind::Checksum {
            return;
        }
        let mut scratch = String::new();
        let mut fields = crate::decode::FieldList::new();
        d.emit_fields(&mut scratch, &mut fields);
        for row in rows.iter_mut() {
            let Some(id) = row.field.and_then(|i| fields.fields.get(i)).map(|f| f.id) else {
                continue;
            };
            if hidden.contains(&id) {
                row.text = mask_value(&row.text);
            } else if kind == QuizKind::Checksum
                && matches!(id, FieldId::TcpChecksum | FieldId::UdpChecksum)
            {
                if let Some(cut) = row.text.find(" [") {
                    row.text.truncate(cut);
                }
            } else if kind == QuizKind::Ack && id == FieldId::Tcp {
                row.text = mask_after(&row.text, "Ack: ");
            }
        }
    }

    pub fn score(&self) -> String {
        format!("{}/{}", self.right, self.answered)
    }
}

impl App {
    /// Asks a question about the selected packet: `kind`, or (None) the next kind after
    /// the last one asked that applies to this packet.
    pub fn start_quiz(&mut self, kind: Option<QuizKind>) {
        if self.selected >= self.visible {
            self.message = Some("quiz: no packet selected".into());
            return;
        }
        let kinds: Vec<QuizKind> = match kind {
            Some(k) => vec![k],
            None => {
                let start = self
                    .quiz
                    .last
                    .and_then(|l| QuizKind::ALL.iter().position(|k| *k == l))
                    .map_or(0, |p| p + 1);
                (0..QuizKind::ALL.len())
                    .filter_map(|i| QuizKind::ALL.get((start + i) % QuizKind::ALL.len()))
                    .copied()
                    .collect()
            }
        };
        let question = {
            let store = Arc::clone(&self.store);
            let store = lock(&store);
            let from = self.selected.saturating_sub(CONTEXT_WINDOW);
            let to = (self.selected + CONTEXT_WINDOW).min(self.visible);
            let all: Vec<Dissection<'_>> = (from..to).filter_map(|i| store.dissect(i)).collect();
            let at = self.selected - from;
            // `all` has every index of the window (the store dissects any stored packet),
            // so `at` is the selected packet.
            all.get(at).and_then(|d| {
                let ctx = quiz::context_in(&all, at);
                kinds.iter().find_map(|k| quiz::question(*k, d, ctx))
            })
        };
        match question {
            Some(question) => {
                self.quiz.last = Some(question.kind);
                self.quiz.open = Some(OpenQuiz {
                    packet: self.selected,
                    question,
                    typed: String::new(),
                    verdict: None,
                });
                // The details cursor goes to the hidden value, so the `??` is in view and
                // its bytes are lit in the hex pane.
                if let Some(row) = self
                    .selected_tree()
                    .iter()
                    .position(|r| r.text.contains(": ??"))
                {
                    self.detail_cursor = row;
                }
            }
            None => {
                self.message = Some(match kind {
                    Some(k) => format!("quiz: {} does not apply to this packet", k.name()),
                    None => "quiz: pick a TCP or UDP packet".into(),
                })
            }
        }
    }

    pub fn quiz_type(&mut self, c: char) {
        if let Some(q) = self.quiz.open.as_mut().filter(|q| q.verdict.is_none()) {
            if q.typed.chars().count() < 40 {
                q.typed.push(c);
            }
        }
    }

    pub fn quiz_backspace(&mut self) {
        if let Some(q) = self.quiz.open.as_mut() {
            q.typed.pop();
        }
    }

    /// Enter: judges the answer (an empty one is not judged).
    pub fn quiz_submit(&mut self) {
        let Some(q) = self.quiz.open.as_mut().filter(|q| q.verdict.is_none()) else {
            return;
        };
        if q.typed.trim().is_empty() {
            return;
        }
        let verdict = quiz::check(&q.question, &q.typed);
        self.quiz.answered += 1;
        if verdict.right {
            self.quiz.right += 1;
        }
        q.verdict = Some(verdict);
    }

    /// Esc: closes the question (unanswered, it does not count).
    pub fn quiz_close(&mut self) {
        self.quiz.open = None;
    }
}

/// `Header Length: 32 bytes (8)` → `Header Length: ??`.
fn mask_value(text: &str) -> String {
    let close = if text.trim_start().starts_with('[') {
        "]"
    } else {
        ""
    };
    match text.rfind(": ") {
        Some(at) => format!("{}: ??{close}", text.get(..at).unwrap_or(text)),
        None => format!("{text} ??"),
    }
}

/// `…, Ack: 7, Len: 6` → `…, Ack: ??, Len: 6`.
fn mask_after(text: &str, label: &str) -> String {
    let Some(at) = text.find(label) else {
        return text.to_string();
    };
    let start = at + label.len();
    let rest = text.get(start..).unwrap_or("");
    let end = rest.find(',').unwrap_or(rest.len());
    format!(
        "{}??{}",
        text.get(..start).unwrap_or(""),
        rest.get(end..).unwrap_or("")
    )
}

impl App {
    /// Keys while a question is open: typing goes to the answer, Enter judges it, Esc
    /// closes the question. Returns whether the key was the quiz's.
    pub(super) fn quiz_key(&mut self, ev: KeyEvent) -> bool {
        if self.quiz.open.is_none() {
            return false;
        }
        if ev.code == KeyCode::Esc {
            self.quiz_close();
            return true;
        }
        if !self.quiz.typing() || ev.modifiers.contains(KeyModifiers::CONTROL) {
            return false;
        }
        match ev.code {
            KeyCode::Enter => self.quiz_submit(),
            KeyCode::Backspace => self.quiz_backspace(),
            KeyCode::Char(c) => self.quiz_type(c),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_label() {
        assert_eq!(
            mask_value("    1000 .... = Header Length: 32 bytes (8)"),
            "    1000 .... = Header Length: ??"
        );
        assert_eq!(
            mask_after("TCP, Src Port: 1, Seq: 1, Ack: 7, Len: 6", "Ack: "),
            "TCP, Src Port: 1, Seq: 1, Ack: ??, Len: 6"
        );
        assert_eq!(
            QuizKind::Ack.ladder_label(3, 3, "[ACK] Seq=1 Ack=7 Win=5 Len=0"),
            "[ACK] Seq=1 Ack=?? Win=5 Len=0"
        );
        assert_eq!(
            QuizKind::Ack.ladder_label(3, 3, "[SYN] Seq=0 Len=0"),
            "[SYN] Seq=0 Len=0"
        );
        assert_eq!(
            QuizKind::NextSeq.ladder_label(4, 3, "[ACK] Seq=7"),
            "·· (quiz)"
        );
    }
}
