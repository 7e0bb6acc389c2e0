//! The runs: every variant in interleaved rounds, messages per second each time.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use tonic::Status;

use tonic::transport::Channel;

use crate::benchpb::bench_client::BenchClient;
use crate::benchpb::{Msg, Plan, Variant};
use crate::servers::Servers;
use crate::stall::Stall;
use crate::{msg, raw, session};

/// How long a run takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Within a minute on 2 cores.
    Quick,
    /// The figures BENCHMARKS.md reports.
    Full,
}

struct Sizes {
    rounds: usize,
    /// Runs of each stream variant per round: one lasts tens of milliseconds, so a
    /// few more per round cost little and steady their medians.
    stream_repeats: usize,
    stream_messages: u64,
    ping_pongs: u64,
    unary_calls: u64,
}

impl Mode {
    fn sizes(self) -> Sizes {
        match self {
            Mode::Quick => Sizes {
                rounds: 5,
                stream_repeats: 4,
                stream_messages: 200_000,
                ping_pongs: 5_000,
                unary_calls: 5_000,
            },
            Mode::Full => Sizes {
                rounds: 15,
                stream_repeats: 4,
                stream_messages: 200_000,
                ping_pongs: 20_000,
                unary_calls: 20_000,
            },
        }
    }
}

/// Every variant measured; the order of `VARIANTS`.
pub const VARIANTS: [&str; 11] = [
    "server_stream_raw_mpsc",
    "server_stream_raw_async_stream",
    "server_stream_raw_iter",
    "server_stream_session_inline",
    "server_stream_session_spawned",
    "client_stream_raw",
    "client_stream_session",
    "ping_pong_raw_mpsc",
    "ping_pong_session",
    "unary_plain",
    "unary_attr",
];

/// What a run measured.
#[derive(Debug, Default)]
pub struct Results {
    /// Messages (or calls) per second, every round, per variant.
    pub samples: BTreeMap<&'static str, Vec<f64>>,
    pub rounds: usize,
    /// Samples per round of each stream variant.
    pub stream_repeats: usize,
    pub stream_messages: u64,
    pub ping_pongs: u64,
    pub unary_calls: u64,
    pub stall: Stall,
    pub build_cost: Option<crate::build_cost::BuildCost>,
    /// `cargo check` and `cargo build` of the generated big service.
    pub big_service: Option<crate::big_service::BigService>,
    /// The concurrency-scaling points (the full mode's).
    pub scale: Option<Vec<crate::scale::Point>>,
    pub seconds: f64,
}

impl Results {
    /// The median of a variant's samples.
    pub fn median(&self, variant: &str) -> f64 {
        let mut samples = self.samples.get(variant).cloned().unwrap_or_default();
        samples.sort_by(f64::total_cmp);
        quantile(&samples, 0.5)
    }

    /// `median(a) / median(b)`.
    pub fn ratio(&self, a: &str, b: &str) -> f64 {
        self.median(a) / self.median(b)
    }

    /// The quartiles (lower, median, upper) of `a / b` taken pass by pass: the
    /// `i`-th samples of two variants come from the same pass (stream variants ran
    /// a few seconds apart in it; a pair's two sides in one sample). How far they
    /// spread is how far one pass's noise moves a ratio. `None` unless both
    /// variants have a sample from every pass.
    pub fn paired_quartiles(&self, a: &str, b: &str) -> Option<[f64; 3]> {
        let (a, b) = (self.samples.get(a)?, self.samples.get(b)?);
        if a.len() != b.len() || a.is_empty() {
            return None;
        }
        let mut ratios: Vec<f64> = a.iter().zip(b).map(|(a, b)| a / b).collect();
        ratios.sort_by(f64::total_cmp);
        Some([0.25, 0.5, 0.75].map(|q| quantile(&ratios, q)))
    }
}

/// The `q` quantile of `sorted`, interpolated between neighbours (so the 0.5
/// quantile of an even count is the mean of the middle two); NaN if empty.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let position = q * last as f64;
    let (below, weight) = (position.floor() as usize, position.fract());
    let above = (below + 1).min(last);
    sorted[below] * (1.0 - weight) + sorted[above] * weight
}

async fn server_stream(servers: &mut Servers, variant: Variant, count: u64) -> Result<u64, Status> {
    let client = match variant {
        Variant::Inline | Variant::Spawned => &mut servers.session_client,
        _ => &mut servers.raw_client,
    };
    read_stream(client, variant, count).await
}

/// Asks for `count` messages produced as `variant` says and reads them all, in
/// order; how many came.
#[tonic_session::allow(
    unannotated_client,
    reason = "one raw reader for both servers, so only the server differs"
)]
pub async fn read_stream(
    client: &mut BenchClient<Channel>,
    variant: Variant,
    count: u64,
) -> Result<u64, Status> {
    let plan = Plan {
        count,
        variant: variant as i32,
        counted: false,
        park: false,
    };
    let mut stream = client.produce(plan).await?.into_inner();
    let mut next = 0;
    while let Some(message) = stream.message().await? {
        if message.seq != next {
            return Err(Status::internal(format!(
                "expected #{next}, got #{}",
                message.seq
            )));
        }
        next += 1;
    }
    Ok(next)
}

/// Round trips (calls, or pings) each side makes per turn in a paired sample.
pub const TURN: u64 = 100;

/// The sides of a paired sample (0 raw, 1 session) in the order they take the turn
/// that starts at round trip `seq`: raw first, then session first, and so on. The
/// second side of a turn ran 3-16% faster than the first, whichever it was (unary,
/// 3 runs each way): going second every time would count that as its own.
pub fn turn_order(seq: u64) -> [usize; 2] {
    if (seq / TURN).is_multiple_of(2) {
        [0, 1]
    } else {
        [1, 0]
    }
}

