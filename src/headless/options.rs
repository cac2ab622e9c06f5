//! Validated output options for the headless reader (from `-T`, `-e`, `-E`, `-V`).

use crate::decode::Interest;
use crate::field::{self, FieldId, FieldSet};
use crate::filter::Virtual;

/// One `-e` column: a field, or a name such as `ip.addr` that stands for several (its
/// occurrences are theirs, in the packet's order, as tshark prints them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldColumn {
    pub name: &'static str,
    pub parts: Vec<FieldId>,
}

impl FieldColumn {
    pub fn resolve(name: &str) -> Option<FieldColumn> {
        if let Some(id) = FieldId::from_name(name) {
            return Some(FieldColumn {
                name: id.name(),
                parts: vec![id],
            });
        }
        Virtual::ALL
            .into_iter()
            .find(|v| v.name() == name)
            .map(|v| FieldColumn {
                name: v.name(),
                parts: v.parts().to_vec(),
            })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum OutputMode {
    /// One tcpdump-like line per packet.
    Summary,
    /// `-T fields`: these columns.
    Fields(Columns),
    /// `-T json`: tshark's JSON array.
    Json,
    /// `-T ek`: tshark's Elasticsearch bulk lines (an index line, then the packet).
    Ek,
    /// `-V`: the whole layer tree.
    Tree,
    /// Nothing per packet (e.g. `-w` while only statistics are wanted).
    Quiet,
}

/// The `-e` columns, and what producing them needs: only these fields are kept, and only
/// the layers they live in are walked.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub columns: Vec<FieldColumn>,
    pub want: FieldSet,
    pub interest: Interest,
}

impl Columns {
    pub fn new(columns: Vec<FieldColumn>) -> Self {
        let parts = || columns.iter().flat_map(|c| c.parts.iter().copied());
        Columns {
            want: parts().collect(),
            interest: parts().fold(Interest::NONE, |acc, id| acc.union(Interest::of_field(id))),
            columns,
        }
    }
}

/// Which occurrence(s) of a repeated field `-T fields` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    First,
    Last,
    All,
}

/// tshark's `-E` options.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldOptions {
    pub header: bool,
    pub separator: String,
    pub occurrence: Occurrence,
    pub aggregator: String,
    /// Quote character around values (`-E quote=d|s`), none by default.
    pub quote: Option<char>,
}

impl Default for FieldOptions {
    fn default() -> Self {
        FieldOptions {
            header: false,
            separator: "\t".into(),
            occurrence: Occurrence::All,
            aggregator: ",".into(),
            quote: None,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OptionError {
    #[error("unknown field '{name}'{}", hint.map(|h| format!(" — did you mean {h}?")).unwrap_or_default())]
    UnknownField {
        name: String,
        hint: Option<&'static str>,
    },
    #[error("-E {0}: expected header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=C or quote=d|s|n")]
    BadFieldOption(String),
    #[error("-T fields needs at least one -e FIELD (see `sockeye fields` for the names)")]
    NoFields,
    #[error("-e only makes sense with -T fields")]
    FieldsWithoutFormat,
}

/// Everything the printer needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadConfig {
    pub mode: OutputMode,
    pub field_options: FieldOptions,
    /// `-N`: which names the pipeline resolves (none by default, as tshark -n).
    pub resolve: crate::names::Resolve,
}

impl ReadConfig {
    pub fn summary() -> Self {
        ReadConfig {
            mode: OutputMode::Summary,
            field_options: FieldOptions::default(),
            resolve: crate::names::Resolve::default(),
        }
    }

    /// Resolves field names (with a "did you mean" hint for typos).
    pub fn fields(names: &[String], options: &[String]) -> Result<Self, OptionError> {
        if names.is_empty() {
            return Err(OptionError::NoFields);
        }
        let columns = names
            .iter()
            .map(|name| {
                FieldColumn::resolve(name).ok_or_else(|| OptionError::UnknownField {
                    name: name.clone(),
                    hint: field::suggest(name),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReadConfig {
            mode: OutputMode::Fields(Columns::new(columns)),
            field_options: parse_field_options(options)?,
            resolve: crate::names::Resolve::default(),
        })
    }
}

fn separator_value(value: &str) -> String {
    match value {
        "/t" => "\t".into(),
        "/s" => " ".into(),
        other => other.into(),
    }
}

pub fn parse_field_options(options: &[String]) -> Result<FieldOptions, OptionError> {
    let mut parsed = FieldOptions::default();
    for option in options {
        let bad = || OptionError::BadFieldOption(option.clone());
        let (key, value) = option.split_once('=').ok_or_else(bad)?;
        match (key, value) {
            ("header", "y") => parsed.header = true,
            ("header", "n") => parsed.header = false,
            ("separator", v) if !v.is_empty() => parsed.separator = separator_value(v),
            ("occurrence", "f") => parsed.occurrence = Occurrence::First,
            ("occurrence", "l") => parsed.occurrence = Occurrence::Last,
            ("occurrence", "a") => parsed.occurrence = Occurrence::All,
            ("aggregator", v) if !v.is_empty() => parsed.aggregator = separator_value(v),
            ("quote", "d") => parsed.quote = Some('"'),
            ("quote", "s") => parsed.quote = Some('\''),
            ("quote", "n") => parsed.quote = None,
            _ => return Err(bad()),
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_options() {
        let opts = parse_field_options(&[
            "header=y".into(),
            "separator=/t".into(),
            "occurrence=f".into(),
        ])
        .unwrap();
        assert!(opts.header);
        assert_eq!(opts.separator, "\t");
        assert_eq!(opts.occurrence, Occurrence::First);
        assert!(parse_field_options(&["header=maybe".into()]).is_err());
    }

    #[test]
    fn unknown_field_hint() {
        let err = ReadConfig::fields(&["tcp.srcprt".into()], &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown field 'tcp.srcprt' — did you mean tcp.srcport?"
        );
    }
}
