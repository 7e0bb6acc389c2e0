//! Memory under stalled readers, over time: N server-streaming calls whose client
//! never reads, their producers sending without end (spawn + `mpsc` by hand, a
//! spawned sending half with sessions), over one real connection. Resident memory
//! per call above the same process before the calls, sampled every second for ten
//! seconds: what the server's plumbing, the HTTP/2 windows and the client hold is
//! bounded, so the figure must not grow with time. Each side of each round in a
//! fresh process, as for the idle figure.

use std::time::Duration;

use tonic::transport::Channel;
use tonic_session_tests::process::resident_bytes;

use crate::benchpb::bench_client::BenchClient;
use crate::benchpb::{Plan, Variant};
use crate::idle::{in_child, quartiles};
use crate::servers::with_servers;

/// Seconds sampled.
const SECONDS: usize = 10;

/// Opens `calls` endless streams and keeps them unread; returns the responses.
#[tonic_session::allow(
    unannotated_client,
    reason = "holds the streams unread on purpose: the stalled-client measurement"
)]
async fn stall(
    client: &BenchClient<Channel>,
    calls: usize,
    raw: bool,
) -> Result<Vec<tonic::Response<tonic::Streaming<crate::benchpb::Msg>>>, tonic::Status> {
    let variant = producer(raw);
    let mut held = Vec::with_capacity(calls);
    for _ in 0..calls {
        let plan = Plan {
            count: u64::MAX,
            variant: variant as i32,
            counted: false,
            park: false,
        };
        held.push(client.clone().produce(plan).await?);
    }
    Ok(held)
}

/// The producer of each side: a task sending into what the server streams.
fn producer(raw: bool) -> Variant {
    if raw { Variant::Mpsc } else { Variant::Spawned }
}

/// The child's part (`--stalled-side raw|session N`): prints bytes per stalled call
/// at each second, space-separated.
pub fn measure_side(raw: bool, calls: usize) -> Result<(), crate::BoxError> {
    with_servers(move |servers| async move {
        let client = if raw {
            &servers.raw_client
        } else {
            &servers.session_client
        };
        // One call first, its stream read to the end: what any first call sets up
        // is part of the baseline.
        crate::measure::read_stream(&mut client.clone(), producer(raw), 1).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = resident_bytes().unwrap_or(0);
        let held = stall(client, calls, raw).await?;
        let mut per_call = Vec::with_capacity(SECONDS);
        for _ in 0..SECONDS {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let now = resident_bytes().unwrap_or(0);
            per_call.push(format!(
                "{:.0}",
                now.saturating_sub(before) as f64 / calls as f64
            ));
        }
        drop(held);
        println!("{}", per_call.join(" "));
        Ok(())
    })
}

/// `rounds` rounds of `calls` stalled calls on each side; prints bytes per call
/// after one second and after ten, and the growth between.
pub fn measure(calls: usize, rounds: usize) -> Result<(), crate::BoxError> {
    let mut first = [Vec::new(), Vec::new()];
    let mut last = [Vec::new(), Vec::new()];
    for round in 0..rounds.max(1) {
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for raw in order {
            let side = if raw { "raw" } else { "session" };
            let said = in_child(&["--stalled-side", side, &calls.to_string()])?;
            let samples: Vec<f64> = said
                .split_whitespace()
                .map(str::parse)
                .collect::<Result<_, _>>()?;
            let (Some(&one), Some(&ten)) = (samples.first(), samples.last()) else {
                return Err(format!("the {side} side printed nothing").into());
            };
            println!(
                "round {round}: {side}: {calls} stalled calls, bytes per call each second: {said}"
            );
            first[usize::from(!raw)].push(one);
            last[usize::from(!raw)].push(ten);
        }
    }
    for (index, side) in ["raw", "session"].into_iter().enumerate() {
        let [a1, a2, a3] = quartiles(&mut first[index]);
        let [b1, b2, b3] = quartiles(&mut last[index]);
        println!(
            "stalled readers ({calls} calls, client and server in one process), {side}: \
             {a2:.0} B/call after 1 s ({a1:.0}-{a3:.0}), {b2:.0} B/call after {SECONDS} s \
             ({b1:.0}-{b3:.0}), growth {:.0} B/call",
            b2 - a2
        );
    }
    Ok(())
}
