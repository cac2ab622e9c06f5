//! Lesson files: a lecturer's walk through a capture, in TOML (documented with examples in
//! lessons/README.md).
//!
//! ```toml
//! title = "UDP vs TCP"
//! capture = "../captures/scenarios/udp-vs-tcp-loopback.pcapng"  # relative to this file
//! # or: scenario = "udp-vs-tcp"                                   # built into sockeye
//!
//! [[step]]
//! title = "The handshake"
//! packet = 1               # frame number, from 1
//! view = "ladder"          # list | tree | hex | ladder | encap | diagram | explain
//! field = "tcp.flags.syn"  # optional: a Wireshark field name, highlighted
//! quiz = "next-seq"        # optional: next-seq | ack | header-length | checksum |
//!                          #           next-flags | ip-length
//! text = "What the lecturer says."
//! ```
//!
//! A step may name its own `capture` or `scenario`. TOML (rather than Markdown with front
//! matter) because serde and toml are already here and `toml::Spanned` gives every value's
//! position, so each problem is reported at its line.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::builtin::{self, BuiltinCapture};
use super::quiz::QuizKind;
use crate::field::FieldId;
use crate::source::{FileSource, SourceError};

/// What a step shows under the lecturer's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LessonView {
    List,
    Tree,
    Hex,
    Ladder,
    Encap,
    Diagram,
    Explain,
}

/// Where a step's packets come from.
#[derive(Debug, Clone)]
pub enum CaptureRef {
    File(PathBuf),
    Builtin(&'static BuiltinCapture),
}

impl CaptureRef {
    /// The name shown in the footer: the file's name, or the built-in file's.
    pub fn label(&self) -> String {
        match self {
            CaptureRef::File(p) => p
                .file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into()),
            CaptureRef::Builtin(b) => b.file.to_string(),
        }
    }

    /// The capture, opened for reading.
    pub fn open(&self) -> Result<FileSource, SourceError> {
        match self {
            CaptureRef::File(p) => FileSource::open(&p.to_string_lossy()),
            CaptureRef::Builtin(b) => FileSource::from_reader(Box::new(b.bytes)),
        }
    }

    /// The socket calls saved beside the capture's packets (`sockeye run -w`), if any.
    pub fn calls(&self) -> Vec<crate::endpoints::events::SocketEvent> {
        match self {
            CaptureRef::File(p) => crate::endpoints::saved::read_calls(&p.to_string_lossy()),
            CaptureRef::Builtin(b) => crate::endpoints::saved::read_calls_from(b.bytes),
        }
    }

    /// Same capture (two steps over one file are dissected once).
    pub fn same(&self, other: &CaptureRef) -> bool {
        match (self, other) {
            (CaptureRef::File(a), CaptureRef::File(b)) => a == b,
            (CaptureRef::Builtin(a), CaptureRef::Builtin(b)) => a.name == b.name,
            _ => false,
        }
    }
}

/// Lines (from 1) of a step's values, for the problems found later against its capture.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepLines {
    pub step: usize,
    pub packet: usize,
    pub field: usize,
    pub quiz: usize,
}

#[derive(Debug, Clone)]
pub struct LessonStep {
    pub title: String,
    pub text: String,
    pub capture: CaptureRef,
    /// Frame number, from 1.
    pub packet: u64,
    pub view: LessonView,
    pub field: Option<FieldId>,
    pub quiz: Option<QuizKind>,
    pub lines: StepLines,
}

#[derive(Debug, Clone)]
pub struct LessonFile {
    pub title: String,
    pub steps: Vec<LessonStep>,
}

/// One thing wrong with a lesson file, at its line (1-based; 0 = the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    #[error("cannot read the lesson file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {}", .problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid {
        path: String,
        problems: Vec<Problem>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    title: Option<String>,
    capture: Option<Spanned<String>>,
    scenario: Option<Spanned<String>>,
    #[serde(default)]
    step: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    title: Option<String>,
    capture: Option<Spanned<String>>,
    scenario: Option<Spanned<String>>,
    packet: Spanned<u64>,
    view: Spanned<LessonView>,
    field: Option<Spanned<String>>,
    #[serde(default)]
    text: String,
    quiz: Option<Spanned<QuizKind>>,
}

