//! The probe service: session handlers that follow a script and report what they saw.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tonic::metadata::MetadataMap;
use tonic::service::Routes;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};

use crate::loopback::Loopback;
use crate::pb::probe_client::ProbeClient;
use crate::pb::probe_server::{Probe, ProbeServer};
use crate::pb::{Item, Plan, Summary};

/// What a handler reports.
#[derive(Debug)]
pub enum Event {
    /// A handler body was dropped (it returned, or tonic dropped it).
    BodyDropped(&'static str),
    /// A request message arrived, with its sequence number.
    Received(u32),
    /// A receive loop ended: `Ok(count)` after a clean end, or the error.
    ReceiveEnded(Result<u32, Status>),
    /// A task the body spawned to send ended: `Ok(sent)`, or the send error.
    SpawnedSenderEnded(Result<u32, Status>),
}

/// The probe service; cheap to clone, every clone reports to the same channel.
#[derive(Clone, Debug)]
pub struct ProbeService {
    events: mpsc::UnboundedSender<Event>,
    release: Arc<Notify>,
    sent: Arc<AtomicU32>,
}

/// The receiving end of a probe's reports, and the switch that releases held calls.
pub struct Events {
    events: mpsc::UnboundedReceiver<Event>,
    release: Arc<Notify>,
    sent: Arc<AtomicU32>,
}

impl ProbeService {
    /// A probe and the events it reports.
    pub fn new() -> (ProbeService, Events) {
        let (events, rx) = mpsc::unbounded_channel();
        let release = Arc::new(Notify::new());
        let sent = Arc::new(AtomicU32::new(0));
        let service = ProbeService {
            events,
            release: Arc::clone(&release),
            sent: Arc::clone(&sent),
        };
        (
            service,
            Events {
                events: rx,
                release,
                sent,
            },
        )
    }

    /// Serves a new probe on loopback: the server, a client connected to it, and
    /// the probe's events.
    pub async fn start() -> (Loopback, ProbeClient<Channel>, Events) {
        let (service, events) = ProbeService::new();
        let server = Loopback::start(service.routes()).await;
        let client = ProbeClient::new(server.channel().await);
        (server, client, events)
    }

    /// The probe as a tonic router.
    pub fn routes(self) -> Routes {
        Routes::new(ProbeServer::new(self))
    }

    fn report(&self, event: Event) {
        // The test may have stopped listening; that is its business.
        let _ = self.events.send(event);
    }
}

impl Events {
    /// The next event, or a panic after 5 s (a test failure, not a speed check).
    pub async fn next(&mut self) -> Event {
        match tokio::time::timeout(Duration::from_secs(5), self.events.recv()).await {
            Ok(Some(event)) => event,
            Ok(None) => panic!("the probe service is gone"),
            Err(_) => panic!("no event from the probe service within 5 s"),
        }
    }

    /// The events reported so far, without waiting for more.
    pub fn drain(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.events.try_recv().ok()).collect()
    }

    /// How many messages `numbers` handlers have sent (a send that returned `Ok`),
    /// all calls together.
    pub fn sent(&self) -> u32 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Lets one held call (`Plan::hold`) go on to its first message.
    pub fn release(&self) {
        self.release.notify_one();
    }

    /// Waits for a receive loop to end; its result.
    pub async fn receive_ended(&mut self) -> Result<u32, Status> {
        self.until(|event| match event {
            Event::ReceiveEnded(ended) => Some(ended),
            _ => None,
        })
        .await
    }

    /// Waits for a spawned sending task to end; its result.
    pub async fn spawned_sender_ended(&mut self) -> Result<u32, Status> {
        self.until(|event| match event {
            Event::SpawnedSenderEnded(sent) => Some(sent),
            _ => None,
        })
        .await
    }

    /// Waits for the body of an `rpc` handler to be dropped.
    pub async fn body_dropped(&mut self, rpc: &str) {
        self.until(|event| matches!(event, Event::BodyDropped(name) if name == rpc).then_some(()))
            .await
    }

    /// Skips events until `pick` returns `Some`.
    pub async fn until<R>(&mut self, mut pick: impl FnMut(Event) -> Option<R>) -> R {
        loop {
            if let Some(found) = pick(self.next().await) {
                return found;
            }
        }
    }
}

