//! A workspace's member crates, as `[workspace] members` (and `exclude`) in its
//! root `Cargo.toml` name them: paths, and `folder/*` for every crate in a folder.

use std::path::{Path, PathBuf};

/// The member folders of the workspace whose root manifest is in `root`, relative
/// to it, in order; `None` when that manifest declares no workspace (a plain crate).
/// A root that is also a package is its own member (`.`).
pub fn members(root: &Path) -> Result<Option<Vec<PathBuf>>, String> {
    let manifest = root.join("Cargo.toml");
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return Ok(None);
    };
    let value: toml::Table = text
        .parse()
        .map_err(|err| format!("{}: {err}", manifest.display()))?;
    let Some(workspace) = value.get("workspace") else {
        return Ok(None);
    };
    let listed = |key: &str| -> Vec<String> {
        let entries = workspace.get(key).and_then(toml::Value::as_array);
        entries
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let excluded: Vec<PathBuf> = listed("exclude").iter().map(PathBuf::from).collect();
    let mut members = Vec::new();
    if value.contains_key("package") {
        members.push(PathBuf::from("."));
    }
    for entry in listed("members") {
        for member in expand(root, &entry) {
            if !excluded.contains(&member) && !members.contains(&member) {
                members.push(member);
            }
        }
    }
    Ok(Some(members))
}

/// One `members` entry: the folder itself, or for `folder/*` each folder in it that
/// holds a `Cargo.toml`.
fn expand(root: &Path, entry: &str) -> Vec<PathBuf> {
    let Some(folder) = entry.strip_suffix("/*") else {
        return vec![PathBuf::from(entry)];
    };
    let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| Path::new(folder).join(entry.file_name()))
        .collect();
    found.sort();
    found
}
