//! Memory per idle session: N bidi calls opened, one message each way, then
//! parked; resident memory per call above the same process with none open, the
//! hand-written tonic client and server against sessions on both sides. Each side
//! of each round runs in a fresh process (this binary, `--idle-side`), so memory a
//! previous side freed cannot be reused and hide what the next one takes; sides
//! alternate first over the rounds.

use std::time::Duration;

use tonic::Status;
use tonic::transport::Channel;
use tonic_session::client::{Receiver, Sender};
use tonic_session_tests::process::resident_bytes;

use crate::benchpb::Msg;
use crate::benchpb::bench_client::BenchClient;
use crate::msg;
use crate::raw::RawPingPong;
use crate::servers::with_servers;

/// Parked calls of one side.
enum Parked {
    Raw(Vec<RawPingPong>),
    Session(Vec<(Sender<Msg>, Receiver<Msg>)>),
}

#[tonic_session::client]
async fn open_session(
    mut client: BenchClient<Channel>,
) -> Result<(Sender<Msg>, Receiver<Msg>), Status> {
    let (mut tx, mut rx) = client.ping_pong(..).await?;
    tx.send(msg(0)).await?;
    if rx.message().await?.is_none() {
        return Err(Status::internal("no pong"));
    }
    Ok((tx, rx))
}

async fn open_raw(mut client: BenchClient<Channel>) -> Result<RawPingPong, Status> {
    let mut call = RawPingPong::open(&mut client).await?;
    call.round_trips(0..1).await?;
    Ok(call)
}

async fn open(client: &BenchClient<Channel>, calls: usize, raw: bool) -> Result<Parked, Status> {
    if raw {
        let mut parked = Vec::with_capacity(calls);
        for _ in 0..calls {
            parked.push(open_raw(client.clone()).await?);
        }
        return Ok(Parked::Raw(parked));
    }
    let mut parked = Vec::with_capacity(calls);
    for _ in 0..calls {
        parked.push(open_session(client.clone()).await?);
    }
    Ok(Parked::Session(parked))
}

#[tonic_session::client]
async fn close(parked: Parked) -> Result<(), Status> {
    match parked {
        Parked::Raw(calls) => {
            for call in calls {
                call.close().await?;
            }
        }
        Parked::Session(calls) => {
            for (tx, rx) in calls {
                let _half_closed = tx.finish();
                let _ended = rx.finish().await?;
            }
        }
    }
    Ok(())
}

/// Resident bytes once the process has settled for a moment.
async fn settled_rss() -> u64 {
    tokio::time::sleep(Duration::from_millis(300)).await;
    resident_bytes().unwrap_or(0)
}

/// Bytes per parked call on one side, in this process.
async fn side(
    client: &BenchClient<Channel>,
    calls: usize,
    raw: bool,
) -> Result<f64, crate::BoxError> {
    let before = settled_rss().await;
    let parked = open(client, calls, raw).await?;
    let held = settled_rss().await;
    close(parked).await?;
    Ok(held.saturating_sub(before) as f64 / calls as f64)
}

/// The child's part (`--idle-side raw|session N`): prints bytes per parked call.
pub fn measure_side(raw: bool, calls: usize) -> Result<(), crate::BoxError> {
    with_servers(move |servers| async move {
        // One call each way first: connections, tasks and buffers that any first
        // call sets up are part of the baseline, not of the calls measured.
        let client = if raw {
            &servers.raw_round_trips
        } else {
            &servers.session_round_trips
        };
        close(open(client, 1, raw).await?).await?;
        println!("{}", side(client, calls, raw).await?);
        Ok(())
    })
}

/// Runs this binary with `args` in a fresh process; what it printed, trimmed.
pub(crate) fn in_child(args: &[&str]) -> Result<String, crate::BoxError> {
    let output = std::process::Command::new(std::env::current_exe()?)
        .args(args)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "`{}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Lower quartile, median and upper quartile of `values` (sorted in place).
pub(crate) fn quartiles(values: &mut [f64]) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    [0.25, 0.5, 0.75].map(|q| crate::measure::quantile(values, q))
}

/// `rounds` rounds of `calls` parked calls on each side.
pub fn measure(calls: usize, rounds: usize) -> Result<(), crate::BoxError> {
    let (mut raw_bytes, mut session_bytes) = (Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for raw in order {
            let side = if raw { "raw" } else { "session" };
            let bytes: f64 = in_child(&["--idle-side", side, &calls.to_string()])?.parse()?;
            if raw {
                raw_bytes.push(bytes)
            } else {
                session_bytes.push(bytes)
            }
        }
        println!(
            "round {round}: {calls} parked bidi calls: raw {:.0} B/call, session {:.0} B/call",
            raw_bytes[round], session_bytes[round]
        );
    }
    let (raw, session) = (quartiles(&mut raw_bytes), quartiles(&mut session_bytes));
    println!(
        "memory per idle bidi session ({calls} parked, client and server in one process): raw {:.0} B \
         ({:.0}-{:.0}), session {:.0} B ({:.0}-{:.0}); session - raw {:.0} B (target <= 256 B), ratio {:.3}",
        raw[1],
        raw[0],
        raw[2],
        session[1],
        session[0],
        session[2],
        session[1] - raw[1],
        session[1] / raw[1].max(1.0)
    );
    Ok(())
}