/// The 1-based line of byte `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at.min(text.len()))
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// Reads and parses the lesson file at `path` (captures resolved against its folder).
pub fn load(path: &Path) -> Result<LessonFile, LessonError> {
    let text = std::fs::read_to_string(path).map_err(|source| LessonError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse(&text, base).map_err(|problems| LessonError::Invalid {
        path: path.display().to_string(),
        problems,
    })
}

/// The lesson file at `path` with every problem it has, those its captures reveal
/// included (what `sockeye lesson --check` prints), sorted by line.
pub fn load_and_check(path: &Path) -> Result<(Option<LessonFile>, Vec<Problem>), LessonError> {
    let text = std::fs::read_to_string(path).map_err(|source| LessonError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    Ok(match parse_all(&text, base) {
        Ok((lesson, mut problems)) => {
            problems.extend(super::lesson_check::check(&lesson));
            problems.sort_by_key(|p| p.line);
            (Some(lesson), problems)
        }
        Err(problems) => (None, problems),
    })
}

/// Parses a lesson; file captures are relative to `base`. Every problem that needs no
/// capture is reported (syntax, unknown keys and views, fields not in the field table,
/// captures that do not exist); [`super::lesson_check::check`] adds those that need one.
pub fn parse(text: &str, base: &Path) -> Result<LessonFile, Vec<Problem>> {
    match parse_all(text, base)? {
        (lesson, problems) if problems.is_empty() => Ok(lesson),
        (_, problems) => Err(problems),
    }
}

/// [`parse`] that keeps going past the problems it can: the lesson holds the steps whose
/// capture resolved (so `--check` can look at them too), with every problem found. Only a
/// file that is not valid TOML (or not a lesson's shape) gives no lesson at all.
pub fn parse_all(text: &str, base: &Path) -> Result<(LessonFile, Vec<Problem>), Vec<Problem>> {
    let raw: RawLesson = toml::from_str(text).map_err(|e| {
        vec![Problem {
            line: e.span().map_or(0, |s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        }]
    })?;
    let mut problems = Vec::new();
    let at = |span: std::ops::Range<usize>| line_of(text, span.start);
    let top = resolve(
        raw.capture.as_ref(),
        raw.scenario.as_ref(),
        base,
        &at,
        &mut problems,
    );
    if raw.step.is_empty() {
        problems.push(Problem {
            line: 0,
            message: "the lesson has no steps: add a [[step]] table".into(),
        });
    }
    let mut steps = Vec::new();
    for (n, spanned) in raw.step.iter().enumerate() {
        let step_line = at(spanned.span());
        let s = spanned.get_ref();
        let own = resolve(
            s.capture.as_ref(),
            s.scenario.as_ref(),
            base,
            &at,
            &mut problems,
        );
        let capture = match (own, &top) {
            (Some(c), _) => Some(c),
            (None, Some(c)) => Some(c.clone()),
            (None, None) => {
                if s.capture.is_none()
                    && s.scenario.is_none()
                    && raw.capture.is_none()
                    && raw.scenario.is_none()
                {
                    problems.push(Problem {
                        line: step_line,
                        message: format!(
                            "step {} has no capture: give capture = \"FILE\" or scenario = \"NAME\" in the step or at the top",
                            n + 1
                        ),
                    });
                }
                None
            }
        };
        if *s.packet.get_ref() == 0 {
            problems.push(Problem {
                line: at(s.packet.span()),
                message: "packet numbers start at 1".into(),
            });
        }
        let field = s.field.as_ref().and_then(|f| {
            let name = f.get_ref();
            let id = FieldId::from_name(name);
            if id.is_none() {
                let hint = crate::field::suggest(name)
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                problems.push(Problem {
                    line: at(f.span()),
                    message: format!(
                        "'{name}' is not a field sockeye knows{hint}; `sockeye fields` lists them"
                    ),
                });
            }
            id
        });
        if let Some(capture) = capture {
            steps.push(LessonStep {
                title: s.title.clone().unwrap_or_else(|| format!("Step {}", n + 1)),
                text: s.text.trim().to_string(),
                capture,
                packet: *s.packet.get_ref(),
                view: *s.view.get_ref(),
                field,
                quiz: s.quiz.as_ref().map(|q| *q.get_ref()),
                lines: StepLines {
                    step: step_line,
                    packet: at(s.packet.span()),
                    field: s.field.as_ref().map_or(step_line, |f| at(f.span())),
                    quiz: s.quiz.as_ref().map_or(step_line, |q| at(q.span())),
                },
            });
        }
    }
    problems.sort_by_key(|p| p.line);
    Ok((
        LessonFile {
            title: raw.title.unwrap_or_else(|| "Lesson".into()),
            steps,
        },
        problems,
    ))
}

/// A `capture`/`scenario` pair resolved (at most one may be given; the file must exist).
fn resolve(
    capture: Option<&Spanned<String>>,
    scenario: Option<&Spanned<String>>,
    base: &Path,
    at: &dyn Fn(std::ops::Range<usize>) -> usize,
    problems: &mut Vec<Problem>,
) -> Option<CaptureRef> {
    match (capture, scenario) {
        (Some(c), Some(_)) => {
            problems.push(Problem {
                line: at(c.span()),
                message: "give either capture or scenario, not both".into(),
            });
            None
        }
        (Some(c), None) => {
            let path = base.join(c.get_ref());
            if path.is_file() {
                Some(CaptureRef::File(path))
            } else {
                problems.push(Problem {
                    line: at(c.span()),
                    message: format!(
                        "capture '{}' not found (looked for {})",
                        c.get_ref(),
                        path.display()
                    ),
                });
                None
            }
        }
        (None, Some(s)) => match builtin::capture(s.get_ref()) {
            Some(b) => Some(CaptureRef::Builtin(b)),
            None => {
                problems.push(Problem {
                    line: at(s.span()),
                    message: format!(
                        "no built-in scenario '{}': there are {}",
                        s.get_ref(),
                        builtin::capture_names()
                    ),
                });
                None
            }
        },
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_lesson_parses() {
        let lesson = parse(builtin::TCP_BASICS, Path::new(".")).unwrap();
        assert_eq!(lesson.steps.len(), 7);
        assert_eq!(lesson.steps[0].view, LessonView::Ladder);
        assert_eq!(lesson.steps[0].field, Some(FieldId::TcpFlagsSyn));
        assert_eq!(lesson.steps[3].packet, 15);
    }

    #[test]
    fn problems_carry_their_line() {
        let text = "title = \"x\"\nscenario = \"echo\"\n\n[[step]]\npacket = 1\nview = \"movie\"\n";
        let err = parse(text, Path::new(".")).unwrap_err();
        assert_eq!(err[0].line, 6, "{err:?}");
        assert!(err[0].message.contains("movie"), "{err:?}");
        let text =
            "scenario = \"echo\"\n[[step]]\npacket = 1\nview = \"tree\"\nfield = \"tcp.seqq\"\n";
        let err = parse(text, Path::new(".")).unwrap_err();
        assert_eq!(err[0].line, 5);
        assert!(err[0].message.contains("did you mean tcp.seq"), "{err:?}");
    }
}
