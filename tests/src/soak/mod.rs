//! The fault soak: many sessions of all three streaming kinds against a session
//! server on loopback, each with a fault drawn from a seeded RNG, checked one by one
//! (`verdict`), with alive tasks back to the baseline after every batch and resident
//! memory bounded over the run.
//!
//! `cargo run -p tonic-session-tests --release --bin soak -- --full` runs the full
//! mode; the test suite runs the quick one (`tests/tests/soak.rs`).

mod client;
mod plan;
mod proxy;
mod rng;
mod server;
mod verdict;

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use tonic::transport::Channel;

pub use client::{End, Seen};
pub use plan::{FAULT_NAMES, Fault, Kind, Plan};
pub use server::{Ledger, Served, SoakService};

use crate::loopback::{Loopback, connect, quiet_tasks, settle_tasks};
use proxy::Proxy;
use rng::Rng;
use verdict::Undispatched;

/// How big a run is.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub sessions: u64,
    /// Sessions in flight at once; the checks run between batches of this size.
    pub batch: usize,
    pub seed: u64,
    /// How far resident memory may grow from the end of the first batch to the end.
    pub memory_bound: u64,
}

const MIB: u64 = 1024 * 1024;

impl Config {
    /// The quick mode: 1,000 sessions, seconds on 2 cores.
    pub fn quick(seed: u64) -> Config {
        Config {
            sessions: 1_000,
            batch: 25,
            seed,
            memory_bound: 16 * MIB,
        }
    }

    /// The full mode: 10,000 sessions.
    pub fn full(seed: u64) -> Config {
        Config {
            sessions: 10_000,
            ..Config::quick(seed)
        }
    }
}

/// What a run did; its `Display` is the summary line.
#[derive(Debug, Default)]
pub struct Summary {
    pub sessions: u64,
    pub seed: u64,
    pub batches: u64,
    pub by_kind: BTreeMap<&'static str, u64>,
    pub by_fault: BTreeMap<&'static str, u64>,
    /// Abandoned uploads reset before any handler ran.
    pub abandoned_before_dispatch: u64,
    /// Stalled calls whose deadline passed before any handler ran.
    pub timed_out_before_dispatch: u64,
    pub baseline_tasks: usize,
    pub memory_after_first_batch: u64,
    pub memory_at_end: u64,
    pub memory_bound: u64,
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |counts: &BTreeMap<&str, u64>| {
            counts
                .iter()
                .map(|(name, count)| format!("{name} {count}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mib = |bytes: u64| bytes as f64 / MIB as f64;
        write!(
            f,
            "soak: {} sessions (seed {}) in {:.1} s, every outcome as its fault requires; \
             kinds: {}; faults: {}; before any handler ran, {} abandoned uploads were reset and {} \
             deadlines passed; \
             alive tasks back to {} after each of {} batches; resident memory {:.1} MiB \
             after the first batch, {:.1} MiB at the end ({:+.1} MiB, bound {:.0} MiB)",
            self.sessions,
            self.seed,
            self.elapsed.as_secs_f64(),
            list(&self.by_kind),
            list(&self.by_fault),
            self.abandoned_before_dispatch,
            self.timed_out_before_dispatch,
            self.baseline_tasks,
            self.batches,
            mib(self.memory_after_first_batch),
            mib(self.memory_at_end),
            mib(self.memory_at_end) - mib(self.memory_after_first_batch),
            mib(self.memory_bound),
        )
    }
}

/// Longest one session may take before the soak calls it hung.
const SESSION_LIMIT: Duration = Duration::from_secs(20);

/// Keeps planned panics off stderr; every other panic is reported as usual.
fn silence_planned_panics() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<&str>() != Some(&server::PLANNED_PANIC) {
            report(info);
        }
    }));
}

