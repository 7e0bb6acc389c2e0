//! What users read of a rule error names the rule, the use, the binding and the fix:
//! none of the machinery behind the check.

use std::path::Path;

/// Words of the machinery: the generated check's types and paths, and rustc's
/// suggestions about them.
const INTERNALS: [&str; 5] = [
    "RuleCheck",
    "TonicSession",
    "__private",
    "consider adding one",
    "note: help:",
];

#[test]
fn no_reviewed_error_shows_the_machinery() {
    let fail = Path::new(env!("CARGO_MANIFEST_DIR")).join("fail");
    let mut read = 0;
    for entry in std::fs::read_dir(&fail).expect("ui-tests/fail") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|ext| ext != "stderr") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a snapshot");
        for (number, line) in text.lines().enumerate() {
            // rustc indents its own `= note:` to its gutter (a few columns).
            let notes_in_a_message =
                line.trim_start().starts_with("= ") && line.len() - line.trim_start().len() > 6;
            assert!(
                !notes_in_a_message,
                "{}:{}: a `help`/`note` written into a message's text: {line}",
                path.display(),
                number + 1
            );
            for word in INTERNALS {
                assert!(
                    !line.contains(word),
                    "{}:{}: `{word}` in: {line}",
                    path.display(),
                    number + 1
                );
            }
        }
        read += 1;
    }
    assert!(read >= 20, "only {read} snapshots under {}", fail.display());
}
