//! Each rule's level, from `[package.metadata.tonic-session]` (or
//! `[workspace.metadata.tonic-session]`) in the crate's `Cargo.toml`:
//! `ignored_send_error = "warn"`; levels are `error` (the default), `warn`, `allow`.

use std::collections::HashMap;
use std::path::Path;

use crate::finding::Severity;

/// The levels a crate set; rules it does not name are errors.
#[derive(Debug, Default)]
pub struct Levels(HashMap<String, Severity>);

impl Levels {
    /// The levels in the `Cargo.toml` at `root` (none if it has none); `Err` for a
    /// manifest that is not TOML or a level that is not one of the three.
    pub fn of_crate(root: &Path) -> Result<Levels, String> {
        let mut levels = Levels::default();
        levels.read(root, &["workspace", "package"])?;
        Ok(levels)
    }

    /// The levels of a workspace member at `member`: the workspace's, from the root
    /// manifest at `workspace`, then the member's own package levels over them.
    pub fn of_member(workspace: &Path, member: &Path) -> Result<Levels, String> {
        let mut levels = Levels::default();
        levels.read(workspace, &["workspace"])?;
        levels.read(member, &["package"])?;
        Ok(levels)
    }

    /// Adds the levels that `sections` of the `Cargo.toml` at `root` set.
    fn read(&mut self, root: &Path, sections: &[&str]) -> Result<(), String> {
        let manifest = root.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            return Ok(());
        };
        let value: toml::Table = text
            .parse()
            .map_err(|err| format!("{}: {err}", manifest.display()))?;
        for section in sections {
            let table = value
                .get(*section)
                .and_then(|section| section.get("metadata"))
                .and_then(|metadata| metadata.get("tonic-session"))
                .and_then(toml::Value::as_table);
            for (rule, level) in table.into_iter().flatten() {
                let severity = match level.as_str() {
                    Some("error") => Severity::Error,
                    Some("warn") => Severity::Warn,
                    Some("allow") => Severity::Allow,
                    _ => {
                        return Err(format!(
                            "{}: [{section}.metadata.tonic-session] {rule} = {level}: \
                             expected \"error\", \"warn\" or \"allow\"",
                            manifest.display()
                        ));
                    }
                };
                self.0.insert(rule.clone(), severity);
            }
        }
        Ok(())
    }

    /// The level of `rule`.
    pub fn of(&self, rule: &str) -> Severity {
        self.0.get(rule).copied().unwrap_or(Severity::Error)
    }
}