/// Runs the soak on the current (multi-thread) runtime. `Err` lists what went wrong.
pub async fn run(config: Config) -> Result<Summary, String> {
    silence_planned_panics();
    let started = Instant::now();
    let (service, ledger) = SoakService::new();
    let server = Loopback::start(service.routes()).await;
    let channel = server.channel().await;
    // A call first, so both ends of the shared connection have all their tasks
    // before the baseline is counted: `connect` returns before the server accepts.
    warm_up(&channel, &ledger).await?;
    let baseline = quiet_tasks().await;
    let mut rng = Rng::new(config.seed);
    let mut summary = Summary {
        seed: config.seed,
        baseline_tasks: baseline,
        memory_bound: config.memory_bound,
        ..Summary::default()
    };
    let mut failures = Vec::new();
    let mut next_id = 0;
    while next_id < config.sessions {
        let size = (config.sessions - next_id).min(config.batch as u64);
        let plans: Vec<Plan> = (next_id..next_id + size)
            .map(|id| Plan::draw(&mut rng, id))
            .collect();
        next_id += size;
        let seen = run_batch(&plans, &server, &channel).await;
        // Every handler has ended once the tasks are back to the baseline, so the
        // ledger is complete.
        let alive = settle_tasks(baseline).await;
        if alive > baseline {
            failures.push(format!(
                "batch {}: {alive} tasks alive after it, {baseline} before the soak",
                summary.batches + 1
            ));
        }
        for (plan, seen) in plans.iter().zip(seen) {
            *summary.by_kind.entry(kind_name(plan.kind)).or_default() += 1;
            *summary.by_fault.entry(plan.fault.name()).or_default() += 1;
            let served = ledger.take(plan.id);
            let checked = match seen {
                Ok(seen) => {
                    if served.is_none() {
                        match verdict::undispatched(plan, &seen) {
                            Some(Undispatched::Abandoned) => summary.abandoned_before_dispatch += 1,
                            Some(Undispatched::TimedOut) => summary.timed_out_before_dispatch += 1,
                            None => {}
                        }
                    }
                    verdict::check(plan, &seen, served.as_ref())
                }
                Err(why) => Err(why),
            };
            if let Err(why) = checked {
                failures.push(format!("{plan}: {why}"));
            }
        }
        summary.batches += 1;
        summary.sessions += size;
        let memory = crate::process::resident_bytes().unwrap_or(0);
        if summary.batches == 1 {
            summary.memory_after_first_batch = memory;
        }
        summary.memory_at_end = memory;
        if failures.len() >= 20 {
            break;
        }
    }
    drop(channel);
    server.shutdown().await;
    summary.elapsed = started.elapsed();
    let growth = summary
        .memory_at_end
        .saturating_sub(summary.memory_after_first_batch);
    if growth > config.memory_bound {
        failures.push(format!(
            "resident memory grew by {:.1} MiB after the first batch (bound {} MiB)",
            growth as f64 / MIB as f64,
            config.memory_bound / MIB
        ));
    }
    if failures.is_empty() {
        Ok(summary)
    } else {
        Err(format!(
            "soak (seed {}): {} failures\n{}",
            config.seed,
            failures.len(),
            failures.join("\n")
        ))
    }
}

/// Plays one session with no fault over `channel` and checks it like the others.
async fn warm_up(channel: &Channel, ledger: &Ledger) -> Result<(), String> {
    let plan = Plan {
        id: u64::MAX,
        kind: Kind::Download,
        count: 2,
        fault: Fault::None,
    };
    let seen = client::play(plan, channel.clone(), None).await;
    // The handler writes its end down when its body is dropped, just after the
    // client has seen the status.
    let served = tokio::time::timeout(SESSION_LIMIT, async {
        loop {
            match ledger.take(plan.id) {
                Some(served) => return served,
                None => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }
    })
    .await
    .map_err(|_| format!("warm-up {plan}: the handler never wrote its end down"))?;
    verdict::check(&plan, &seen, Some(&served)).map_err(|why| format!("warm-up {plan}: {why}"))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Download => "server_streaming",
        Kind::Upload => "client_streaming",
        Kind::Chat => "bidi",
    }
}

/// Plays a batch of sessions at once; `Err` for a session that hung or panicked.
async fn run_batch(
    plans: &[Plan],
    server: &Loopback,
    channel: &Channel,
) -> Vec<Result<Seen, String>> {
    let mut sessions = JoinSet::new();
    for (index, plan) in plans.iter().copied().enumerate() {
        let shared = channel.clone();
        let addr = server.addr;
        sessions.spawn(async move {
            let played = tokio::time::timeout(SESSION_LIMIT, async move {
                if let Fault::ConnectionCut { .. } = plan.fault {
                    // A connection of its own, through a hop that can be cut.
                    let proxy = Proxy::start(addr).await.expect("proxy");
                    let channel = connect(proxy.addr).await;
                    client::play(plan, channel, Some(&proxy)).await
                } else {
                    client::play(plan, shared, None).await
                }
            })
            .await;
            let played = played.map_err(|_| format!("hung for {SESSION_LIMIT:?}"));
            (index, played)
        });
    }
    let mut seen = vec![Err("the client panicked".to_owned()); plans.len()];
    while let Some(joined) = sessions.join_next().await {
        // A client that panicked keeps its `Err`.
        if let Ok((index, played)) = joined {
            seen[index] = played;
        }
    }
    seen
}
