//! The baseline: the service and the clients as tonic users write them by hand today.

use std::ops::Range;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::{Request, Response, Status, Streaming};

use crate::benchpb::bench_client::BenchClient;
use crate::benchpb::bench_server::Bench;
use crate::benchpb::{Msg, Plan, Variant};
use crate::msg;

/// The hand-written service; `sent` counts the messages of `counted` plans.
#[derive(Clone, Default)]
pub struct RawBench {
    pub sent: Arc<AtomicU64>,
}

type BoxStream = Pin<Box<dyn Stream<Item = Result<Msg, Status>> + Send>>;

#[tonic::async_trait]
#[tonic_session::allow(
    unannotated_service,
    detached_half,
    reason = "the hand-written tonic server the bench measures sessions against"
)]
impl Bench for RawBench {
    async fn unary(&self, request: Request<Msg>) -> Result<Response<Msg>, Status> {
        Ok(Response::new(request.into_inner()))
    }

    type ProduceStream = BoxStream;

    async fn produce(&self, request: Request<Plan>) -> Result<Response<BoxStream>, Status> {
        let plan = request.into_inner();
        let count = plan.count;
        let stream: BoxStream = match plan.variant() {
            Variant::Mpsc => {
                let (tx, rx) = mpsc::channel(128);
                let sent = plan.counted.then(|| self.sent.clone());
                tokio::spawn(async move {
                    for seq in 0..count {
                        if tx.send(Ok(msg(seq))).await.is_err() {
                            break;
                        }
                        if let Some(sent) = &sent {
                            sent.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                });
                Box::pin(ReceiverStream::new(rx))
            }
            Variant::AsyncStream => {
                let park = plan.park;
                Box::pin(async_stream::stream! {
                    for seq in 0..count {
                        yield Ok(msg(seq));
                    }
                    if park {
                        // Open until the client goes away (the stream is dropped).
                        std::future::pending::<()>().await;
                    }
                })
            }
            // futures' `iter`, as the transport ceiling: tokio-stream's returns
            // Pending every 32 items (cooperative scheduling), so tonic would flush a
            // frame every 32 messages.
            Variant::Iter => Box::pin(futures_util::stream::iter(
                (0..count).map(|seq| Ok(msg(seq))),
            )),
            other => {
                return Err(Status::invalid_argument(format!(
                    "{other:?} is a session variant"
                )));
            }
        };
        Ok(Response::new(stream))
    }

    async fn consume(&self, request: Request<Streaming<Msg>>) -> Result<Response<Plan>, Status> {
        let mut stream = request.into_inner();
        let mut count = 0;
        while stream.message().await?.is_some() {
            count += 1;
        }
        Ok(Response::new(Plan {
            count,
            ..Plan::default()
        }))
    }

    type PingPongStream = ReceiverStream<Result<Msg, Status>>;

    async fn ping_pong(
        &self,
        request: Request<Streaming<Msg>>,
    ) -> Result<Response<Self::PingPongStream>, Status> {
        let mut stream = request.into_inner();
        let (tx, rx) = mpsc::channel(128);
        tokio::spawn(async move {
            loop {
                let reply = match stream.message().await {
                    Ok(Some(ping)) => Ok(ping),
                    Ok(None) => break,
                    Err(status) => Err(status),
                };
                let failed = reply.is_err();
                if tx.send(reply).await.is_err() || failed {
                    break;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

/// Client streaming by hand: a task feeds an mpsc channel wrapped as the request stream.
#[tonic_session::allow(
    unannotated_client,
    reason = "the hand-written tonic client the bench measures sessions against"
)]
pub async fn upload(client: &mut BenchClient<Channel>, count: u64) -> Result<u64, Status> {
    let (tx, rx) = mpsc::channel(128);
    let feeding = tokio::spawn(async move {
        for seq in 0..count {
            if tx.send(msg(seq)).await.is_err() {
                break;
            }
        }
    });
    let reply = client.consume(ReceiverStream::new(rx)).await?.into_inner();
    feeding
        .await
        .map_err(|err| Status::internal(err.to_string()))?;
    Ok(reply.count)
}

/// Sequential round trips by hand on one bidi call: an mpsc channel as the request
/// stream, taken a turn at a time.
pub struct RawPingPong {
    tx: mpsc::Sender<Msg>,
    replies: Streaming<Msg>,
}

impl RawPingPong {
    /// Opens the call.
    #[tonic_session::allow(
        unannotated_client,
        reason = "the hand-written tonic client the bench measures sessions against"
    )]
    pub async fn open(client: &mut BenchClient<Channel>) -> Result<RawPingPong, Status> {
        let (tx, rx) = mpsc::channel(128);
        let replies = client
            .ping_pong(ReceiverStream::new(rx))
            .await?
            .into_inner();
        Ok(RawPingPong { tx, replies })
    }

    /// One round trip per number in `seqs`, each waiting for its reply.
    pub async fn round_trips(&mut self, seqs: Range<u64>) -> Result<(), Status> {
        for seq in seqs {
            self.tx
                .send(msg(seq))
                .await
                .map_err(|_| Status::internal("request stream closed"))?;
            match self.replies.message().await? {
                Some(pong) if pong.seq == seq => {}
                other => return Err(Status::internal(format!("round {seq}: got {other:?}"))),
            }
        }
        Ok(())
    }

    /// Opens a call, makes `rounds` round trips and closes it; how many were made.
    pub async fn run(client: &mut BenchClient<Channel>, rounds: u64) -> Result<u64, Status> {
        let mut call = RawPingPong::open(client).await?;
        call.round_trips(0..rounds).await?;
        call.close().await?;
        Ok(rounds)
    }

    /// Half-closes and reads to the end of the call.
    pub async fn close(self) -> Result<(), Status> {
        let RawPingPong { tx, mut replies } = self;
        drop(tx);
        while replies.message().await?.is_some() {}
        Ok(())
    }
}
