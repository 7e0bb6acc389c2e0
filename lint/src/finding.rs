//! One finding: the rule, where, what, the fix; and how severe the crate's
//! configuration makes it.

use std::path::PathBuf;

use serde::Serialize;

/// How a rule is set in `[package.metadata.tonic-session]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warn,
    Allow,
}

/// A finding, as `--format json` writes it (the documented schema: `rule`,
/// `severity`, `file` relative to the crate root, 1-based `line`, 1-based `column`,
/// `message`, `help`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// Where in a file: from a span of the parsed source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub line: usize,
    pub column: usize,
}

impl At {
    /// The start of `span` (1-based line and column).
    pub fn of(span: proc_macro2::Span) -> At {
        let start = span.start();
        At {
            line: start.line,
            column: start.column + 1,
        }
    }
}

/// A finding before the crate's configuration and file name are applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raw {
    pub rule: &'static str,
    pub at: At,
    pub message: String,
    pub help: String,
}
