//! Filter errors: what went wrong, at which column, and a hint. Rendered as one line plus
//! the filter with a caret under the problem, for the CLI and the UI's filter bar.

use std::fmt;

/// A filter that does not parse. `column` is 1-based, in characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at column {column}")]
pub struct FilterError {
    pub kind: ErrorKind,
    pub column: usize,
    /// How many characters the caret line underlines (at least 1).
    pub width: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("empty filter")]
    Empty,
    #[error("unknown field '{name}'{}", hint(.suggestion))]
    UnknownField {
        name: String,
        suggestion: Option<&'static str>,
    },
    #[error("expected a value after '{after}'")]
    ExpectedValue { after: String },
    #[error("expected {expected}, found {found}")]
    Unexpected {
        expected: &'static str,
        found: String,
    },
    #[error("{field} needs {wanted}, not {text}")]
    BadValue {
        text: String,
        wanted: &'static str,
        field: &'static str,
    },
    #[error("{field} is {what} and cannot be sliced")]
    NotSliceable {
        field: &'static str,
        what: &'static str,
    },
    #[error("bad slice '[{text}]' (use [i], [i:len], [i-j], [:len] or [i:])")]
    BadSlice { text: String },
    #[error("'{op}' does not apply to {field} ({what})")]
    BadOperator {
        op: &'static str,
        field: &'static str,
        what: &'static str,
    },
    #[error("comparing two fields ({field}) is not supported; compare with a value")]
    FieldAsValue { field: String },
    #[error("unterminated string")]
    UnterminatedString,
    #[error("bad escape '\\{0}' in string (use \\\\, \\\", \\n, \\t, \\r, \\xhh or \\ooo)")]
    BadEscape(String),
    #[error("bad regular expression: {0}")]
    BadRegex(String),
    #[error("unexpected character '{0}'")]
    BadChar(char),
    #[error("missing ')' for the '(' here")]
    UnclosedParen,
    #[error("filter nests too deeply")]
    TooDeep,
}

fn hint(suggestion: &Option<&'static str>) -> String {
    match suggestion {
        Some(name) => format!(" — did you mean {name}?"),
        None => String::new(),
    }
}

impl FilterError {
    pub(crate) fn new(kind: ErrorKind, column: usize, width: usize) -> Self {
        FilterError {
            kind,
            column: column.max(1),
            width: width.max(1),
        }
    }

    /// The filter text and a caret line under the problem:
    ///
    /// ```text
    /// tcp.sport == 80
    /// ^~~~~~~~~
    /// ```
    pub fn caret(&self, filter: &str) -> String {
        let pad = " ".repeat(self.column - 1);
        let tail = "~".repeat(self.width - 1);
        format!("{filter}\n{pad}^{tail}")
    }

    /// The one-line message, the filter, and the caret line, as the CLI prints them.
    pub fn render(&self, filter: &str) -> String {
        format!("{self}\n{}", self.caret(filter))
    }
}

/// A [`FilterError`] together with the filter text, so `Display` shows the caret line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FilterSyntaxError {
    pub filter: String,
    pub error: FilterError,
}

impl fmt::Display for FilterSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad filter: {}", self.error.render(&self.filter))
    }
}
