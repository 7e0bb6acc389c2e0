//! `cargo tonic-session check`: finds streaming tonic code that bypasses
//! tonic-session (coverage: `unannotated_service`, `unannotated_client`) and, in
//! that raw code, the hazards the catalogue's rules exist for
//! (`ignored_send_error`, `detached_half`, `concurrent_recv`, `undrained_receiver`,
//! `forgotten_half`). Parses the crate's sources with syn: no compiler, no
//! nightly. The findings that hang on paths (a response left before its end, a
//! send after a failed one) come from the rules engine the attributes run
//! (`tonic_session_engine`). Conservative: what it cannot decide from the code as
//! written it does not report.
//!
//! A crate enforces the standard in its own tests with [`assert_clean`].

#![forbid(unsafe_code)]

mod allow;
pub mod config;
mod coverage;
mod discover;
pub mod finding;
mod flow;
mod hazards;
pub mod output;
mod scan;
mod tokens;
mod workspace;

use std::path::Path;

pub use finding::{Finding, Severity};

/// The findings of the crate at `root` (the folder of its `Cargo.toml`), with the
/// crate's levels applied (findings set to `allow` left out), in file order. A file
/// that does not parse is a `syntax_error` finding at the error. At a workspace's
/// root, every member's, each with the workspace's levels and its own, files named
/// from the root.
pub fn check(root: &Path) -> Result<Vec<Finding>, String> {
    let Some(members) = workspace::members(root)? else {
        return check_crate(root, Path::new(""), &config::Levels::of_crate(root)?);
    };
    let mut findings = Vec::new();
    for member in members {
        let crate_root = root.join(&member);
        let levels = config::Levels::of_member(root, &crate_root)?;
        let prefix = if member == Path::new(".") {
            Path::new("")
        } else {
            &member
        };
        findings.extend(check_crate(&crate_root, prefix, &levels)?);
    }
    Ok(findings)
}

/// The findings of one crate, its files named as `prefix/file`.
fn check_crate(
    root: &Path,
    prefix: &Path,
    levels: &config::Levels,
) -> Result<Vec<Finding>, String> {
    let scanned = discover::each_file(root, |parsed| match parsed {
        Ok(file) => scan::scan(file),
        Err(err) => vec![finding::Raw {
            rule: "syntax_error",
            at: finding::At::of(err.span()),
            message: format!("this file does not parse: {err}"),
            help: "fix the syntax; the checker reads only files that parse".into(),
        }],
    });
    let mut findings = Vec::new();
    for (file, raws) in scanned {
        for raw in raws {
            let severity = levels.of(raw.rule);
            if severity == Severity::Allow {
                continue;
            }
            findings.push(Finding {
                rule: raw.rule,
                severity,
                file: prefix.join(&file),
                line: raw.at.line,
                column: raw.at.column,
                message: raw.message,
                help: raw.help,
            });
        }
    }
    Ok(findings)
}

/// The source line a finding points at, for the text output.
pub fn source_line(root: &Path, finding: &Finding) -> Option<String> {
    let text = std::fs::read_to_string(root.join(&finding.file)).ok()?;
    text.lines()
        .nth(finding.line.checked_sub(1)?)
        .map(str::to_owned)
}

/// Panics, with every finding in the text format, unless the crate at `root` has
/// none at `error` level: a crate's own test, so `cargo test` enforces the team
/// standard (`tonic_session_lint::assert_clean(env!("CARGO_MANIFEST_DIR"))`).
pub fn assert_clean(root: impl AsRef<Path>) {
    let root = root.as_ref();
    let findings = check(root).unwrap_or_else(|err| panic!("tonic-session check: {err}"));
    let errors: Vec<Finding> = findings
        .into_iter()
        .filter(|finding| finding.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "{}",
        output::text(&errors, |finding| source_line(root, finding))
    );
}
