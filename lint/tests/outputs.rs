//! The three output formats, as snapshots (`TONIC_SESSION_SNAPSHOTS=overwrite`
//! rewrites them; review the diff like code), the SARIF log's required shape, the
//! exit status of the command, and the levels a crate sets.

use std::path::{Path, PathBuf};
use std::process::Command;

use tonic_session_lint::{Severity, check, output, source_line};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture")
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("TONIC_SESSION_SNAPSHOTS").is_some_and(|mode| mode == "overwrite") {
        std::fs::write(&path, actual).expect("write the snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "{name} changed; TONIC_SESSION_SNAPSHOTS=overwrite to accept"
    );
}

#[test]
fn text_json_and_sarif_read_as_reviewed() {
    let root = fixture();
    let findings = check(&root).expect("checked");
    assert_eq!(findings.len(), 4, "{findings:#?}");
    snapshot(
        "text.txt",
        &output::text(&findings, |finding| source_line(&root, finding)),
    );
    snapshot("json.json", &output::json(&findings));
    snapshot("sarif.json", &output::sarif(&findings));
}

#[test]
fn the_sarif_log_has_what_sarif_2_1_0_requires_of_each_result() {
    let findings = check(&fixture()).expect("checked");
    let log: serde_json::Value = serde_json::from_str(&output::sarif(&findings)).expect("JSON");
    assert_eq!(log["version"], "2.1.0");
    assert!(
        log["$schema"]
            .as_str()
            .is_some_and(|schema| schema.contains("sarif"))
    );
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "tonic-session");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(&findings) {
        assert_eq!(result["ruleId"], finding.rule);
        assert_eq!(result["level"], "error");
        assert!(
            result["message"]["text"]
                .as_str()
                .is_some_and(|text| !text.is_empty())
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["region"]["startLine"], finding.line);
        assert_eq!(location["region"]["startColumn"], finding.column);
        assert_eq!(
            location["artifactLocation"]["uri"],
            finding.file.to_string_lossy().as_ref()
        );
    }
}

/// The SARIF 2.1.0 schema as OASIS publishes it (the copy serde-sarif is generated
/// from), vendored: the test needs no network.
const SARIF_SCHEMA: &str = include_str!("sarif-schema-2.1.0.json");

/// Every violation of the schema in `log`, as `path: error` lines.
fn schema_violations(log: &serde_json::Value) -> Vec<String> {
    // The published schema's pattern for `run.language` has a stray `]`
    // (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), which its own meta-schema rejects
    // as a regex: read it as meant, a language tag such as `en` or `en-US`. The
    // vendored file stays as published.
    let text = SARIF_SCHEMA.replace(
        r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        r"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    validator
        .iter_errors(log)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

#[test]
fn the_sarif_log_validates_against_the_sarif_2_1_0_schema() {
    let findings = check(&fixture()).expect("checked");
    assert!(!findings.is_empty(), "the fixture has findings to write");
    let log: serde_json::Value = serde_json::from_str(&output::sarif(&findings)).expect("JSON");
    assert_eq!(schema_violations(&log), Vec::<String>::new());
    let empty: serde_json::Value = serde_json::from_str(&output::sarif(&[])).expect("JSON");
    assert_eq!(schema_violations(&empty), Vec::<String>::new());
}

#[test]
fn the_schema_check_catches_a_log_sarif_2_1_0_forbids() {
    let findings = check(&fixture()).expect("checked");
    let mut log: serde_json::Value = serde_json::from_str(&output::sarif(&findings)).expect("JSON");
    // A level SARIF does not know, and a line numbered from 0.
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert_eq!(
        schema_violations(&log).len(),
        2,
        "{:?}",
        schema_violations(&log)
    );
}

/// A copy of the fixture with `manifest` as its `Cargo.toml`, in a fresh folder.
fn with_manifest(name: &str, manifest: &str) -> PathBuf {
    let root =
        std::env::temp_dir().join(format!("tonic-session-lint-{name}-{}", std::process::id()));
    std::fs::create_dir_all(root.join("src")).expect("a folder");
    std::fs::copy(fixture().join("src/lib.rs"), root.join("src/lib.rs")).expect("copy");
    std::fs::write(root.join("Cargo.toml"), manifest).expect("a manifest");
    root
}

#[test]
fn levels_come_from_the_package_or_workspace_metadata() {
    let root = with_manifest(
        "levels",
        "[package]\nname = \"x\"\n[package.metadata.tonic-session]\nignored_send_error = \"warn\"\ndetached_half = \"allow\"\n",
    );
    let findings = check(&root).expect("checked");
    let of = |rule: &str| {
        findings
            .iter()
            .find(|finding| finding.rule == rule)
            .map(|finding| finding.severity)
    };
    assert_eq!(of("ignored_send_error"), Some(Severity::Warn));
    assert_eq!(of("detached_half"), None);
    assert_eq!(of("undrained_receiver"), Some(Severity::Error));
    let root = with_manifest(
        "workspace",
        "[workspace.metadata.tonic-session]\nundrained_receiver = \"allow\"\n",
    );
    let findings = check(&root).expect("checked");
    assert!(
        findings
            .iter()
            .all(|finding| finding.rule != "undrained_receiver")
    );
    let root = with_manifest(
        "bad",
        "[package.metadata.tonic-session]\ndetached_half = \"loud\"\n",
    );
    let refused = check(&root).expect_err("an unknown level");
    assert!(refused.contains("detached_half"), "{refused}");
}

#[test]
fn the_command_exits_1_on_an_error_0_when_clean_2_when_it_cannot_run() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cargo-tonic-session"))
            .args(args)
            .output()
            .expect("the checker runs")
            .status
            .code()
    };
    let manifest = fixture().join("Cargo.toml");
    let manifest = manifest.to_str().expect("a UTF-8 path");
    assert_eq!(
        run(&["tonic-session", "check", "--manifest-path", manifest]),
        Some(1)
    );
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/Cargo.toml");
    assert_eq!(
        run(&["check", "--manifest-path", clean.to_str().expect("UTF-8")]),
        Some(0)
    );
    assert_eq!(run(&["check", "--format", "yaml"]), Some(2));
    assert_eq!(run(&["lint"]), Some(2));
}

#[test]
fn a_file_that_does_not_parse_is_a_finding_not_a_panic() {
    let root = with_manifest("broken", "[package]\nname = \"x\"\n");
    std::fs::write(root.join("src/lib.rs"), "pub fn half( {\n").expect("a broken file");
    let findings = check(&root).expect("checked");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].rule, "syntax_error");
    assert_eq!(findings[0].line, 1);
}

#[test]
fn an_expression_thousands_of_levels_deep_is_checked_not_a_stack_overflow() {
    let root = with_manifest("deep", "[package]\nname = \"x\"\n");
    let sum = vec!["n"; 20_000].join(" + ");
    let source = format!(
        "pub async fn first(mut rx: tonic::Streaming<usize>) -> usize {{\n\
         let n = rx.message().await.ok().flatten().unwrap_or(0);\n\
         {sum}\n}}\n"
    );
    std::fs::write(root.join("src/lib.rs"), source).expect("a deep file");
    let findings = check(&root).expect("checked");
    let rules: Vec<&str> = findings.iter().map(|finding| finding.rule).collect();
    assert_eq!(rules, ["unannotated_client"], "{findings:?}");
}
