//! The source files of a crate, as cargo and rustc find them: the targets' root
//! files (`src/lib.rs`, `src/main.rs`, `src/bin/`, `examples/`, `tests/`,
//! `benches/`), then every file a `mod name;` declaration reaches (with
//! `#[path = ".."]` honoured).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `visit` on every source file of the crate at `root`, each once, with its path
/// relative to the root, in path order: the file parsed, or the error that kept it
/// from parsing. Files are read, parsed and visited a level of `mod` declarations at
/// a time, on every core (syn's trees stay on the thread that made them).
pub fn each_file<R: Send>(
    root: &Path,
    visit: impl Fn(Result<&syn::File, &syn::Error>) -> R + Sync,
) -> Vec<(PathBuf, R)> {
    let mut seen = BTreeSet::new();
    let mut visited = Vec::new();
    let mut level: Vec<PathBuf> = target_roots(root);
    while !level.is_empty() {
        level.retain(|path| seen.insert(path.clone()));
        let done = in_parallel(&level, |path| {
            let text = std::fs::read_to_string(path).ok()?;
            let parsed = syn::parse_file(&text);
            let modules = match &parsed {
                Ok(file) => declared_modules(path, &file.items),
                Err(_) => Vec::new(),
            };
            Some((path.clone(), visit(parsed.as_ref()), modules))
        });
        level = Vec::new();
        for (path, result, modules) in done.into_iter().flatten() {
            level.extend(modules);
            let file = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            visited.push((file, result));
        }
    }
    visited.sort_by(|a, b| a.0.cmp(&b.0));
    visited
}

/// The stack of each worker: parsing, the walks and dropping syn's tree recurse once
/// per level of nesting, and generated code writes sums thousands of terms long.
/// Reserved, not touched: only the depth actually used costs memory.
const WORKER_STACK: usize = 256 * 1024 * 1024;

/// `work` on every item, on every core, results in the items' order.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let work = &work;
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, move || part.iter().map(work).collect::<Vec<R>>())
                    .map_err(|_| part)
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: the part is done here, not lost.
                Err(part) => part.iter().map(work).collect(),
            })
            .collect()
    })
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
