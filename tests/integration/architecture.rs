//! The layers stack one way (see the map in src/lib.rs): no two top-level modules of the
//! library reach each other, directly or round a loop; nothing below the CLI knows clap or
//! imports the CLI module. Read from the source text, so a new import that breaks the
//! layering fails here, not in review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::kit;

/// The code of a file without comments and without its unit-test module (by convention the
/// last item, after `#[cfg(test)]`).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every top-level module named after `crate::` in `code`, `use crate::{a, b::c}` included.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Split at the group's own commas (not those of nested groups), up to its `}`.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(item.trim()));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            out.insert(ident(item.trim()));
            out.remove("");
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Top-level module → the top-level modules its (non-test) code uses, and which modules use
/// clap.
fn graph() -> (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>) {
    let src = kit::root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut clap = BTreeSet::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel.iter().next().unwrap().to_string_lossy().to_string();
        let name = rel.file_name().unwrap().to_string_lossy().to_string();
        if first == "main.rs" || first == "lib.rs" || first == "bin" || name.contains("tests") {
            continue;
        }
        let top = first.trim_end_matches(".rs").to_string();
        let code = code(&std::fs::read_to_string(&file).unwrap());
        if code.contains("clap::") || code.contains("use clap") {
            clap.insert(top.clone());
        }
        let refs = crate_refs(&code);
        let entry = edges.entry(top.clone()).or_default();
        entry.extend(refs.into_iter().filter(|r| *r != top));
    }
    let tops: BTreeSet<String> = edges.keys().cloned().collect();
    for targets in edges.values_mut() {
        targets.retain(|t| tops.contains(t));
    }
    (edges, clap)
}

/// Modules on some loop (Tarjan's strongly connected components of size > 1).
fn loops(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    // Reachability is enough at this size: a and b share a loop when each reaches the other.
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(m) = todo.pop() {
            for next in edges.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|m| (m, reach(m))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for (m, r) in &reaches {
        if !r.contains(*m) || out.iter().any(|c| c.contains(*m)) {
            continue;
        }
        let comp: BTreeSet<String> = reaches
            .iter()
            .filter(|(n, rn)| rn.contains(*m) && r.contains(**n))
            .map(|(n, _)| (*n).clone())
            .collect();
        out.push(comp);
    }
    out
}

#[test]
fn top_level_modules_form_no_loop() {
    let (edges, _) = graph();
    assert!(edges.len() > 15, "{edges:?}");
    let found = loops(&edges);
    assert!(
        found.is_empty(),
        "these modules reach each other: {found:?}\n{edges:#?}"
    );
}

/// What a file of the terminal program's state names of drawing: the drawing modules,
/// the lesson player (which drives the state) and ratatui's drawing types.
fn drawing_refs(code: &str) -> Vec<&'static str> {
    [
        "tui::ui",
        "tui::lesson",
        "super::super::ui",
        "super::super::lesson",
        "ratatui::widgets",
        "ratatui::buffer",
        "ratatui::style",
        "ratatui::text",
    ]
    .into_iter()
    .filter(|needle| code.contains(needle))
    .collect()
}

/// The terminal program is one folder, `tui`: its state (`tui/app`) and its geometry
/// (`tui/app/layout.rs`, shared by drawing and mouse hit-testing) never import drawing, so
/// the state can be driven and tested without a screen.
#[test]
fn the_state_never_imports_drawing() {
    let tui = kit::root().join("src/tui");
    let mut files = Vec::new();
    walk(&tui.join("app"), &mut files);
    assert!(files.len() > 10, "{files:?}");
    let mut offenders = Vec::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        if name.contains("tests") {
            continue;
        }
        let refs = drawing_refs(&code(&std::fs::read_to_string(&file).unwrap()));
        if !refs.is_empty() {
            offenders.push(format!("{}: {refs:?}", file.display()));
        }
    }
    assert!(
        offenders.is_empty(),
        "state that imports drawing: {offenders:#?}"
    );
    assert_eq!(
        drawing_refs("use crate::tui::ui::theme::Theme;\nlet x = 1;"),
        ["tui::ui"]
    );
    assert_eq!(
        drawing_refs("use super::super::lesson::Step;"),
        ["super::super::lesson"]
    );
    assert!(drawing_refs("use crate::tui::app::layout::{Pane, PaneSplit};").is_empty());
}

#[test]
fn only_the_cli_knows_clap() {
    let (edges, clap) = graph();
    assert_eq!(clap, BTreeSet::from(["cli".to_string()]));
    let importers: Vec<&String> = edges
        .iter()
        .filter(|(m, to)| m.as_str() != "cli" && to.contains("cli"))
        .map(|(m, _)| m)
        .collect();
    assert!(importers.is_empty(), "{importers:?} import the CLI module");
}

#[test]
fn the_scanner_sees_imports_and_loops() {
    let refs = crate_refs("use crate::{a::B, b, c::{d, e}};\nlet x = crate::f::g();");
    assert_eq!(
        refs,
        ["a", "b", "c", "f"].iter().map(|s| s.to_string()).collect()
    );
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("x", vec!["y"]),
        ("y", vec!["z"]),
        ("z", vec!["x"]),
        ("w", vec!["x"]),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
    .collect();
    let found = loops(&edges);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0],
        ["x", "y", "z"].iter().map(|s| s.to_string()).collect()
    );
}
