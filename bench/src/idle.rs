//! Memory per idle session: N calls of one kind opened, one message each way (an
//! upload: one message sent), then parked; resident memory per call above the same
//! process with none open, the hand-written tonic client and server against
//! sessions on both sides. Bidi: ping-pong, raw spawn + `mpsc` on the server.
//! Server streaming: raw `async_stream!` against a session sending from the body,
//! each keeping the stream open after its message. Client streaming: raw, a spawned
//! call fed by an `mpsc` channel, against an upload half. Each side of each round
//! runs in a fresh process (this binary, `--idle-side`), so memory a previous side
//! freed cannot be reused and hide what the next one takes; sides alternate first
//! over the rounds.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::{Response, Status, Streaming};
use tonic_session::client::{Receiver, Sender, Upload};
use tonic_session_tests::process::resident_bytes;

use crate::benchpb::bench_client::BenchClient;
use crate::benchpb::{Msg, Plan, Variant};
use crate::msg;
use crate::raw::RawPingPong;
use crate::servers::with_servers;

/// The kinds of call parked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bidi,
    ServerStreaming,
    ClientStreaming,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Bidi, Kind::ServerStreaming, Kind::ClientStreaming];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Bidi => "bidi",
            Kind::ServerStreaming => "server_streaming",
            Kind::ClientStreaming => "client_streaming",
        }
    }

    fn named(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// A raw upload: the request stream's feed, and the call, spawned.
type RawUpload = (
    mpsc::Sender<Msg>,
    JoinHandle<Result<Response<Plan>, Status>>,
);

/// Parked calls of one side and kind.
enum Parked {
    RawBidi(Vec<RawPingPong>),
    SessionBidi(Vec<(Sender<Msg>, Receiver<Msg>)>),
    RawDown(Vec<Streaming<Msg>>),
    SessionDown(Vec<Receiver<Msg>>),
    RawUp(Vec<RawUpload>),
    SessionUp(Vec<Upload<Msg, Plan>>),
}

fn parked_plan(variant: Variant) -> Plan {
    Plan {
        count: 1,
        variant: variant as i32,
        counted: false,
        park: true,
    }
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

#[tonic_session::client]
async fn open_session_down(mut client: BenchClient<Channel>) -> Result<Receiver<Msg>, Status> {
    let mut rx = client.produce(parked_plan(Variant::Inline)).await?;
    if rx.message().await?.is_none() {
        return Err(Status::internal("no message"));
    }
    Ok(rx)
}

#[tonic_session::client]
async fn open_session_up(mut client: BenchClient<Channel>) -> Result<Upload<Msg, Plan>, Status> {
    let mut upload = client.consume(..).await?;
    upload.send(msg(0)).await?;
    Ok(upload)
}

async fn open_raw(mut client: BenchClient<Channel>) -> Result<RawPingPong, Status> {
    let mut call = RawPingPong::open(&mut client).await?;
    call.round_trips(0..1).await?;
    Ok(call)
}

#[tonic_session::allow(
    unannotated_client,
    reason = "the hand-written tonic clients the bench measures sessions against"
)]
mod raw_clients {
    use super::*;

    pub(super) async fn open_raw_down(
        mut client: BenchClient<Channel>,
    ) -> Result<Streaming<Msg>, Status> {
        let plan = parked_plan(Variant::AsyncStream);
        let mut stream = client.produce(plan).await?.into_inner();
        if stream.message().await?.is_none() {
            return Err(Status::internal("no message"));
        }
        Ok(stream)
    }

    pub(super) async fn open_raw_up(mut client: BenchClient<Channel>) -> Result<RawUpload, Status> {
        let (tx, rx) = mpsc::channel(128);
        tx.send(msg(0))
            .await
            .map_err(|_| Status::internal("the request stream is gone"))?;
        let call = tokio::spawn(async move { client.consume(ReceiverStream::new(rx)).await });
        Ok((tx, call))
    }

