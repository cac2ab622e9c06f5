//! The filter bar's memory and completion, as Wireshark's filter toolbar has them: ↑/↓
//! walk the filters applied before, Tab completes the field name being typed (or, after a
//! comparison operator, a value that field had in the packets shown).

use std::collections::BTreeSet;

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, PromptKind};
use crate::decode::FieldList;
use crate::field::{FieldSet, FIELDS};
use crate::filter::ast::{FieldRef, Virtual};
use crate::filter::build::field_expr;
use crate::store::lock;

/// Packets looked at for values seen (the bar must answer at once on a big capture).
const VALUE_SCAN: usize = 5000;
/// Values offered at most.
const MAX_VALUES: usize = 50;

impl App {
    /// ↑, ↓ and Tab in the search bar. Returns whether the key was taken.
    pub(super) fn bar_key(&mut self, ev: &KeyEvent) -> bool {
        if self
            .prompt
            .as_ref()
            .is_none_or(|p| p.kind != PromptKind::Search)
        {
            return false;
        }
        match ev.code {
            KeyCode::Up => self.history_step(true),
            KeyCode::Down => self.history_step(false),
            KeyCode::Tab => self.complete(),
            _ => {
                self.analyst.completions.clear();
                return false;
            }
        }
        true
    }

    fn history_step(&mut self, older: bool) {
        let history = &self.analyst.history;
        if history.is_empty() {
            return;
        }
        let at = match (self.analyst.history_at, older) {
            (None, true) => Some(history.len() - 1),
            (None, false) => None,
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) => (i + 1 < history.len()).then_some(i + 1),
        };
        self.analyst.history_at = at;
        if let Some(p) = &mut self.prompt {
            p.text = at.and_then(|i| history.get(i)).cloned().unwrap_or_default();
        }
    }

    fn complete(&mut self) {
        let Some(text) = self.prompt.as_ref().map(|p| p.text.clone()) else {
            return;
        };
        let (head, word) = split_last_word(&text);
        let context = value_context(head);
        let candidates = match context {
            Some(field) => self.values_seen(field, word),
            None => field_names(word),
        };
        let Some(first) = candidates.first() else {
            self.analyst.completions.clear();
            self.message = Some(format!("nothing completes {word:?}"));
            return;
        };
        let common = candidates.iter().fold(first.clone(), |acc, c| {
            let n = acc
                .chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .count();
            acc.chars().take(n).collect()
        });
        // One candidate ends the word (a space follows) unless it is a name with longer
        // names under it (`tcp.flags` → `tcp.flags.syn`).
        let single = candidates.len() == 1;
        let done = single && (context.is_some() || field_names(&format!("{common}.")).is_empty());
        if let Some(p) = &mut self.prompt {
            p.text = format!("{head}{common}{}", if done { " " } else { "" });
        }
        self.analyst.completions = if single { Vec::new() } else { candidates };
    }

    /// Distinct values `field` has in the shown packets, as filter literals, that start
    /// with `prefix`.
    fn values_seen(&self, field: FieldRef, prefix: &str) -> Vec<String> {
        let mut want = FieldSet::new();
        for id in field.ids() {
            want.insert(id);
        }
        let store = lock(&self.store);
        let mut seen = BTreeSet::new();
        let mut scratch = String::new();
        for i in (0..self.visible)
            .filter(|&i| self.is_row(i))
            .take(VALUE_SCAN)
        {
            let Some(d) = store.dissect(i) else { continue };
            scratch.clear();
            let mut fields = FieldList::wanting(want);
            d.emit_fields(&mut scratch, &mut fields);
            for f in fields.iter() {
                let expr = field_expr(f);
                if let Some((_, value)) = expr.split_once(" == ") {
                    if value.starts_with(prefix) {
                        seen.insert(value.to_string());
                    }
                }
            }
            if seen.len() >= MAX_VALUES {
                break;
            }
        }
        seen.into_iter().collect()
    }
}

/// The text before the word being typed, and the word.
fn split_last_word(text: &str) -> (&str, &str) {
    let cut = text
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || "()!&|{},".contains(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    text.split_at(cut)
}

/// After `field ==` (or another comparison), the field whose values complete.
fn value_context(head: &str) -> Option<FieldRef> {
    let mut words = head.split_whitespace().rev();
    let op = words.next()?;
    if !matches!(
        op,
        "==" | "!=" | "eq" | "ne" | "<" | ">" | "<=" | ">=" | "lt" | "gt" | "le" | "ge"
    ) {
        return None;
    }
    let name = words.next()?.trim_start_matches(['(', '!']);
    FieldRef::from_name(name)
}

/// Field names (the table's and Wireshark's either-side aliases) starting with `prefix`:
/// the next name part only (`tcp.fl` offers `tcp.flags`, then `tcp.flags.syn` …), as
/// Wireshark's bar offers one level at a time.
fn field_names(prefix: &str) -> Vec<String> {
    let names = FIELDS
        .iter()
        .map(|d| d.name)
        .chain(Virtual::ALL.iter().map(|v| v.name()));
    let mut out = BTreeSet::new();
    for name in names.filter(|n| n.starts_with(prefix)) {
        let rest = name.get(prefix.len()..).unwrap_or("");
        // Up to the next dot after at least one character typed past the prefix.
        let cut = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        out.insert(format!("{prefix}{}", rest.get(..cut).unwrap_or(rest)));
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_one_level_at_a_time() {
        let names = field_names("tcp.fl");
        assert_eq!(names, vec!["tcp.flags".to_string()]);
        let names = field_names("tcp.flags.");
        assert!(names.contains(&"tcp.flags.syn".to_string()), "{names:?}");
        assert!(field_names("ip.ad").contains(&"ip.addr".to_string()));
        assert!(field_names("zzz").is_empty());
    }

    #[test]
    fn where_a_value_goes() {
        assert_eq!(
            value_context("ip.src == "),
            Some(FieldRef::Real(crate::field::FieldId::IpSrc))
        );
        assert_eq!(value_context("tcp && ip.src "), None);
        assert_eq!(split_last_word("tcp && ip.s"), ("tcp && ", "ip.s"));
        assert_eq!(split_last_word("(ip.s"), ("(", "ip.s"));
    }
}
