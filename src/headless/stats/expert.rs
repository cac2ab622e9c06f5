//! `-z expert[,LEVEL][,FILTER]`: the expert items grouped by severity, as tshark prints them.

use std::fmt::Write as _;

use crate::stats::expert::{ExpertTable, Severity};

/// tshark's layout: a section per severity that has items, most severe first; each
/// message once with how often it occurred.
pub fn render(table: &ExpertTable, lowest: Severity) -> String {
    let mut out = String::new();
    for severity in Severity::DESCENDING {
        let groups = table.groups(severity);
        if severity < lowest || groups.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "\n{} ({})\n=============\n   Frequency      Group           Protocol  Summary\n",
            severity.plural(),
            table.count(severity)
        );
        for g in groups {
            let _ = writeln!(
                out,
                "{:>12} {:>10} {:>18}  {}",
                g.frames.len(),
                g.group.to_string(),
                g.protocol,
                g.summary
            );
        }
    }
    out
}
