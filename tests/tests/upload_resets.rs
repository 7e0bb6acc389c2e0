//! Resets of a request stream, as a bare HTTP/2 client sends them: the handler never
//! takes a reset upload for a complete one, whatever the reset's code and wherever
//! it falls between the handler's reads.
//!
//! For gRPC a request stream is complete only with END_STREAM. hyper ends a request
//! body that was reset with NO_ERROR as if it were complete (HTTP/2's "early
//! response"), and tonic turns a reset with CANCEL into a clean end; the session
//! layer tells them apart.

use std::sync::Arc;
use std::time::Duration;

use h2::Reason;
use tokio::sync::{Semaphore, mpsc};
use tonic::{Code, Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_tests::loopback::Loopback;
use tonic_session_tests::pb::probe_server::{Probe, ProbeServer};
use tonic_session_tests::pb::{Item, Plan, Summary};
use tonic_session_tests::raw_h2::{RawConnection, RawOutcome};

/// What a gated handler saw.
#[derive(Debug)]
enum Seen {
    Message(u32),
    Ended(Result<u32, Status>),
    Dropped,
}

/// Handlers that take one permit of `gate` before each receive, so a test can
/// hold them between two reads.
#[derive(Clone)]
struct Gated {
    seen: mpsc::UnboundedSender<Seen>,
    gate: Arc<Semaphore>,
}

struct ReportDrop(mpsc::UnboundedSender<Seen>);

impl Drop for ReportDrop {
    fn drop(&mut self) {
        let _ = self.0.send(Seen::Dropped);
    }
}

impl Gated {
    async fn receive_all(&self, rx: &mut Receiver<Item>) -> Result<u32, Status> {
        let mut count = 0;
        loop {
            self.gate.acquire().await.expect("never closed").forget();
            match rx.message().await {
                Ok(Some(item)) => {
                    let _ = self.seen.send(Seen::Message(item.seq));
                    count += 1;
                }
                Ok(None) => return Ok(count),
                Err(status) => return Err(status),
            }
        }
    }

    async fn receive_and_report(&self, rx: &mut Receiver<Item>) -> Result<u32, Status> {
        let ended = self.receive_all(rx).await;
        let _ = self.seen.send(Seen::Ended(ended.clone()));
        ended
    }
}

#[tonic_session::service]
impl Probe for Gated {
    async fn numbers(&self, _: Request<Plan>, tx: Sender<Item>) -> Result<Finished, Status> {
        Ok(tx.finish())
    }

    async fn upload(&self, request: Request<Receiver<Item>>) -> Result<Response<Summary>, Status> {
        let _dropped = ReportDrop(self.seen.clone());
        let count = self.receive_and_report(&mut request.into_inner()).await?;
        Ok(Response::new(Summary { count }))
    }

    async fn echo(
        &self,
        request: Request<Receiver<Item>>,
        mut tx: Sender<Item>,
    ) -> Result<Finished, Status> {
        let _dropped = ReportDrop(self.seen.clone());
        tx.send_headers();
        self.receive_and_report(&mut request.into_inner()).await?;
        Ok(tx.finish())
    }
}

struct Harness {
    server: Loopback,
    seen: mpsc::UnboundedReceiver<Seen>,
    gate: Arc<Semaphore>,
}

impl Harness {
    async fn start(permits: usize) -> Harness {
        let (seen_tx, seen) = mpsc::unbounded_channel();
        let gate = Arc::new(Semaphore::new(permits));
        let service = Gated {
            seen: seen_tx,
            gate: Arc::clone(&gate),
        };
        let server = Loopback::start(tonic::service::Routes::new(ProbeServer::new(service))).await;
        Harness { server, seen, gate }
    }

    async fn next(&mut self) -> Seen {
        match tokio::time::timeout(Duration::from_secs(5), self.seen.recv()).await {
            Ok(Some(seen)) => seen,
            Ok(None) => panic!("the service is gone"),
            Err(_) => panic!("the handler reported nothing within 5 s"),
        }
    }

    /// Events up to the handler's drop.
    async fn until_dropped(&mut self) -> Vec<Seen> {
        let mut seen = Vec::new();
        loop {
            match self.next().await {
                Seen::Dropped => return seen,
                other => seen.push(other),
            }
        }
    }
}

const METHODS: [&str; 2] = ["/probe.Probe/Upload", "/probe.Probe/Echo"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_before_end_stream_is_never_a_complete_upload_whatever_its_code() {
    for method in METHODS {
        for reason in [Reason::NO_ERROR, Reason::CANCEL, Reason::INTERNAL_ERROR] {
            let mut harness = Harness::start(Semaphore::MAX_PERMITS).await;
            let mut connection = RawConnection::connect(harness.server.addr).await;
            let mut call = connection.call(method).await;
            call.send(&Item { seq: 0 });
            call.send(&Item { seq: 1 });
            let seen = [harness.next().await, harness.next().await];
            assert!(
                matches!(seen, [Seen::Message(0), Seen::Message(1)]),
                "{method}: {seen:?}"
            );
            call.reset(reason);
            let outcome = call.outcome().await;
            assert_eq!(outcome, RawOutcome::Reset(reason), "{method}: a reset call");
            let seen = harness.until_dropped().await;
            let what = format!("{method}, RST_STREAM({reason:?}): the handler saw {seen:?}");
            match seen.as_slice() {
                // The handler was reading: its receive fails, CANCELLED for a
                // client's cancel (with either code), hyper's error otherwise.
                [Seen::Ended(Err(status))] if reason == Reason::INTERNAL_ERROR => {
                    assert_eq!(status.code(), Code::Internal, "{what}")
                }
                [Seen::Ended(Err(status))] => assert_eq!(status.code(), Code::Cancelled, "{what}"),
                // hyper saw the reset first and dropped the handler: it never returned.
                [] => {}
                _ => panic!("{what}"),
            }
        }
    }
}

/// END_STREAM, then a reset that reaches the server while the handler waits between
/// two reads (grpc-js cancels an upload this way): the handler is stopped before
/// it reads the end, so it never returns OK for a call its client cancelled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_between_reads_stops_the_handler_before_it_reads_the_end() {
    for method in METHODS {
        let mut harness = Harness::start(1).await;
        let mut connection = RawConnection::connect(harness.server.addr).await;
        let mut call = connection.call(method).await;
        call.send(&Item { seq: 0 });
        call.send(&Item { seq: 1 });
        call.half_close();
        assert!(matches!(harness.next().await, Seen::Message(0)), "{method}");
        // The handler now waits at its gate, its upload complete on the wire.
        call.reset(Reason::CANCEL);
        let seen = harness.until_dropped().await;
        harness.gate.add_permits(Semaphore::MAX_PERMITS - 1);
        assert!(seen.is_empty(), "{method}: the handler went on: {seen:?}");
    }
}
