//! A deadline that expires mid-stream ends both sides with DEADLINE_EXCEEDED
//! (tonic alone enforces it only until the response headers).

use std::time::Duration;

use tonic::{Code, Request, Status};
use tonic_session::client;
use tonic_session_tests::loopback::Loopback;
use tonic_session_tests::pb::probe_client::ProbeClient;
use tonic_session_tests::pb::{Item, Plan};
use tonic_session_tests::probe::ProbeService;

const DEADLINE: Duration = Duration::from_millis(200);

/// Runs the tests of this file one at a time: each pushes an endless stream as fast
/// as it goes, and side by side on two cores they would take from one another the
/// time the deadlines are measured against.
async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static ALONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    ALONE.lock().await
}

/// Reads an endless stream, which must flow, then end with `DEADLINE_EXCEEDED`
/// within 5 s (25 times the deadline), not at some later point; `otherwise` says
/// what failed if it does not end.
async fn ends_at_the_deadline(mut rx: client::Receiver<Item>, otherwise: &str) {
    let mut received = 0u64;
    let reading = async {
        loop {
            match rx.message().await {
                Ok(Some(_)) => received += 1,
                Ok(None) => panic!("an endless stream ended with OK"),
                Err(status) => break status,
            }
        }
    };
    let status = tokio::time::timeout(Duration::from_secs(5), reading)
        .await
        .expect(otherwise);
    assert!(received > 0);
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streaming_past_its_deadline() {
    let _alone = one_at_a_time().await;
    let (_server, mut client, mut events) = ProbeService::start().await;
    let mut request = Request::new(Plan {
        forever: true,
        ..Plan::default()
    });
    request.set_timeout(DEADLINE);
    let rx = client.numbers(request).await.unwrap();
    // The endless stream flows until the deadline ends it. Only the server knows
    // the deadline here (a plain call): it must end the stream, and at the deadline,
    // not at some later point (5 s is 25 times the deadline).
    ends_at_the_deadline(rx, "the server did not enforce the deadline").await;
    events.body_dropped("numbers").await;
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_past_its_deadline() {
    let _alone = one_at_a_time().await;
    let (_server, mut client, mut events) = ProbeService::start().await;
    let (mut tx, mut rx) = client
        .echo(.., |request| request.set_timeout(DEADLINE))
        .await
        .unwrap();
    tx.send(Item { seq: 0 }).await.unwrap();
    assert_eq!(rx.message().await.unwrap().unwrap().seq, 0);
    // Nothing more is sent: the call sits idle until the deadline.
    let status = rx.finish().await.expect_err("the deadline passed");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    events.body_dropped("echo").await;
    // The receiving half read the call's status: a send now fails with it.
    let refused = tx
        .send(Item { seq: 1 })
        .await
        .expect_err("the call is over");
    assert_eq!(Status::from(refused).code(), Code::DeadlineExceeded);
    let _cancelled = tx.cancel();
}

/// An upload whose sends outlast the deadline: `send(..).await?` passes on
/// DEADLINE_EXCEEDED, the call's status, not a bare CANCELLED.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_sending_past_its_deadline_fails_with_it() {
    let _alone = one_at_a_time().await;
    let (_server, mut client, _events) = ProbeService::start().await;
    let mut upload = client
        .upload(.., |request| request.set_timeout(DEADLINE))
        .await
        .unwrap();
    let sending = async {
        for seq in 0.. {
            upload.send(Item { seq }).await?;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok::<(), Status>(())
    };
    let status = tokio::time::timeout(Duration::from_secs(5), sending)
        .await
        .expect("the sends end at the deadline")
        .expect_err("past the deadline");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    let finished = upload.finish().await.expect_err("the same outcome");
    assert_eq!(finished.code(), Code::DeadlineExceeded, "{finished:?}");
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_streaming_past_its_deadline() {
    let _alone = one_at_a_time().await;
    let (_server, mut client, mut events) = ProbeService::start().await;
    let mut upload = client
        .upload(.., |request| request.set_timeout(DEADLINE))
        .await
        .unwrap();
    upload.send(Item { seq: 0 }).await.unwrap();
    events.body_dropped("upload").await;
    let status = upload.finish().await.expect_err("the deadline passed");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
}

/// A server that does not enforce deadlines (plain tonic, headers then silence):
/// the client session enforces its own, rather than waiting forever.
mod silent_server {
    use super::*;
    use std::pin::Pin;
    use tokio_stream::Stream;
    use tonic::service::Routes;
    use tonic::{Response, Status, Streaming};
    use tonic_session::client;
    use tonic_session_tests::pb::Summary;
    use tonic_session_tests::pb::probe_server::{Probe, ProbeServer};

    type Silent = Pin<Box<dyn Stream<Item = Result<Item, Status>> + Send>>;

    /// Answers with headers, then nothing, and never reads a request stream (it
    /// holds it open, so HTTP/2 flow control soon stops a client that sends).
    struct Silence;

    #[tonic_session::allow(
        unannotated_client,
        reason = "a raw peer that holds the request stream and never answers"
    )]
    fn silent_holding(requests: Option<Streaming<Item>>) -> Silent {
        Box::pin(tokio_stream::StreamExt::map(
            tokio_stream::pending(),
            move |never| {
                let _held = &requests;
                never
            },
        ))
    }

    #[tonic::async_trait]
    #[tonic_session::allow(
        unannotated_service,
        reason = "a raw peer that never answers, for the client deadlines"
    )]
    impl Probe for Silence {
        type NumbersStream = Silent;
        async fn numbers(&self, _: Request<Plan>) -> Result<Response<Silent>, Status> {
            Ok(Response::new(silent_holding(None)))
        }
        async fn upload(&self, _: Request<Streaming<Item>>) -> Result<Response<Summary>, Status> {
            std::future::pending().await
        }
        type EchoStream = Silent;
        async fn echo(
            &self,
            request: Request<Streaming<Item>>,
        ) -> Result<Response<Silent>, Status> {
            Ok(Response::new(silent_holding(Some(request.into_inner()))))
        }
    }

    async fn silent_client() -> (Loopback, ProbeClient<tonic::transport::Channel>) {
        // Small windows: a sender is held back after a few hundred messages.
        let routes = Routes::new(ProbeServer::new(Silence));
        let server = Loopback::start_with_window(routes, 1024).await;
        let client = ProbeClient::new(server.channel().await);
        (server, client)
    }

    /// Waits at most 2 s (10 times the deadline) for `status`, which must be
    /// DEADLINE_EXCEEDED. Not 5 s: a blocked sender's call is also ended then from
    /// outside (the server's HTTP/2 stack gives up on a stream it cannot write to).
    async fn assert_expires<T: std::fmt::Debug>(
        what: &str,
        ending: impl Future<Output = Result<T, Status>>,
    ) {
        let ended = tokio::time::timeout(Duration::from_secs(2), ending).await;
        let status = ended
            .unwrap_or_else(|_| panic!("{what}: the client ignored its deadline"))
            .expect_err("past the deadline");
        assert_eq!(status.code(), Code::DeadlineExceeded, "{what}: {status:?}");
    }

    fn timed<T>(message: T) -> Request<T> {
        let mut request = Request::new(message);
        request.set_timeout(DEADLINE);
        request
    }

    async fn read_to_the_end(mut rx: client::Receiver<Item>) -> Result<(), Status> {
        while rx.message().await?.is_some() {}
        Ok(())
    }

    #[tonic_session::client]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_server_stream_holds_the_deadline_of_its_request() {
        let _alone = one_at_a_time().await;
        let (_server, mut client) = silent_client().await;
        let mut request = Request::new(Plan::default());
        request.set_timeout(DEADLINE);
        let rx = client.numbers(request).await.unwrap();
        assert_expires("attribute", read_to_the_end(rx)).await;
    }

    /// A bidi sender the server never reads from: HTTP/2 flow control stops it, and
    /// the deadline ends its wait (nobody reads the receiving half meanwhile).
    #[tonic_session::client]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sender_blocked_by_flow_control_ends_at_the_deadline() {
        let _alone = one_at_a_time().await;
        let (_server, mut client) = silent_client().await;
        let (tx, rx) = client
            .echo(.., |request| request.set_timeout(DEADLINE))
            .await
            .unwrap();
        assert_expires("sender", send_until_refused(tx)).await;
        assert_expires("its receiver", read_to_the_end(rx)).await;
    }

    async fn send_until_refused(mut tx: client::Sender<Item>) -> Result<(), Status> {
        for seq in 0.. {
            tx.send(Item { seq }).await?;
        }
        Ok(())
    }

    /// The same without the attribute: the deadline is set on the request given to
    /// the plain function.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_plain_functions_hold_the_deadline_of_their_request() {
        let _alone = one_at_a_time().await;
        let (_server, client) = silent_client().await;
        let mut call_client = client.clone();
        let rx = client::server_streaming(timed(Plan::default()), |request| async move {
            call_client.numbers(request).await
        })
        .await
        .unwrap();
        assert_expires("server stream", read_to_the_end(rx)).await;

        let mut call_client = client.clone();
        let call = |request| async move { call_client.echo(request).await };
        let (tx, rx) = client::bidi(timed(()), call).await.unwrap();
        assert_expires("bidi sender", send_until_refused(tx)).await;
        assert_expires("bidi receiver", read_to_the_end(rx)).await;

        let mut call_client = client.clone();
        let upload = client::client_streaming(timed(()), |request| async move {
            call_client.upload(request).await
        })
        .await
        .unwrap();
        assert_expires("upload", upload.finish()).await;
    }

    #[tonic_session::client]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_client_enforces_its_deadline() {
        let _alone = one_at_a_time().await;
        let server = Loopback::start(Routes::new(ProbeServer::new(Silence))).await;
        let mut client = ProbeClient::new(server.channel().await);

        let (mut tx, rx) = client
            .echo(.., |request| request.set_timeout(DEADLINE))
            .await
            .unwrap();
        tx.send(Item { seq: 0 }).await.unwrap();
        let waited = tokio::time::timeout(Duration::from_secs(5), rx.finish()).await;
        let status = waited
            .expect("the client ignored its deadline")
            .expect_err("past the deadline");
        assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
        assert!(tx.send(Item { seq: 1 }).await.is_err(), "the call is over");
        let _cancelled = tx.cancel();

        let mut upload = client
            .upload(.., |request| request.set_timeout(DEADLINE))
            .await
            .unwrap();
        upload.send(Item { seq: 0 }).await.unwrap();
        let status = upload.finish().await.expect_err("past the deadline");
        assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    }
}

/// A server-side limit given to the layer holds to the end of a stream the client
/// set no deadline on (tonic's own `Server::timeout` bounds only the headers).
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_layers_limit_holds_to_the_end_of_the_stream() {
    let _alone = one_at_a_time().await;
    let (service, mut events) = ProbeService::new();
    let layer = tonic_session::server::SessionLayer::new().timeout(DEADLINE);
    let server = Loopback::start_with_layer(service.routes(), layer).await;
    let mut client = ProbeClient::new(server.channel().await);
    let endless = Plan {
        forever: true,
        ..Plan::default()
    };
    let rx = client.numbers(endless).await.unwrap();
    ends_at_the_deadline(rx, "the layer's limit did not end the stream").await;
    events.body_dropped("numbers").await;
}
