//! The three formats: text in rustc's layout, JSON (an array of findings), SARIF
//! 2.1.0 (one result per finding, for code-scanning services).

use serde_sarif::sarif;

use crate::finding::{Finding, Severity};

/// rustc's layout: the rule and message, where, the source line with a caret, the
/// fix.
pub fn text(findings: &[Finding], source_line: impl Fn(&Finding) -> Option<String>) -> String {
    let mut out = String::new();
    for finding in findings {
        let level = match finding.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let gutter = " ".repeat(finding.line.to_string().len());
        out.push_str(&format!("{level}[{}]: {}\n", finding.rule, finding.message));
        out.push_str(&format!(
            "{gutter}--> {}:{}:{}\n",
            finding.file.display(),
            finding.line,
            finding.column
        ));
        if let Some(line) = source_line(finding) {
            let caret = " ".repeat(finding.column.saturating_sub(1));
            out.push_str(&format!(
                "{gutter} |\n{} | {line}\n{gutter} | {caret}^\n",
                finding.line
            ));
        }
        out.push_str(&format!("{gutter} = help: {}\n\n", finding.help));
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    out.push_str(&format!(
        "tonic-session check: {errors} errors, {warnings} warnings\n"
    ));
    out
}

/// The findings as a JSON array.
pub fn json(findings: &[Finding]) -> String {
    serde_json::to_string_pretty(findings).expect("findings serialize")
}

/// The findings as a SARIF 2.1.0 log with one run.
pub fn sarif(findings: &[Finding]) -> String {
    let results: Vec<sarif::Result> = findings.iter().map(result).collect();
    let driver = sarif::ToolComponent::builder()
        .name("tonic-session")
        .information_uri("https://docs.rs/tonic-session")
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .version(serde_json::json!("2.1.0"))
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).expect("SARIF serializes")
}

fn result(finding: &Finding) -> sarif::Result {
    let region = sarif::Region::builder()
        .start_line(finding.line as i64)
        .start_column(finding.column as i64)
        .build();
    let artifact = sarif::ArtifactLocation::builder()
        .uri(finding.file.to_string_lossy().replace('\\', "/"))
        .build();
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build();
    let location = sarif::Location::builder()
        .physical_location(physical)
        .build();
    let level = match finding.severity {
        Severity::Error => sarif::ResultLevel::Error,
        _ => sarif::ResultLevel::Warning,
    };
    let message = sarif::Message::builder()
        .text(format!("{} help: {}", finding.message, finding.help))
        .build();
    sarif::Result::builder()
        .rule_id(finding.rule)
        .level(level)
        .message(message)
        .locations(vec![location])
        .build()
}
