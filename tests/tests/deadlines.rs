//! A deadline that expires mid-stream ends both sides with DEADLINE_EXCEEDED
//! (tonic alone enforces it only until the response headers).

use std::time::Duration;

use tonic::{Code, Request};
use tonic_session_tests::loopback::Loopback;
use tonic_session_tests::pb::probe_client::ProbeClient;
use tonic_session_tests::pb::{Item, Plan};
use tonic_session_tests::probe::ProbeService;

const DEADLINE: Duration = Duration::from_millis(200);

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streaming_past_its_deadline() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    let mut request = Request::new(Plan {
        forever: true,
        ..Plan::default()
    });
    request.set_timeout(DEADLINE);
    let mut rx = client.numbers(request).await.unwrap();
    // The endless stream flows until the deadline ends it. Only the server knows
    // the deadline here (a plain call): it must end the stream, and at the deadline,
    // not at some later point (5 s is 25 times the deadline).
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
        .expect("the server did not enforce the deadline");
    assert!(received > 0);
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    events.body_dropped("numbers").await;
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_past_its_deadline() {
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
    assert!(tx.send(Item { seq: 1 }).await.is_err(), "the call is over");
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_streaming_past_its_deadline() {
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
    use tonic_session_tests::pb::Summary;
    use tonic_session_tests::pb::probe_server::{Probe, ProbeServer};

    type Silent = Pin<Box<dyn Stream<Item = Result<Item, Status>> + Send>>;

    struct Silence;

    #[tonic::async_trait]
    impl Probe for Silence {
        type NumbersStream = Silent;
        async fn numbers(&self, _: Request<Plan>) -> Result<Response<Silent>, Status> {
            Ok(Response::new(Box::pin(tokio_stream::pending())))
        }
        async fn upload(&self, _: Request<Streaming<Item>>) -> Result<Response<Summary>, Status> {
            std::future::pending().await
        }
        type EchoStream = Silent;
        async fn echo(&self, _: Request<Streaming<Item>>) -> Result<Response<Silent>, Status> {
            Ok(Response::new(Box::pin(tokio_stream::pending())))
        }
    }

    #[tonic_session::client]
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_client_enforces_its_deadline() {
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

        let mut upload = client
            .upload(.., |request| request.set_timeout(DEADLINE))
            .await
            .unwrap();
        upload.send(Item { seq: 0 }).await.unwrap();
        let status = upload.finish().await.expect_err("past the deadline");
        assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    }
}
