//! Colouring rules, as Wireshark's: an ordered table of display filters, each with a
//! foreground and background; a packet takes the colours of the first rule it matches.
//! The filters are evaluated by the one filter engine (what `-Y` uses). The defaults are
//! tshark 4.0's own `colorfilters` file; a `colorfilters` file in the config directory
//! (Wireshark's format, `@Name@filter@[fg r,g,b][bg r,g,b]`, 16-bit channels) adds rules
//! that are tried first. Drawing turns the colours into styles; with NO_COLOR nothing is
//! coloured and the Info column's tags (`[TCP Retransmission]`) still say it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use crate::dissect::Dissection;
use crate::filter::{Filter, FrameMarks};

/// Wireshark 4.0's default rules, verbatim.
const DEFAULTS: &str = include_str!("colorfilters.default");

/// One rule: its name, its filter, its colours as 8-bit RGB.
#[derive(Debug, Clone)]
pub struct ColourRule {
    pub name: String,
    pub filter: Filter,
    pub fg: [u8; 3],
    pub bg: [u8; 3],
}

/// The rules in force, and the lines of the user's file that could not be used.
#[derive(Debug, Clone, Default)]
pub struct Colouring {
    pub rules: Vec<ColourRule>,
    pub problems: Vec<String>,
    /// Each packet's rule, once worked out: a redraw (every 40 ms live) then costs no
    /// filter evaluation. Keyed by the marks too, which a rule may read.
    cache: RefCell<HashMap<(usize, i64, FrameMarks), Option<usize>>>,
}

/// Packets whose rule is remembered before the cache starts again.
const CACHE: usize = 100_000;

impl Colouring {
    /// Wireshark's defaults.
    pub fn defaults() -> Colouring {
        // Compiled once per process: a rule naming a protocol sockeye does not decode
        // costs a failed parse (and its spelling suggestions), and every App starts here.
        static DEFAULT_RULES: std::sync::OnceLock<Vec<ColourRule>> = std::sync::OnceLock::new();
        Colouring {
            rules: DEFAULT_RULES.get_or_init(|| parse(DEFAULTS).0).clone(),
            ..Colouring::default()
        }
    }

    /// The user's `colorfilters` in `dir` (if any) before the defaults.
    pub fn with_user_file(dir: &Path) -> Colouring {
        let mut out = Colouring::defaults();
        let path = dir.join("colorfilters");
        if let Ok(text) = std::fs::read_to_string(&path) {
            let (mut rules, problems) = parse(&text);
            rules.append(&mut out.rules);
            out.rules = rules;
            out.problems = problems
                .into_iter()
                .map(|p| format!("{}: {p}", path.display()))
                .collect();
        }
        out
    }

    /// The first rule `d` matches.
    pub fn rule_for(&self, d: &Dissection<'_>, marks: FrameMarks) -> Option<&ColourRule> {
        // The timestamp too: a new live store (another interface) numbers from 1 again.
        let key = (
            (d.info.number as usize).saturating_sub(1),
            d.info.ts_ns,
            marks,
        );
        let known = self.cache.borrow().get(&key).copied();
        let at = known.unwrap_or_else(|| {
            let at = self
                .rules
                .iter()
                .position(|r| r.filter.matches_marked(d, marks));
            let mut cache = self.cache.borrow_mut();
            if cache.len() >= CACHE {
                cache.clear();
            }
            cache.insert(key, at);
            at
        });
        self.rules.get(at?)
    }
}

/// Parses a colorfilters text: the rules that can be used, and why the others cannot.
/// A disabled rule (`!@…`) and comments are skipped silently.
pub fn parse(text: &str) -> (Vec<ColourRule>, Vec<String>) {
    let mut rules = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        match rule(line) {
            Ok(Some(r)) => rules.push(r),
            Ok(None) => {}
            Err(why) => problems.push(format!("line {}: {why}", n + 1)),
        }
    }
    (rules, problems)
}

/// `@Name@filter@[fg][bg]`. `Ok(None)`: a rule about protocols sockeye does not decode.
fn rule(line: &str) -> Result<Option<ColourRule>, String> {
    let mut parts = line
        .strip_prefix('@')
        .ok_or("a rule starts with @")?
        .split('@');
    let name = parts.next().ok_or("no name")?;
    let filter = parts.next().ok_or("no filter")?;
    let colours = parts.next().ok_or("no colours")?;
    let (fg, bg) = colours_of(colours).ok_or("colours are [r,g,b][r,g,b]")?;
    let Some(filter) = usable_filter(filter) else {
        return Ok(None);
    };
    Ok(Some(ColourRule {
        name: name.to_string(),
        filter,
        fg,
        bg,
    }))
}

/// The filter as sockeye can evaluate it. Wireshark's rules name protocols sockeye does not
/// decode (`hsrp`, `smb`): in an `||`, such an alternative is absent in every packet here,
/// so it is dropped and the rest kept; a rule with nothing left is never true.
fn usable_filter(text: &str) -> Option<Filter> {
    if let Ok(f) = Filter::parse(text) {
        return Some(f);
    }
    let kept: Vec<&str> = top_level_or(text)
        .into_iter()
        .filter(|alt| Filter::parse(alt).is_ok())
        .collect();
    if kept.is_empty() {
        return None;
    }
    Filter::parse(&kept.join(" || ")).ok()
}

/// Splits on `||` outside parentheses and quotes.
fn top_level_or(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0usize);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'"') => quoted = !quoted,
            Some(b'(') if !quoted => depth += 1,
            Some(b')') if !quoted => depth -= 1,
            Some(b'|') if !quoted && depth == 0 && bytes.get(i + 1) == Some(&b'|') => {
                out.push(text.get(start..i).unwrap_or("").trim());
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(text.get(start..).unwrap_or("").trim());
    out
}

/// `[4718,10030,11796][63479,34695,34695]` (16-bit channels) as two 8-bit colours.
fn colours_of(text: &str) -> Option<([u8; 3], [u8; 3])> {
    let mut triples = text
        .split(['[', ']'])
        .filter(|s| !s.trim().is_empty())
        .map(|t| {
            let v: Vec<u8> = t
                .split(',')
                .filter_map(|c| c.trim().parse::<u32>().ok())
                .map(|c| (c.min(65535) >> 8) as u8)
                .collect();
            <[u8; 3]>::try_from(v.as_slice()).ok()
        });
    Some((triples.next()??, triples.next()??))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_load() {
        let c = Colouring::defaults();
        let names: Vec<&str> = c.rules.iter().map(|r| r.name.as_str()).collect();
        for name in [
            "Bad TCP",
            "ICMP errors",
            "ARP",
            "ICMP",
            "TCP RST",
            "HTTP",
            "TCP SYN/FIN",
            "TCP",
            "UDP",
        ] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        let bad = c.rules.first().map(|r| (r.fg, r.bg));
        assert_eq!(bad, Some(([18, 39, 46], [247, 135, 135])));
    }

    #[test]
    fn user_lines_and_problems() {
        let (rules, problems) = parse(
            "# mine\n@Mine@tcp.port == 8080@[0,0,0][65535,0,0]\n!@Off@udp@[0,0,0][0,0,0]\n@Broken@tcp.port ==@[0,0,0][0,0,0]\nnonsense\n",
        );
        assert_eq!(rules.len(), 1);
        assert_eq!(rules.first().map(|r| r.bg), Some([255, 0, 0]));
        // The broken filter names nothing sockeye lacks: it is skipped as unusable.
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            top_level_or("a || (b || c) || \"x||y\""),
            vec!["a", "(b || c)", "\"x||y\""]
        );
    }
}
