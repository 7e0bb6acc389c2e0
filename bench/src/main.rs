//! `cargo run --release -p tonic-session-bench -- [--quick]`: tonic-session against
//! hand-written tonic, over loopback, in one run, on a multi-thread runtime.
//!
//! Every variant runs in interleaved rounds (so a noisy machine hurts all alike);
//! figures are medians, targets are ratios of medians from the same run. Writes
//! `target/bench-report.json`; the full mode also writes `BENCHMARKS.md` and
//! `benchmarks.svg` at the repository root.

mod big_service;
mod big_sources;
mod bindings_cost;
mod build_cost;
mod idle;
mod lint_speed;
mod measure;
mod raw;
mod report;
mod scale;
mod scale_report;
mod servers;
mod session;
mod stall;
mod stalled;
mod tail;

// Compiled so it cannot rot: its text is the hand-written side of the build-cost
// comparison (see `build_cost`).
#[allow(dead_code)]
mod raw_greeter;

use std::future::Future;
use std::path::PathBuf;

use crate::measure::{Mode, Results};

mod benchpb {
    tonic::include_proto!("benchpb");
}
pub(crate) use tonic_session_examples::pb;

/// The error of every fallible step: `Send`, so a measurement can run as a task.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Runs `work` as a task on the runtime, so the measured calling code (the raw
/// callers, a session's sending half) runs on a worker thread, as it does in a
/// handler or any spawned task. On `block_on`'s own thread it would be a third
/// thread on a 2-core machine, and every wait there a thread park: in a loaded
/// stretch, `perf stat` counted 126,000 context switches in a quick run of the
/// session upload (its sending half parks whenever its 64 slots are full) against
/// 6,400 for raw mpsc, whose feeding task parks as a task on a worker.
async fn on_worker<T: Send + 'static>(
    work: impl Future<Output = Result<T, BoxError>> + Send + 'static,
) -> Result<T, BoxError> {
    tokio::spawn(work).await?
}

/// A message of about 16 bytes on the wire.
pub(crate) fn msg(seq: u64) -> benchpb::Msg {
    benchpb::Msg {
        seq,
        pad: vec![7; 10],
    }
}

/// The repository root (this crate is `bench/` in it).
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The arguments of a child's side (`raw|session N`): raw or not, and N.
fn child_side(args: &mut impl Iterator<Item = String>) -> (bool, usize) {
    let raw = args.next().as_deref() == Some("raw");
    let calls = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    (raw, calls)
}