    /// Ends the raw parked calls: dropped streams, closed uploads.
    pub(super) async fn close_raw_down_and_up(parked: Parked) -> Result<(), Status> {
        match parked {
            Parked::RawDown(streams) => drop(streams),
            Parked::RawUp(uploads) => {
                for (tx, call) in uploads {
                    drop(tx);
                    call.await
                        .map_err(|err| Status::internal(err.to_string()))??;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

async fn open(
    client: &BenchClient<Channel>,
    calls: usize,
    raw: bool,
    kind: Kind,
) -> Result<Parked, Status> {
    macro_rules! each {
        ($variant:ident, $open:expr) => {{
            let mut parked = Vec::with_capacity(calls);
            for _ in 0..calls {
                parked.push($open(client.clone()).await?);
            }
            Parked::$variant(parked)
        }};
    }
    Ok(match (kind, raw) {
        (Kind::Bidi, true) => each!(RawBidi, open_raw),
        (Kind::Bidi, false) => each!(SessionBidi, open_session),
        (Kind::ServerStreaming, true) => each!(RawDown, raw_clients::open_raw_down),
        (Kind::ServerStreaming, false) => each!(SessionDown, open_session_down),
        (Kind::ClientStreaming, true) => each!(RawUp, raw_clients::open_raw_up),
        (Kind::ClientStreaming, false) => each!(SessionUp, open_session_up),
    })
}

#[tonic_session::client]
async fn close(parked: Parked) -> Result<(), Status> {
    match parked {
        Parked::RawBidi(calls) => {
            for call in calls {
                call.close().await?;
            }
        }
        Parked::SessionBidi(calls) => {
            for (tx, rx) in calls {
                let _half_closed = tx.finish();
                let _ended = rx.finish().await?;
            }
        }
        Parked::SessionDown(calls) => {
            for rx in calls {
                let _cancelled = rx.cancel();
            }
        }
        Parked::SessionUp(calls) => {
            for upload in calls {
                let _reply = upload.finish().await?;
            }
        }
        raw => raw_clients::close_raw_down_and_up(raw).await?,
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
    kind: Kind,
) -> Result<f64, crate::BoxError> {
    let before = settled_rss().await;
    let parked = open(client, calls, raw, kind).await?;
    let held = settled_rss().await;
    close(parked).await?;
    Ok(held.saturating_sub(before) as f64 / calls as f64)
}

/// The child's part (`--idle-side raw|session N [KIND]`): prints bytes per parked
/// call of `kind` (bidi when not named).
pub fn measure_side(raw: bool, calls: usize, kind: Option<&str>) -> Result<(), crate::BoxError> {
    let kind = match kind {
        None => Kind::Bidi,
        Some(name) => Kind::named(name).ok_or_else(|| format!("no kind `{name}`"))?,
    };
    with_servers(move |servers| async move {
        // One call each way first: connections, tasks and buffers that any first
        // call sets up are part of the baseline, not of the calls measured.
        let client = if raw {
            &servers.raw_round_trips
        } else {
            &servers.session_round_trips
        };
        close(open(client, 1, raw, kind).await?).await?;
        println!("{}", side(client, calls, raw, kind).await?);
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

/// `rounds` rounds of `calls` parked calls of each kind on each side.
pub fn measure(calls: usize, rounds: usize) -> Result<(), crate::BoxError> {
    for kind in Kind::ALL {
        measure_kind(kind, calls, rounds)?;
    }
    Ok(())
}

fn measure_kind(kind: Kind, calls: usize, rounds: usize) -> Result<(), crate::BoxError> {
    let (mut raw_bytes, mut session_bytes) = (Vec::new(), Vec::new());
    let name = kind.name();
    for round in 0..rounds.max(1) {
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for raw in order {
            let side = if raw { "raw" } else { "session" };
            let args = ["--idle-side", side, &calls.to_string(), name];
            let bytes: f64 = in_child(&args)?.parse()?;
            if raw {
                raw_bytes.push(bytes)
            } else {
                session_bytes.push(bytes)
            }
        }
        println!(
            "round {round}: {calls} parked {name} calls: raw {:.0} B/call, session {:.0} B/call",
            raw_bytes[round], session_bytes[round]
        );
    }
    let (raw, session) = (quartiles(&mut raw_bytes), quartiles(&mut session_bytes));
    println!(
        "memory per idle {name} session ({calls} parked, client and server in one process): raw {:.0} B \
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the parked server streams have nothing more to say for a while
    /// (they stay open); the other kinds are open by construction.
    async fn still_open(parked: &mut Parked) -> bool {
        let quiet = Duration::from_millis(50);
        match parked {
            Parked::RawDown(streams) => {
                for stream in streams {
                    if tokio::time::timeout(quiet, stream.message()).await.is_ok() {
                        return false;
                    }
                }
            }
            Parked::SessionDown(receivers) => {
                for rx in receivers {
                    if tokio::time::timeout(quiet, rx.message()).await.is_ok() {
                        return false;
                    }
                }
            }
            _ => {}
        }
        true
    }

    /// Every kind parks and ends cleanly on both sides: the session upload's
    /// `finish` gets the server's count of the one message sent, the parked
    /// server streams end when their clients go.
    #[test]
    fn every_kind_parks_and_closes_on_both_sides() {
        with_servers(|servers| async move {
            for kind in Kind::ALL {
                assert_eq!(Kind::named(kind.name()), Some(kind));
                for raw in [true, false] {
                    let client = match raw {
                        true => &servers.raw_round_trips,
                        false => &servers.session_round_trips,
                    };
                    let mut parked = open(client, 3, raw, kind).await?;
                    assert!(still_open(&mut parked).await, "{kind:?}, raw: {raw}");
                    let count = match &parked {
                        Parked::RawBidi(calls) => calls.len(),
                        Parked::SessionBidi(calls) => calls.len(),
                        Parked::RawDown(calls) => calls.len(),
                        Parked::SessionDown(calls) => calls.len(),
                        Parked::RawUp(calls) => calls.len(),
                        Parked::SessionUp(calls) => calls.len(),
                    };
                    assert_eq!(count, 3, "{kind:?}, raw: {raw}");
                    close(parked).await?;
                }
            }
            Ok(())
        })
        .unwrap();
    }
}
