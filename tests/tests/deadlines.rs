//! A deadline that expires mid-stream ends both sides with DEADLINE_EXCEEDED
//! (tonic alone enforces it only until the response headers).

use std::time::Duration;

use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_session_tests::loopback::Loopback;
use tonic_session_tests::pb::probe_client::ProbeClient;
use tonic_session_tests::pb::{Item, Plan};
use tonic_session_tests::probe::{Events, ProbeService};

const DEADLINE: Duration = Duration::from_millis(200);

async fn probe() -> (Loopback, ProbeClient<Channel>, Events) {
    let (service, events) = ProbeService::new();
    let server = Loopback::start(service.routes()).await;
    let client = ProbeClient::new(server.channel().await);
    (server, client, events)
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streaming_past_its_deadline() {
    let (_server, mut client, mut events) = probe().await;
    let mut request = Request::new(Plan {
        forever: true,
        ..Plan::default()
    });
    request.set_timeout(DEADLINE);
    let mut rx = client.numbers(request).await.unwrap();
    // The endless stream flows until the deadline ends it.
    let mut received = 0u64;
    let status = loop {
        match rx.message().await {
            Ok(Some(_)) => received += 1,
            Ok(None) => panic!("an endless stream ended with OK"),
            Err(status) => break status,
        }
    };
    assert!(received > 0);
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    events.body_dropped("numbers").await;
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_past_its_deadline() {
    let (_server, mut client, mut events) = probe().await;
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
    let (_server, mut client, mut events) = probe().await;
    let mut upload = client
        .upload(.., |request| request.set_timeout(DEADLINE))
        .await
        .unwrap();
    upload.send(Item { seq: 0 }).await.unwrap();
    events.body_dropped("upload").await;
    let status = upload.finish().await.expect_err("the deadline passed");
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
}
