//! The same service and clients, written with tonic-session.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};

use crate::benchpb::bench_client::BenchClient;
use crate::benchpb::bench_server::Bench;
use crate::benchpb::{Msg, Plan, Variant};
use crate::measure::{TURN, turn_order};
use crate::msg;
use crate::raw::RawPingPong;

/// The session service; `sent` counts the messages of `counted` plans.
#[derive(Clone, Default)]
pub struct SessionBench {
    pub sent: Arc<AtomicU64>,
}

async fn produce(tx: &mut Sender<Msg>, count: u64, sent: Option<&AtomicU64>) -> Result<(), Status> {
    for seq in 0..count {
        tx.send(msg(seq)).await?;
        if let Some(sent) = sent {
            sent.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(())
}

#[tonic_session::service]
impl Bench for SessionBench {
    async fn unary(&self, request: Request<Msg>) -> Result<Response<Msg>, Status> {
        Ok(Response::new(request.into_inner()))
    }

    async fn produce(
        &self,
        request: Request<Plan>,
        mut tx: Sender<Msg>,
    ) -> Result<Finished, Status> {
        let plan = request.into_inner();
        let sent = plan.counted.then(|| self.sent.clone());
        match plan.variant() {
            Variant::Inline => {
                produce(&mut tx, plan.count, sent.as_deref()).await?;
                if plan.park {
                    tx.closed().await;
                }
                Ok(tx.finish())
            }
            Variant::Spawned => {
                let task = tokio::spawn(async move {
                    produce(&mut tx, plan.count, sent.as_deref()).await?;
                    Ok(tx.finish())
                });
                task.await
                    .map_err(|err| Status::internal(err.to_string()))?
            }
            other => Err(Status::invalid_argument(format!(
                "{other:?} is a raw variant"
            ))),
        }
    }

    async fn consume(&self, request: Request<Receiver<Msg>>) -> Result<Response<Plan>, Status> {
        let mut rx = request.into_inner();
        let mut count = 0;
        while rx.message().await?.is_some() {
            count += 1;
        }
        Ok(Response::new(Plan {
            count,
            ..Plan::default()
        }))
    }

    async fn ping_pong(
        &self,
        request: Request<Receiver<Msg>>,
        mut tx: Sender<Msg>,
    ) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        while let Some(ping) = rx.message().await? {
            tx.send(ping).await?;
        }
        Ok(tx.finish())
    }
}

/// Client streaming with an upload half.
#[tonic_session::client]
pub async fn upload(client: &mut BenchClient<Channel>, count: u64) -> Result<u64, Status> {
    let mut upload = client.consume(..).await?;
    for seq in 0..count {
        upload.send(msg(seq)).await?;
    }
    Ok(upload.finish().await?.into_inner().count)
}

/// `rounds` sequential round trips on one bidi session; how many were made.
#[tonic_session::client]
pub async fn ping_pongs(client: &mut BenchClient<Channel>, rounds: u64) -> Result<u64, Status> {
    let (mut tx, mut rx) = client.ping_pong(..).await?;
    for seq in 0..rounds {
        tx.send(msg(seq)).await?;
        match rx.message().await? {
            Some(pong) if pong.seq == seq => {}
            other => return Err(Status::internal(format!("round {seq}: got {other:?}"))),
        }
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(rounds)
}

/// Sequential round trips on two bidi calls at once, the raw one by hand and a
/// session, taking turns every [`TURN`]: a round trip's latency follows
/// whatever else the machine is doing, so each side is timed through the same stretch
/// of it. The side that goes first alternates (see [`turn_order`]). Time spent in
/// round trips by (raw, session).
#[tonic_session::client]
pub async fn ping_pong_pair(
    raw: &mut BenchClient<Channel>,
    session: &mut BenchClient<Channel>,
    rounds: u64,
) -> Result<(Duration, Duration), Status> {
    let mut by_hand = RawPingPong::open(raw).await?;
    let (mut tx, mut rx) = session.ping_pong(..).await?;
    let mut spent = [Duration::ZERO; 2];
    let mut seq = 0;
    while seq < rounds {
        let turn = seq..seq + TURN.min(rounds - seq);
        for side in turn_order(seq) {
            let started = Instant::now();
            if side == 0 {
                by_hand.round_trips(turn.clone()).await?;
            } else {
                for seq in turn.clone() {
                    tx.send(msg(seq)).await?;
                    match rx.message().await? {
                        Some(pong) if pong.seq == seq => {}
                        other => {
                            return Err(Status::internal(format!("round {seq}: got {other:?}")));
                        }
                    }
                }
            }
            spent[side] += started.elapsed();
        }
        seq = turn.end;
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    by_hand.close().await?;
    Ok((spent[0], spent[1]))
}
