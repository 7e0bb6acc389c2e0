//! The source files of a crate, as cargo and rustc find them: the targets' root
//! files (`src/lib.rs`, `src/main.rs`, `src/bin/`, `examples/`, `tests/`,
//! `benches/`), then every file a `mod name;` declaration reaches (with
//! `#[path = ".."]` honoured).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One source file, parsed (or the error that kept it from parsing).
pub struct Source {
    /// Relative to the crate root.
    pub file: PathBuf,
    pub parsed: Result<syn::File, syn::Error>,
}

/// Every source file of the crate at `root`, each once, in path order.
pub fn sources(root: &Path) -> Vec<Source> {
    let mut seen = BTreeSet::new();
    let mut sources = Vec::new();
    let mut pending: Vec<PathBuf> = target_roots(root);
    while let Some(path) = pending.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let parsed = syn::parse_file(&text);
        if let Ok(file) = &parsed {
            pending.extend(declared_modules(&path, &file.items));
        }
        let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        sources.push(Source { file, parsed });
    }
    sources.sort_by(|a, b| a.file.cmp(&b.file));
    sources
}

/// The root files of the crate's targets that exist.
fn target_roots(root: &Path) -> Vec<PathBuf> {
    let mut roots = vec![root.join("src/lib.rs"), root.join("src/main.rs")];
    for folder in ["src/bin", "examples", "tests", "benches"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|ext| ext == "rs") {
                roots.push(path);
            } else if path.join("main.rs").is_file() {
                roots.push(path.join("main.rs"));
            }
        }
    }
    roots.retain(|path| path.is_file());
    roots
}

/// The files the out-of-line `mod` declarations of `items` (in the file at `path`)
/// name, including those inside inline modules.
fn declared_modules(path: &Path, items: &[syn::Item]) -> Vec<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let owns_dir = path
        .file_name()
        .is_some_and(|name| name == "mod.rs" || name == "lib.rs" || name == "main.rs");
    let base = if owns_dir {
        dir.to_path_buf()
    } else {
        dir.join(path.file_stem().unwrap_or_default())
    };
    let mut found = Vec::new();
    modules_under(&base, dir, items, &mut found);
    found
}

fn modules_under(base: &Path, file_dir: &Path, items: &[syn::Item], found: &mut Vec<PathBuf>) {
    for item in items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        let name = module.ident.to_string();
        let explicit = path_attribute(&module.attrs);
        match (&module.content, explicit) {
            (None, Some(explicit)) => found.push(file_dir.join(explicit)),
            (None, None) => {
                let flat = base.join(format!("{name}.rs"));
                found.push(if flat.is_file() {
                    flat
                } else {
                    base.join(&name).join("mod.rs")
                });
            }
            (Some((_, inner)), explicit) => {
                let inner_base = explicit.map_or_else(|| base.join(&name), |path| base.join(path));
                modules_under(&inner_base, &inner_base, inner, found);
            }
        }
    }
}

/// The value of `#[path = ".."]`.
fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| {
        let syn::Meta::NameValue(pair) = &attr.meta else {
            return None;
        };
        if !pair.path.is_ident("path") {
            return None;
        }
        match &pair.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(path),
                ..
            }) => Some(path.value()),
            _ => None,
        }
    })
}