/// Reports [`Event::BodyDropped`] when dropped.
struct DropReport(ProbeService, &'static str);

impl Drop for DropReport {
    fn drop(&mut self) {
        self.0.report(Event::BodyDropped(self.1));
    }
}

/// A plan for `count` messages, with no fault.
pub fn plan(count: u32) -> Plan {
    Plan {
        count,
        ..Plan::default()
    }
}

/// The status a plan's `fail_after` produces, with trailing metadata.
pub fn planned_failure(after: u32) -> Status {
    let mut metadata = MetadataMap::new();
    metadata.insert("x-failed-after", after.into());
    Status::with_metadata(
        Code::Aborted,
        format!("planned failure after {after} messages"),
        metadata,
    )
}

/// Asserts that `status` is the one a plan's `fail_after = after` produces: code,
/// message and trailing metadata, all carried to the client.
pub fn assert_planned_failure(status: &Status, after: u32) {
    let expected = planned_failure(after);
    assert_eq!(status.code(), Code::Aborted, "{status:?}");
    assert_eq!(status.message(), expected.message());
    assert_eq!(
        status
            .metadata()
            .get("x-failed-after")
            .map(|value| value.to_str().ok()),
        Some(Some(after.to_string().as_str()))
    );
}

/// Sends what `plan` says; returns how many messages went out.
async fn follow(plan: &Plan, tx: &mut Sender<Item>, sent: &AtomicU32) -> Result<u32, Status> {
    let mut seq = 0;
    while plan.forever || seq < plan.count {
        if plan.fail_after == Some(seq) {
            return Err(planned_failure(seq));
        }
        if plan.panic_after == Some(seq) {
            panic!("planned panic after {seq} messages");
        }
        tx.send(Item { seq }).await?;
        sent.fetch_add(1, Ordering::Relaxed);
        seq += 1;
    }
    Ok(seq)
}

#[tonic_session::service]
impl Probe for ProbeService {
    async fn numbers(
        &self,
        request: Request<Plan>,
        mut tx: Sender<Item>,
    ) -> Result<Finished, Status> {
        let _report = DropReport(self.clone(), "numbers");
        if let Some(id) = request.metadata().get("x-request-id").cloned() {
            tx.with_headers(|headers| headers.insert("x-echo-request-id", id));
        }
        if let Some(peer) = request.remote_addr() {
            let peer = peer.ip().to_string();
            tx.with_headers(|headers| headers.insert("x-peer-ip", peer.parse().expect("ascii")));
        }
        let plan = request.into_inner();
        if plan.headers_first {
            tx.send_headers();
        }
        if plan.hold {
            self.release.notified().await;
        }
        if !plan.from_spawned_task {
            let sent = follow(&plan, &mut tx, &self.sent).await?;
            if plan.trailers {
                let mut trailers = MetadataMap::new();
                trailers.insert("x-sent", sent.to_string().parse().expect("digits"));
                return Ok(tx.finish_with_trailers(trailers));
            }
            return Ok(tx.finish());
        }
        let this = self.clone();
        let task = tokio::spawn(async move {
            let sent = follow(&plan, &mut tx, &this.sent).await;
            this.report(Event::SpawnedSenderEnded(sent.clone()));
            sent.map(|_| tx.finish())
        });
        task.await
            .map_err(|err| Status::internal(format!("sending task failed: {err}")))?
    }

    async fn upload(&self, request: Request<Receiver<Item>>) -> Result<Response<Summary>, Status> {
        let _report = DropReport(self.clone(), "upload");
        let mut rx = request.into_inner();
        let ended = receive_all(self, &mut rx).await;
        self.report(Event::ReceiveEnded(ended.clone()));
        Ok(Response::new(Summary { count: ended? }))
    }

    async fn echo(
        &self,
        request: Request<Receiver<Item>>,
        mut tx: Sender<Item>,
    ) -> Result<Finished, Status> {
        let _report = DropReport(self.clone(), "echo");
        if let Some(id) = request.metadata().get("x-request-id").cloned() {
            tx.with_headers(|headers| headers.insert("x-echo-request-id", id));
        }
        let mut rx = request.into_inner();
        let mut count = 0;
        let ended = loop {
            match rx.message().await {
                Ok(Some(item)) => {
                    self.report(Event::Received(item.seq));
                    count += 1;
                    tx.send(item).await?;
                }
                Ok(None) => break Ok(count),
                Err(status) => break Err(status),
            }
        };
        self.report(Event::ReceiveEnded(ended.clone()));
        ended?;
        Ok(tx.finish())
    }
}

/// Receives to the end, checking sequence numbers; `Ok(count)` after a clean end.
async fn receive_all(probe: &ProbeService, rx: &mut Receiver<Item>) -> Result<u32, Status> {
    let mut count = 0;
    while let Some(item) = rx.message().await? {
        if item.seq != count {
            return Err(Status::invalid_argument(format!(
                "expected seq {count}, got {}",
                item.seq
            )));
        }
        probe.report(Event::Received(item.seq));
        count += 1;
    }
    Ok(count)
}
