//! Build cost: `cargo build` of the example greeter with the attribute
//! (`examples/src/greeter.rs`) against the same greeter written by hand with raw
//! tonic (`raw_greeter.rs`).
//!
//! Each becomes the only module of a throwaway crate under `target/build-cost/`,
//! depending on the example crate for the generated protobuf code, pinned by the
//! workspace's `Cargo.lock` and sharing one target directory, so both build against
//! the same, already built, dependencies. After a warm-up build, each sample touches
//! the module and times a non-incremental `cargo build` of that crate alone (the
//! whole crate: expansion, type checking, codegen); the two crates alternate.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::measure::Mode;
use crate::repo_root;

/// Median build seconds of each side.
#[derive(Clone, Copy, Debug)]
pub struct BuildCost {
    pub session_seconds: f64,
    pub raw_seconds: f64,
    pub samples: usize,
}

/// The crate a throwaway crate takes its generated protobuf code from (`pb`).
pub(crate) struct PbCrate {
    /// Its package name.
    pub package: &'static str,
    /// Its directory.
    pub dir: PathBuf,
}

impl PbCrate {
    /// The example crate's greeter protobuf.
    pub fn examples() -> Self {
        PbCrate {
            package: "tonic-session-examples",
            dir: repo_root().join("examples"),
        }
    }
}

/// Writes a throwaway crate `name` at `dir` whose one module is `module`, with
/// `pb` re-exported from the example crate.
pub(crate) fn write_crate(dir: &Path, name: &str, module: &str) -> std::io::Result<()> {
    write_crate_over(dir, name, module, &PbCrate::examples())
}

/// Writes a throwaway crate `name` at `dir` whose one module is `module`, with
/// `pb` re-exported from `pb`.
pub(crate) fn write_crate_over(
    dir: &Path,
    name: &str,
    module: &str,
    pb: &PbCrate,
) -> std::io::Result<()> {
    let root = repo_root();
    std::fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n\
         tonic-session = {{ path = {runtime:?} }}\n\
         {pb_package} = {{ path = {pb_dir:?} }}\n\
         tonic = {{ version = \"0.14\", default-features = false, features = [\"transport\", \"codegen\", \"router\", \"server\"] }}\n\
         tokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\", \"sync\"] }}\n\
         tokio-stream = \"0.1\"\n\n[workspace]\n",
        runtime = root.join("runtime"),
        pb_package = pb.package,
        pb_dir = pb.dir,
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    std::fs::write(
        dir.join("src/lib.rs"),
        format!(
            "#![allow(dead_code)]\npub use {}::pb;\npub mod module;\n",
            pb.package.replace('-', "_")
        ),
    )?;
    std::fs::write(dir.join("src/module.rs"), module)?;
    Ok(())
}

/// Seconds of a whole, non-incremental `cargo build` of the crate at `dir`.
pub(crate) fn build(dir: &Path, target: &Path) -> Result<f64, crate::BoxError> {
    cargo_timed("build", dir, target)
}

/// Seconds of a whole, non-incremental `cargo <subcommand>` (`build` or `check`)
/// of the crate at `dir`.
pub(crate) fn cargo_timed(
    subcommand: &str,
    dir: &Path,
    target: &Path,
) -> Result<f64, crate::BoxError> {
    let mut cargo = whole_compile(subcommand, dir, target)?;
    let started = Instant::now();
    if !cargo.status()?.success() {
        return Err(format!("cargo {subcommand} of {} failed", dir.display()).into());
    }
    Ok(started.elapsed().as_secs_f64())
}

/// A quiet, offline `cargo <subcommand>` that compiles all of the crate at `dir`
/// again (and only it).
fn whole_compile(subcommand: &str, dir: &Path, target: &Path) -> std::io::Result<Command> {
    // Touching the module makes cargo rebuild this crate (and only it).
    let module = dir.join("src/module.rs");
    std::fs::write(&module, std::fs::read(&module)?)?;
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args([subcommand, "--quiet", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        // Incremental compilation would reuse the previous build of an unchanged
        // file and measure nothing.
        .env("CARGO_INCREMENTAL", "0");
    Ok(cargo)
}

/// Seconds the attribute itself spent expanding the crate at `dir`, by a
/// `cargo check` with `TONIC_SESSION_EXPANSION_TIME` set (the macro then says how
/// long each expansion took; see `tonic-session-macros`).
pub(crate) fn expansion_seconds(
    dir: &Path,
    krate: &str,
    target: &Path,
) -> Result<f64, crate::BoxError> {
    let output = whole_compile("check", dir, target)?
        .env("TONIC_SESSION_EXPANSION_TIME", "1")
        .output()?;
    if !output.status.success() {
        return Err(format!("cargo check of {} failed", dir.display()).into());
    }
    match expansion_micros(&String::from_utf8_lossy(&output.stderr), krate) {
        Some(micros) => Ok(micros as f64 / 1e6),
        None => Err("the attribute said nothing of its expansion time".into()),
    }
}

/// The sum of the expansion times the attribute printed for crate `krate` (the
/// other lines are dependencies' output replayed), if it printed any.
fn expansion_micros(stderr: &str, krate: &str) -> Option<u64> {
    let times: Vec<u64> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("tonic-session expansion: "))
        .filter_map(|rest| {
            let mut words = rest.split_whitespace();
            let of = words.next()?;
            let micros = words.nth(1)?.parse().ok()?;
            (of == krate).then_some(micros)
        })
        .collect();
    (!times.is_empty()).then(|| times.iter().sum())
}

pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Where the throwaway crates and their target directory go.
pub(crate) fn base_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    target.join("build-cost")
}

/// Builds both sides, alternately; median seconds of each.
pub fn measure(mode: Mode) -> Result<BuildCost, crate::BoxError> {
    let root = repo_root();
    let base = base_dir();
    let session_dir = base.join("session");
    let raw_dir = base.join("raw");
    let session_greeter = std::fs::read_to_string(root.join("examples/src/greeter.rs"))?;
    write_crate(&session_dir, "build-cost-session", &session_greeter)?;
    write_crate(&raw_dir, "build-cost-raw", include_str!("raw_greeter.rs"))?;
    let target = base.join("target");
    eprintln!("build cost: warming up (dependencies build once)");
    build(&session_dir, &target)?;
    build(&raw_dir, &target)?;
    let samples = if mode == Mode::Quick { 3 } else { 7 };
    let (mut session, mut raw) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        session.push(build(&session_dir, &target)?);
        raw.push(build(&raw_dir, &target)?);
    }
    Ok(BuildCost {
        session_seconds: median(session),
        raw_seconds: median(raw),
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expansion_times_printed_are_summed() {
        let stderr = "warning: unused\n\
                      tonic_session_examples #[client] 99 us\n\
                      tonic-session expansion: big_session #[service] 1200 us\n\
                      tonic-session expansion: tonic_session_examples #[client] 77 us\n\
                      tonic-session expansion: big_session #[client] 34 us\n";
        assert_eq!(expansion_micros(stderr, "big_session"), Some(1234));
        assert_eq!(expansion_micros(stderr, "big_raw"), None);
        assert_eq!(expansion_micros("warning: unused\n", "big_session"), None);
    }
}
