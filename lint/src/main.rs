//! `cargo tonic-session check [--format text|json|sarif] [--manifest-path PATH]`:
//! exit status 1 when any finding is an error, 2 when the check could not run.

use std::path::PathBuf;
use std::process::ExitCode;

use tonic_session_lint::{Severity, check, output, source_line};

fn main() -> ExitCode {
    match run() {
        Ok(clean) if clean => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(why) => {
            eprintln!("cargo tonic-session: {why}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str =
    "usage: cargo tonic-session check [--format text|json|sarif] [--manifest-path PATH]";

fn run() -> Result<bool, String> {
    let mut args = std::env::args().skip(1).peekable();
    // As a cargo subcommand, cargo passes the subcommand's name first.
    if args.peek().map(String::as_str) == Some("tonic-session") {
        args.next();
    }
    if args.next().as_deref() != Some("check") {
        return Err(USAGE.into());
    }
    let mut format = "text".to_owned();
    let mut root = std::env::current_dir().map_err(|err| err.to_string())?;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => format = args.next().ok_or(USAGE)?,
            "--manifest-path" => {
                let manifest = PathBuf::from(args.next().ok_or(USAGE)?);
                root = manifest.parent().map(PathBuf::from).unwrap_or_default();
            }
            _ => return Err(format!("unexpected `{arg}`\n{USAGE}")),
        }
    }
    let findings = check(&root)?;
    let printed = match format.as_str() {
        "text" => output::text(&findings, |finding| source_line(&root, finding)),
        "json" => output::json(&findings),
        "sarif" => output::sarif(&findings),
        other => return Err(format!("unknown format `{other}`\n{USAGE}")),
    };
    println!("{printed}");
    Ok(!findings
        .iter()
        .any(|finding| finding.severity == Severity::Error))
}
