//! `sockeye lesson FILE` plays a lesson file; `sockeye lesson --check FILE` only validates
//! it, printing each problem as `FILE:LINE: message` (exit status 1 when there is one);
//! `sockeye lesson --export md|html FILE` (or `sockeye --export lesson FILE --format
//! md|html`) prints it as one handout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;

use crate::teach::handout::HandoutFormat;
use crate::teach::lesson_file::{self, LessonFile, Problem};

/// `sockeye lesson`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonOptions {
    pub path: PathBuf,
    pub check: bool,
    /// `--export md|html`: print the lesson as one handout in this format.
    pub export: Option<HandoutFormat>,
}

fn validate(path: &Path) -> anyhow::Result<(Option<LessonFile>, Vec<Problem>)> {
    Ok(lesson_file::load_and_check(path)?)
}

pub fn run(opts: &LessonOptions) -> anyhow::Result<ExitCode> {
    let (lesson, problems) = validate(&opts.path)?;
    let shown = opts.path.display();
    if opts.check {
        for p in &problems {
            println!("{shown}:{}: {}", p.line, p.message);
        }
        return Ok(match (&lesson, problems.len()) {
            (Some(l), 0) => {
                println!("{shown}: {} steps, no problems", l.steps.len());
                ExitCode::SUCCESS
            }
            (_, n) => {
                println!("{shown}: {n} problem{}", if n == 1 { "" } else { "s" });
                ExitCode::from(1)
            }
        });
    }
    if let (Some(lesson), true) = (lesson, problems.is_empty()) {
        if let Some(format) = opts.export {
            let text = crate::teach::handout::lesson_handout(&lesson, format)
                .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
            print!("{text}");
            return Ok(ExitCode::SUCCESS);
        }
        if !std::io::stdout().is_terminal() {
            bail!("the lesson is interactive: run it in a terminal (or check it with --check)");
        }
        crate::tui::lesson::run_file(lesson, crate::tui::ui::theme::Theme::no_color_env())?;
        return Ok(ExitCode::SUCCESS);
    }
    let list: Vec<String> = problems
        .iter()
        .map(|p| format!("{shown}:{}: {}", p.line, p.message))
        .collect();
    bail!("the lesson has problems:\n{}", list.join("\n"))
}
