//! A lesson's handout as one self-contained HTML page: inline CSS, each step's view drawn
//! as inline SVG (ladder with its socket calls, encapsulation, header diagrams) and as
//! text in a `<pre>`, the lecturer's text and the narration, quiz answers folded away in
//! `<details>`. No scripts, fonts or images are fetched: the file can be mailed, printed or
//! opened offline.
//!
//! The page is written as polyglot XHTML (an XML namespace, every element closed), so any
//! XML parser reads it as well as a browser does. Everything from the capture or the
//! lesson file goes through [`escape`].

use std::fmt::Write as _;

use super::handout::{Handout, HandoutStep};
use super::markup::escape;

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; max-width: 62rem;
  margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #335; padding-bottom: .3rem; }
section.step { margin: 2.5rem 0; page-break-inside: avoid; }
h2 { color: #335; margin-bottom: .2rem; }
p.source { color: #666; font-style: italic; margin-top: 0; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
pre { background: #f6f7f9; border: 1px solid #ddd; padding: .6rem; overflow-x: auto;
  font-size: .8rem; line-height: 1.25; }
p.narration { background: #eef3fb; padding: .5rem .7rem; border-left: 4px solid #335; }
div.quiz { border: 1px dashed #b00; padding: .2rem .8rem; }
details summary { cursor: pointer; color: #335; }
@media print { body { max-width: none; margin: 0; } pre { font-size: 7pt; } }
";

/// The handout as a complete HTML document.
pub fn html(handout: &Handout) -> String {
    let title = escape(&handout.title);
    let mut page = String::new();
    let _ = writeln!(page, "<!DOCTYPE html>");
    let _ = writeln!(
        page,
        r#"<html xmlns="http://www.w3.org/1999/xhtml" lang="en">"#
    );
    let _ = writeln!(page, "<head>");
    let _ = writeln!(page, r#"<meta charset="utf-8"/>"#);
    let _ = writeln!(
        page,
        r#"<meta name="generator" content="sockeye {}"/>"#,
        escape(env!("CARGO_PKG_VERSION"))
    );
    let _ = writeln!(page, "<title>{title}</title>");
    let _ = writeln!(page, "<style>{STYLE}</style>");
    let _ = writeln!(page, "</head>");
    let _ = writeln!(page, "<body>");
    let _ = writeln!(page, "<h1>{title}</h1>");
    for (n, step) in handout.steps.iter().enumerate() {
        write_step(&mut page, n + 1, step);
    }
    let _ = writeln!(page, "</body>");
    let _ = writeln!(page, "</html>");
    page
}

fn write_step(page: &mut String, number: usize, step: &HandoutStep) {
    let _ = writeln!(page, r#"<section class="step" id="step-{number}">"#);
    let _ = writeln!(page, "<h2>Step {number}: {}</h2>", escape(&step.title));
    let _ = writeln!(
        page,
        r#"<p class="source">{}, packet {}</p>"#,
        escape(&step.capture),
        step.packet
    );
    // The lecturer's paragraphs: blank lines separate them, as in the lesson file.
    for paragraph in step
        .text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let _ = writeln!(page, r#"<p class="text">{}</p>"#, escape(paragraph));
    }
    if let Some(svg) = &step.figure {
        // The SVG is sockeye's own drawing; every text inside it was escaped as it was
        // written.
        let _ = write!(page, r#"<figure class="view">{svg}</figure>"#);
        page.push('\n');
    }
    if let Some(text) = &step.view_text {
        let _ = writeln!(
            page,
            r#"<pre class="view">{}</pre>"#,
            escape(text.trim_end())
        );
    }
    let narration = format!(
        r#"<p class="narration"><strong>This packet:</strong> {}</p>"#,
        escape(&step.narration)
    );
    match &step.quiz {
        None => {
            let _ = writeln!(page, "{narration}");
        }
        // The narration may say the answer: it is folded away with it.
        Some(q) => {
            let _ = writeln!(
                page,
                concat!(
                    r#"<div class="quiz"><p><strong>Quiz:</strong> {}</p>"#,
                    r#"<details><summary>Answer</summary><p class="answer">{}: {}</p>{}</details></div>"#
                ),
                escape(&q.ask),
                escape(&q.answer.text()),
                escape(&q.why),
                narration
            );
        }
    }
    let _ = writeln!(page, "</section>");
}
