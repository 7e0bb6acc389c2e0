//! At a workspace's root the checker reads every member, with the workspace's
//! levels and each member's own; this workspace itself follows the standard.

use std::path::{Path, PathBuf};

use tonic_session_lint::{Severity, assert_clean, check};

/// A raw reader of a response stream: one `unannotated_client` finding.
const RAW_CLIENT: &str = "pub async fn first(mut s: tonic::Streaming<u32>) -> Option<u32> {
    s.message().await.ok().flatten()
}
";

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("folders");
    std::fs::write(path, text).expect("a file");
}

/// A workspace: a root package, `app` named as is, two crates under `crates/*`
/// (one excluded), the workspace setting one rule to `warn` and `app` its own.
fn workspace() -> PathBuf {
    let root = std::env::temp_dir().join(format!("tonic-session-ws-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    write(
        &root,
        "Cargo.toml",
        "[package]\nname = \"top\"\n\n[workspace]\nmembers = [\"app\", \"crates/*\"]\n\
         exclude = [\"crates/old\"]\n\n[workspace.metadata.tonic-session]\n\
         unannotated_client = \"warn\"\n",
    );
    write(&root, "src/lib.rs", RAW_CLIENT);
    write(
        &root,
        "app/Cargo.toml",
        "[package]\nname = \"app\"\n\n[package.metadata.tonic-session]\n\
         unannotated_client = \"error\"\n",
    );
    write(&root, "app/src/main.rs", RAW_CLIENT);
    for member in ["crates/a", "crates/old"] {
        write(
            &root,
            &format!("{member}/Cargo.toml"),
            "[package]\nname = \"x\"\n",
        );
        write(&root, &format!("{member}/src/lib.rs"), RAW_CLIENT);
    }
    root
}

#[test]
fn a_workspace_root_checks_every_member_with_its_levels() {
    let root = workspace();
    let found: Vec<(String, Severity)> = check(&root)
        .expect("checked")
        .into_iter()
        .map(|finding| {
            (
                finding.file.to_string_lossy().into_owned(),
                finding.severity,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("src/lib.rs".to_owned(), Severity::Warn),
            ("app/src/main.rs".to_owned(), Severity::Error),
            ("crates/a/src/lib.rs".to_owned(), Severity::Warn),
        ]
    );
}

#[test]
fn this_workspace_follows_the_team_standard() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert_clean(&root);
    let warnings = check(&root).expect("checked");
    assert!(warnings.is_empty(), "{warnings:?}");
}
