//! Tail latency under concurrency: N bidi ping-pong sessions at once, each making
//! sequential round trips, every round trip recorded in an HDR histogram
//! (`hdrhistogram`). Hand-written tonic (an mpsc request stream, the raw server)
//! against sessions on both sides, in alternating rounds of the same run; p50, p99
//! and p99.9 of each, and the ratio of the p99s with its quartiles over the rounds.
//! Then the same for N tasks making sequential unary calls: one handler served with
//! and without `SessionLayer`.

use std::time::Instant;

use hdrhistogram::Histogram;
use tokio::task::JoinSet;
use tonic::Status;
use tonic::transport::Channel;

use crate::benchpb::bench_client::BenchClient;
use crate::msg;
use crate::raw::RawPingPong;
use crate::servers::{Servers, with_servers};

/// Round trips per session per round.
const TRIPS: u64 = 100;

fn histogram() -> Histogram<u64> {
    // Microseconds, up to a minute, 3 significant figures.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid bounds")
}

async fn raw_session(mut client: BenchClient<Channel>) -> Result<Histogram<u64>, Status> {
    let mut times = histogram();
    let mut call = RawPingPong::open(&mut client).await?;
    for seq in 0..TRIPS {
        let started = Instant::now();
        call.round_trips(seq..seq + 1).await?;
        let _ = times.record(started.elapsed().as_micros() as u64);
    }
    call.close().await?;
    Ok(times)
}

#[tonic_session::client]
async fn session_session(mut client: BenchClient<Channel>) -> Result<Histogram<u64>, Status> {
    let mut times = histogram();
    let (mut tx, mut rx) = client.ping_pong(..).await?;
    for seq in 0..TRIPS {
        let started = Instant::now();
        tx.send(msg(seq)).await?;
        match rx.message().await? {
            Some(pong) if pong.seq == seq => {}
            other => return Err(Status::internal(format!("round {seq}: got {other:?}"))),
        }
        let _ = times.record(started.elapsed().as_micros() as u64);
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(times)
}

/// `TRIPS` sequential unary calls, each one timed: the same handler served with and
/// without `SessionLayer` (and the attribute) around it.
async fn unary_calls(mut client: BenchClient<Channel>) -> Result<Histogram<u64>, Status> {
    let mut times = histogram();
    for seq in 0..TRIPS {
        let started = Instant::now();
        let reply = client.unary(msg(seq)).await?.into_inner();
        if reply.seq != seq {
            return Err(Status::internal(format!("call {seq}: got #{}", reply.seq)));
        }
        let _ = times.record(started.elapsed().as_micros() as u64);
    }
    Ok(times)
}

/// What each concurrent task does in a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trips {
    /// Round trips on one bidi call.
    PingPong,
    /// Sequential unary calls.
    Unary,
}

/// One side of a round: `sessions` tasks at once; their round trips merged.
async fn side(
    client: &BenchClient<Channel>,
    sessions: usize,
    raw: bool,
    trips: Trips,
) -> Result<Histogram<u64>, crate::BoxError> {
    let mut tasks = JoinSet::new();
    for _ in 0..sessions {
        let client = client.clone();
        match (trips, raw) {
            (Trips::PingPong, true) => tasks.spawn(raw_session(client)),
            (Trips::PingPong, false) => tasks.spawn(session_session(client)),
            (Trips::Unary, _) => tasks.spawn(unary_calls(client)),
        };
    }
    let mut merged = histogram();
    while let Some(joined) = tasks.join_next().await {
        merged.add(joined??)?;
    }
    Ok(merged)
}

fn percentiles(times: &Histogram<u64>) -> [u64; 3] {
    [50.0, 99.0, 99.9].map(|q| times.value_at_quantile(q / 100.0))
}

/// Runs `rounds` rounds of `sessions` concurrent ping-pong sessions on each side,
/// then as many rounds of `sessions` tasks making unary calls.
pub fn measure(sessions: usize, rounds: usize) -> Result<(), crate::BoxError> {
    with_servers(move |servers| async move {
        for trips in [Trips::PingPong, Trips::Unary] {
            compare(&servers, sessions, rounds, trips).await?;
        }
        Ok(())
    })
}

/// `rounds` rounds of `trips` on each side, the first side alternating; prints
/// each round and the p99 ratio's quartiles.
async fn compare(
    servers: &Servers,
    sessions: usize,
    rounds: usize,
    trips: Trips,
) -> Result<(), crate::BoxError> {
    let what = match trips {
        Trips::PingPong => "bidi ping-pong sessions",
        Trips::Unary => {
            "tasks making unary calls (a handler under the attribute and SessionLayer vs plain)"
        }
    };
    let mut ratios = Vec::new();
    let (mut raw_all, mut session_all) = (histogram(), histogram());
    for round in 0..rounds.max(1) {
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        let mut taken = [histogram(), histogram()];
        for raw in order {
            let client = if raw {
                &servers.raw_round_trips
            } else {
                &servers.session_round_trips
            };
            taken[usize::from(!raw)] = side(client, sessions, raw, trips).await?;
        }
        let [raw, session] = taken;
        let (raw_p, session_p) = (percentiles(&raw), percentiles(&session));
        println!(
            "round {round}: {sessions} {what} x {TRIPS} round trips; raw p50/p99/p99.9 {raw_p:?} us, \
             session {session_p:?} us"
        );
        ratios.push(session_p[1] as f64 / raw_p[1].max(1) as f64);
        raw_all.add(&raw)?;
        session_all.add(&session)?;
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    println!(
        "tail latency, {sessions} concurrent {what}: all rounds raw p50/p99/p99.9 \
         {:?} us, session {:?} us; session p99 / raw p99 {:.3} ({:.3}-{:.3}) over {} rounds (target <= 1.05)",
        percentiles(&raw_all),
        percentiles(&session_all),
        at(0.5),
        at(0.25),
        at(0.75),
        ratios.len()
    );
    Ok(())
}
