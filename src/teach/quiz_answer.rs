//! Reading what the student typed as an answer, and the verdict with its working.

use super::{checksum_word, flag_names, Answer, Question, Verdict, FLAGS};

/// The student's text read as an answer of the same kind, or why it cannot be.
fn parse(expected: &Answer, typed: &str) -> Result<Answer, String> {
    let t = typed.trim();
    match expected {
        Answer::Number(_) => {
            let n = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => t.parse::<u64>(),
            };
            n.map(Answer::Number)
                .map_err(|_| format!("'{t}' is not a number"))
        }
        Answer::Flags(_) => {
            let mut bits = 0u16;
            for word in t
                .split(|c: char| c == ',' || c == '+' || c == '|' || c.is_whitespace())
                .filter(|w| !w.is_empty())
            {
                let word = word
                    .trim_matches(|c| c == '[' || c == ']')
                    .to_ascii_uppercase();
                let word = if word == "NS" { "AE".to_string() } else { word };
                match FLAGS.iter().find(|(_, n)| *n == word) {
                    Some((b, _)) => bits |= b,
                    None if word == "NONE" || word == "<NONE>" => {}
                    None => return Err(format!("'{word}' is not a TCP flag")),
                }
            }
            Ok(Answer::Flags(bits))
        }
        Answer::Checksum(_) => {
            let w = t.to_ascii_lowercase();
            let status = match w.as_str() {
                "bad" | "wrong" | "incorrect" | "invalid" => 0,
                "good" | "ok" | "correct" | "valid" | "right" => 1,
                "unverified" | "unknown" | "cannot tell" => 2,
                "not present" | "none" | "absent" | "missing" | "0" => 3,
                _ => {
                    return Err(format!(
                        "'{t}': answer good, bad, unverified or not present"
                    ))
                }
            };
            Ok(Answer::Checksum(status))
        }
    }
}

/// Right or wrong, and why (the arithmetic), for what the student typed.
pub fn check(q: &Question, typed: &str) -> Verdict {
    let right_text = q.answer.text();
    match parse(&q.answer, typed) {
        Ok(a) if a == q.answer => Verdict {
            right: true,
            text: format!("Right, {right_text}: {}", q.why),
        },
        Ok(a) => Verdict {
            right: false,
            text: format!(
                "Not quite: you said {}, the answer is {right_text}. Because {}",
                a.text(),
                q.why
            ),
        },
        Err(why_not) => Verdict {
            right: false,
            text: format!("{why_not}; the answer is {right_text}. Because {}", q.why),
        },
    }
}

/// A wrong answer of the right form (for tests and for showing what a mistake looks like).
pub fn wrong_answer(a: &Answer) -> String {
    match *a {
        Answer::Number(n) => n.wrapping_add(1).to_string(),
        Answer::Flags(bits) => flag_names(bits ^ 0x004),
        Answer::Checksum(s) => checksum_word(if s == 1 { 0 } else { 1 }).to_string(),
    }
}