/// Both unary variants in one sample, taking turns every [`TURN`] calls: a
/// sequential call is a round trip whose latency follows whatever else the machine
/// is doing, so each side is timed through the same stretch of it. Calls per second
/// for (plain, attr).
async fn unary_pair(servers: &mut Servers, calls: u64) -> Result<(f64, f64), Status> {
    let mut spent = [Duration::ZERO; 2];
    let mut seq = 0;
    while seq < calls {
        let turn = TURN.min(calls - seq);
        for side in turn_order(seq) {
            let client = if side == 0 {
                &mut servers.raw_round_trips
            } else {
                &mut servers.session_round_trips
            };
            let started = Instant::now();
            for seq in seq..seq + turn {
                let reply: Msg = client.unary(msg(seq)).await?.into_inner();
                if reply.seq != seq {
                    return Err(Status::internal("wrong reply"));
                }
            }
            spent[side] += started.elapsed();
        }
        seq += turn;
    }
    let rate = |spent: Duration| calls as f64 / spent.as_secs_f64();
    Ok((rate(spent[0]), rate(spent[1])))
}

/// One sample of a stream variant: runs it once; messages per second.
async fn sample(servers: &mut Servers, variant: &str, sizes: &Sizes) -> Result<f64, Status> {
    let started = Instant::now();
    let n = sizes.stream_messages;
    let items = match variant {
        "server_stream_raw_mpsc" => server_stream(servers, Variant::Mpsc, n).await?,
        "server_stream_raw_async_stream" => server_stream(servers, Variant::AsyncStream, n).await?,
        "server_stream_raw_iter" => server_stream(servers, Variant::Iter, n).await?,
        "server_stream_session_inline" => server_stream(servers, Variant::Inline, n).await?,
        "server_stream_session_spawned" => server_stream(servers, Variant::Spawned, n).await?,
        "client_stream_raw" => raw::upload(&mut servers.raw_client, n).await?,
        "client_stream_session" => session::upload(&mut servers.session_client, n).await?,
        other => return Err(Status::internal(format!("no variant `{other}`"))),
    };
    if items != n {
        return Err(Status::internal(format!("{variant}: {items} of {n}")));
    }
    Ok(items as f64 / started.elapsed().as_secs_f64())
}

/// Variants measured together, raw first, taking turns within one sample.
const PAIRS: [[&str; 2]; 2] = [
    ["ping_pong_raw_mpsc", "ping_pong_session"],
    ["unary_plain", "unary_attr"],
];

/// One sample of a pair in [`PAIRS`], named by its first variant: items per second
/// for each of the two.
async fn pair(servers: &mut Servers, first: &str, sizes: &Sizes) -> Result<(f64, f64), Status> {
    match first {
        "ping_pong_raw_mpsc" => {
            let (raw, session) = session::ping_pong_pair(
                &mut servers.raw_round_trips,
                &mut servers.session_round_trips,
                sizes.ping_pongs,
            )
            .await?;
            let rate = |spent: Duration| sizes.ping_pongs as f64 / spent.as_secs_f64();
            Ok((rate(raw), rate(session)))
        }
        "unary_plain" => unary_pair(servers, sizes.unary_calls).await,
        other => Err(Status::internal(format!("no pair `{other}`"))),
    }
}

/// Whether `variant` streams `stream_messages` (a short sample, repeated per round).
fn is_stream(variant: &str) -> bool {
    variant.starts_with("server_stream") || variant.starts_with("client_stream")
}

/// Every variant, `rounds` times (the stream variants `stream_repeats` times per
/// round), interleaved after one warm-up round, in alternating order.
pub async fn run(mode: Mode, only: Option<String>) -> Result<Results, crate::BoxError> {
    let only = only.as_deref();
    let sizes = mode.sizes();
    let mut servers = Servers::start().await?;
    let mut results = Results {
        rounds: sizes.rounds,
        stream_repeats: sizes.stream_repeats,
        stream_messages: sizes.stream_messages,
        ping_pongs: sizes.ping_pongs,
        unary_calls: sizes.unary_calls,
        ..Results::default()
    };
    let mut pass = 0;
    for round in 0..=sizes.rounds {
        for repeat in 0..sizes.stream_repeats.max(1) {
            // Every other pass in reverse, so no variant always runs in the wake of
            // the same neighbour.
            let mut order = VARIANTS;
            if pass % 2 == 1 {
                order.reverse();
            }
            pass += 1;
            for variant in order {
                if repeat > 0 && !is_stream(variant) {
                    continue;
                }
                let picked = |name: &str| {
                    only.is_none_or(|only| only.split(',').any(|part| name.contains(part)))
                };
                let measured = match PAIRS.iter().find(|pair| pair.contains(&variant)) {
                    // A pair runs at its first one's turn if either is picked.
                    Some(&[first, second]) if first == variant => {
                        if !picked(first) && !picked(second) {
                            continue;
                        }
                        let (a, b) = pair(&mut servers, variant, &sizes).await?;
                        vec![(first, a), (second, b)]
                    }
                    Some(_) => continue,
                    None if picked(variant) => {
                        vec![(variant, sample(&mut servers, variant, &sizes).await?)]
                    }
                    None => continue,
                };
                if round > 0 {
                    for (variant, per_second) in measured {
                        results.samples.entry(variant).or_default().push(per_second);
                    }
                }
            }
        }
        eprintln!("round {round}/{} done", sizes.rounds);
    }
    Ok(results)
}