fn main() -> Result<(), BoxError> {
    let mut mode = Mode::Full;
    let mut build_cost = None;
    let mut only = None;
    let mut bindings = None;
    let mut lint_speed = false;
    let mut big_service = false;
    let mut tail = None;
    let mut idle = None;
    let mut stalled = None;
    let mut samples = 3;
    let mut scale = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => only = args.next(),
            "--bindings" => bindings = args.next().and_then(|n| n.parse::<usize>().ok()),
            "--samples" => samples = args.next().and_then(|n| n.parse().ok()).unwrap_or(3),
            "--quick" => mode = Mode::Quick,
            "--lint-speed" => lint_speed = true,
            "--big-service" => big_service = true,
            "--scale" => scale = true,
            "--tail" => tail = args.next().and_then(|n| n.parse::<usize>().ok()),
            "--idle" => idle = args.next().and_then(|n| n.parse::<usize>().ok()),
            "--stalled" => stalled = args.next().and_then(|n| n.parse::<usize>().ok()),
            "--stalled-side" => {
                let (raw, calls) = child_side(&mut args);
                return stalled::measure_side(raw, calls);
            }
            "--idle-side" => {
                let (raw, calls) = child_side(&mut args);
                return idle::measure_side(raw, calls, args.next().as_deref());
            }
            "--build-cost" => build_cost = Some(true),
            "--no-build-cost" => build_cost = Some(false),
            "--help" | "-h" => {
                println!(
                    "usage: tonic-session-bench [--quick] [--build-cost | --no-build-cost] [--only TEXT] [--scale | --bindings N | --big-service | --lint-speed | --tail N | --idle N | --stalled N] [--samples K]\n  \
                     --quick: a run within a minute (writes target/bench-report.json only)\n  \
                     full (default): more rounds, the build-cost comparison and the scaling points, BENCHMARKS.md and its plots\n  \
                     --scale: only the concurrency scaling (N sessions at once over 1 and 16 connections), session against raw (writes target/bench-scale.json)\n  \
                     --only TEXT: only the variants whose name contains TEXT (or one of TEXT,TEXT..), or only `build_cost` (writes no files)\n  \
                     --bindings N: only the build cost of one client function of N awaited `let`s, with the attribute against without, K samples (writes no files)\n  \
                     --big-service: only the build cost of a generated service of 40 streaming methods and its 40 client functions, `cargo check` and `cargo build`, session against raw, K samples (writes no files)\n  \
                     --lint-speed: only `cargo tonic-session check` on a generated 100,000-line crate, K samples (writes no files)\n  \
                     --tail N: only the tail latency of N concurrent bidi ping-pong sessions, session against raw, K rounds (writes no files)\n  \
                     --idle N: only the resident memory of N parked calls of each kind, session against raw, K rounds (writes no files)\n  \
                     --stalled N: only the resident memory of N server streams nobody reads, each second for 10 s, session against raw, K rounds (writes no files)"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)").into()),
        }
    }
    if let Some(calls) = stalled {
        return stalled::measure(calls, samples);
    }
    if let Some(calls) = idle {
        return idle::measure(calls, samples);
    }
    if let Some(sessions) = tail {
        return tail::measure(sessions, samples);
    }
    if big_service {
        let cost = big_service::measure(samples)?;
        println!(
            "{} methods, median of {}: cargo check {:.2} s vs {:.2} s ({:.2}x), cargo build {:.2} s vs {:.2} s ({:.2}x); the attributes' expansion {:.3} s",
            cost.methods,
            cost.samples,
            cost.check_seconds.0,
            cost.check_seconds.1,
            cost.check_ratio(),
            cost.build_seconds.0,
            cost.build_seconds.1,
            cost.build_ratio(),
            cost.expansion_seconds
        );
        return Ok(());
    }
    if lint_speed {
        return lint_speed::measure(samples);
    }
    if let Some(n) = bindings {
        return bindings_cost::measure(n, samples);
    }
    let started = std::time::Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if only.as_deref() == Some("build_cost") {
        println!("{:?}", build_cost::measure(mode)?);
        return Ok(());
    }
    if scale {
        let points = runtime.block_on(on_worker(scale::run(mode)))?;
        println!("{}", scale_report::markdown(&points));
        let path = report::target_dir().join("bench-scale.json");
        std::fs::create_dir_all(report::target_dir())?;
        std::fs::write(&path, format!("{{\n{}\n}}\n", scale_report::json(&points)))?;
        println!(
            "{} points in {:.0} s; wrote {}",
            points.len(),
            started.elapsed().as_secs_f64(),
            path.display()
        );
        return Ok(());
    }
    if let Some(only) = only {
        let results = runtime.block_on(on_worker(measure::run(mode, Some(only))))?;
        for (variant, samples) in &results.samples {
            println!(
                "{variant}: median {:.0}/s over {} samples",
                results.median(variant),
                samples.len()
            );
        }
        return Ok(());
    }
    let mut results: Results = runtime.block_on(on_worker(measure::run(mode, None)))?;
    results.stall = runtime.block_on(stall::measure())?;
    if mode == Mode::Full {
        results.scale = Some(runtime.block_on(on_worker(scale::run(mode)))?);
    }
    drop(runtime);
    if build_cost.unwrap_or(mode == Mode::Full) {
        results.build_cost = Some(build_cost::measure(mode)?);
        let samples = if mode == Mode::Quick { 3 } else { 5 };
        results.big_service = Some(big_service::measure(samples)?);
    }
    results.seconds = started.elapsed().as_secs_f64();
    report::write(&results, mode)?;
    Ok(())
}
