//! `sockeye lesson` and the lesson handout (`--export lesson FILE --format md|html`).

use clap::{Args, ValueEnum};

use super::{Cli, ExportFormatArg};
use crate::cmd;

/// `sockeye lesson [--check] FILE`.
#[derive(Debug, Args)]
pub struct LessonArgs {
    /// The lesson file (.toml).
    pub file: std::path::PathBuf,
    /// Only validate the file: print each problem as FILE:LINE: message (exit 1 if any).
    #[arg(long)]
    pub check: bool,
    /// Print the whole lesson as one handout instead of playing it: md (Markdown, each
    /// step's view in a fenced block, quiz answers folded away) or html (one
    /// self-contained page, the views also drawn as SVG). Same as --export lesson FILE.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "check")]
    pub export: Option<HandoutFormat>,
}

/// `sockeye lesson --export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HandoutFormat {
    Md,
    Html,
}

impl From<HandoutFormat> for crate::teach::handout::HandoutFormat {
    fn from(f: HandoutFormat) -> Self {
        match f {
            HandoutFormat::Md => crate::teach::handout::HandoutFormat::Markdown,
            HandoutFormat::Html => crate::teach::handout::HandoutFormat::Html,
        }
    }
}

/// `--export lesson LESSON --format md|html`: the same command as `sockeye lesson --export`.
pub(super) fn lesson_handout(cli: &Cli) -> anyhow::Result<cmd::Command> {
    let Some(path) = cli.lesson.clone() else {
        anyhow::bail!(
            "--export lesson needs the lesson file: --export lesson LESSON.toml --format md|html"
        );
    };
    if !cli.io.read.is_empty() {
        anyhow::bail!("--export lesson reads the captures its lesson file names: drop -r");
    }
    let export = match cli.io.export_format {
        None | Some(ExportFormatArg::Md) => HandoutFormat::Md,
        Some(ExportFormatArg::Html) => HandoutFormat::Html,
        Some(ExportFormatArg::Txt | ExportFormatArg::Svg) => {
            anyhow::bail!("--export lesson writes md or html: give --format md or --format html")
        }
    };
    Ok(cmd::Command::Lesson(cmd::lesson::LessonOptions {
        path,
        check: false,
        export: Some(export.into()),
    }))
}
