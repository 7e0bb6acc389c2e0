//! The runs: every variant in interleaved rounds, messages per second each time.

use std::collections::BTreeMap;
use std::time::Instant;

use tonic::Status;

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
    stream_messages: u64,
    ping_pongs: u64,
    unary_calls: u64,
}

impl Mode {
    fn sizes(self) -> Sizes {
        match self {
            Mode::Quick => Sizes {
                rounds: 5,
                stream_messages: 200_000,
                ping_pongs: 5_000,
                unary_calls: 5_000,
            },
            Mode::Full => Sizes {
                rounds: 15,
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
    pub stream_messages: u64,
    pub ping_pongs: u64,
    pub unary_calls: u64,
    pub stall: Stall,
    pub build_cost: Option<crate::build_cost::BuildCost>,
    pub seconds: f64,
}

impl Results {
    /// The median of a variant's samples.
    pub fn median(&self, variant: &str) -> f64 {
        let mut samples = self.samples.get(variant).cloned().unwrap_or_default();
        samples.sort_by(f64::total_cmp);
        match samples.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => samples[n / 2],
            n => (samples[n / 2 - 1] + samples[n / 2]) / 2.0,
        }
    }

    /// `median(a) / median(b)`.
    pub fn ratio(&self, a: &str, b: &str) -> f64 {
        self.median(a) / self.median(b)
    }
}

async fn server_stream(servers: &mut Servers, variant: Variant, count: u64) -> Result<u64, Status> {
    let client = match variant {
        Variant::Inline | Variant::Spawned => &mut servers.session_client,
        _ => &mut servers.raw_client,
    };
    let plan = Plan {
        count,
        variant: variant as i32,
        counted: false,
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

async fn unary(
    client: &mut crate::benchpb::bench_client::BenchClient<tonic::transport::Channel>,
    calls: u64,
) -> Result<u64, Status> {
    for seq in 0..calls {
        let reply: Msg = client.unary(msg(seq)).await?.into_inner();
        if reply.seq != seq {
            return Err(Status::internal("wrong reply"));
        }
    }
    Ok(calls)
}

/// One sample: runs `variant` once; items per second.
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
        "ping_pong_raw_mpsc" => raw::ping_pong(&mut servers.raw_client, sizes.ping_pongs).await?,
        "ping_pong_session" => {
            session::ping_pong(&mut servers.session_client, sizes.ping_pongs).await?
        }
        "unary_plain" => unary(&mut servers.raw_client, sizes.unary_calls).await?,
        "unary_attr" => unary(&mut servers.session_client, sizes.unary_calls).await?,
        other => return Err(Status::internal(format!("no variant `{other}`"))),
    };
    let expected = match variant {
        v if v.starts_with("ping_pong") => sizes.ping_pongs,
        v if v.starts_with("unary") => sizes.unary_calls,
        _ => n,
    };
    if items != expected {
        return Err(Status::internal(format!(
            "{variant}: {items} of {expected}"
        )));
    }
    Ok(items as f64 / started.elapsed().as_secs_f64())
}

/// Every variant, `rounds` times, interleaved (after one warm-up round), in
/// alternating order.
pub async fn run(mode: Mode, only: Option<&str>) -> Result<Results, Box<dyn std::error::Error>> {
    let sizes = mode.sizes();
    let mut servers = Servers::start().await?;
    let mut results = Results {
        rounds: sizes.rounds,
        stream_messages: sizes.stream_messages,
        ping_pongs: sizes.ping_pongs,
        unary_calls: sizes.unary_calls,
        ..Results::default()
    };
    for round in 0..=sizes.rounds {
        // Every other round in reverse, so no variant always runs in the wake of the
        // same neighbour.
        let mut order = VARIANTS;
        if round % 2 == 1 {
            order.reverse();
        }
        for variant in order {
            if only.is_some_and(|only| !only.split(',').any(|part| variant.contains(part))) {
                continue;
            }
            let per_second = sample(&mut servers, variant, &sizes).await?;
            if round > 0 {
                results.samples.entry(variant).or_default().push(per_second);
            }
        }
        eprintln!("round {round}/{} done", sizes.rounds);
    }
    Ok(results)
}
