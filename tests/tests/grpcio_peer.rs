//! A real peer no one here wrote: Python's grpcio, as a client of a session server
//! and as a server for session clients, over the example service
//! (`examples/proto/hellopb.proto`). Skipped, saying so on stderr, only on a machine
//! without Python 3; `.ci/run` installs grpcio into a virtual environment first.

use std::time::Duration;

use tokio::sync::mpsc;
use tonic::service::Routes;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};
use tonic_session::client;
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::greeter::greet;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_examples::pb::greeting_service_server::{GreetingService, GreetingServiceServer};
use tonic_session_examples::pb::{HelloRequest, HelloResponse};
use tonic_session_tests::loopback::{self, Loopback};
use tonic_session_tests::python_peer::{PeerServer, peer};

/// What the session handlers report to the test.
#[derive(Debug, PartialEq)]
enum Seen {
    /// The upload's receive loop ended: `Ok(names)` after a clean end, or the code.
    UploadEnded(Result<u32, Code>),
    /// A server-streaming handler body was dropped.
    StreamBodyDropped,
}

/// The example's greeter, plus reports, and a `forever` stream.
#[derive(Clone)]
struct Observed(mpsc::UnboundedSender<Seen>);

struct OnDrop(mpsc::UnboundedSender<Seen>);

impl Drop for OnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(Seen::StreamBodyDropped);
    }
}

#[tonic_session::service]
impl GreetingService for Observed {
    async fn hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloResponse>, Status> {
        Ok(Response::new(greet(&request.into_inner().name)))
    }

    async fn hello_server_stream(
        &self,
        request: Request<HelloRequest>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        let _report = OnDrop(self.0.clone());
        let name = request.into_inner().name;
        let mut i = 1;
        while name == "forever" || i <= 3 {
            tx.send(greet(&format!("{name} #{i}"))).await?;
            i += 1;
            if name == "forever" {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        Ok(tx.finish())
    }

    async fn hello_client_stream(
        &self,
        request: Request<Receiver<HelloRequest>>,
    ) -> Result<Response<HelloResponse>, Status> {
        let mut rx = request.into_inner();
        let mut names = Vec::new();
        let ended = loop {
            match rx.message().await {
                Ok(Some(request)) => names.push(request.name),
                Ok(None) => break Ok(names.len() as u32),
                Err(status) => break Err(status),
            }
        };
        let _ = self.0.send(Seen::UploadEnded(
            ended.as_ref().map(|n| *n).map_err(Status::code),
        ));
        ended?;
        Ok(Response::new(greet(&names.join(", "))))
    }

    async fn hello_bi_streams(
        &self,
        request: Request<Receiver<HelloRequest>>,
        mut tx: Sender<HelloResponse>,
    ) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        while let Some(request) = rx.message().await? {
            tx.send(greet(&request.name)).await?;
        }
        Ok(tx.finish())
    }
}

async fn serve_observed() -> (Loopback, mpsc::UnboundedReceiver<Seen>) {
    let (events, seen) = mpsc::unbounded_channel();
    let routes = Routes::new(GreetingServiceServer::new(Observed(events)));
    (Loopback::start(routes).await, seen)
}

async fn next(seen: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(Duration::from_secs(10), seen.recv())
        .await
        .expect("the session handler reported within 10 s")
        .expect("the server is running")
}

fn line(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

// grpcio client -> session server

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpcio_client_calls_all_four_rpcs() {
    let Some(peer) = peer("a_grpcio_client_calls_all_four_rpcs") else {
        return;
    };
    let (server, mut seen) = serve_observed().await;
    let lines = peer.client(server.addr, "all-four").await;
    assert_eq!(
        lines,
        [
            line(&["unary", "Hello, py!"]),
            line(&[
                "server_stream",
                "Hello, py #1!",
                "Hello, py #2!",
                "Hello, py #3!"
            ]),
            line(&["client_stream", "Hello, a, b, c!"]),
            line(&["bidi", "Hello, x!", "Hello, y!"]),
        ]
    );
    // The upload ended cleanly for the handler, with all three names.
    loop {
        if let Seen::UploadEnded(ended) = next(&mut seen).await {
            assert_eq!(ended, Ok(3));
            break;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpcio_client_cancelling_an_upload_is_an_error_for_the_handler() {
    let Some(peer) = peer("a_grpcio_client_cancelling_an_upload_is_an_error_for_the_handler")
    else {
        return;
    };
    let (server, mut seen) = serve_observed().await;
    let lines = peer.client(server.addr, "cancel-upload").await;
    assert_eq!(lines, [line(&["cancel_upload", "cancelled"])]);
    // Three of ten names went out, then the cancel: never a clean end of three.
    assert_eq!(
        next(&mut seen).await,
        Seen::UploadEnded(Err(Code::Cancelled))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpcio_client_cancelling_a_server_stream_drops_the_handler_body() {
    let Some(peer) = peer("a_grpcio_client_cancelling_a_server_stream_drops_the_handler_body")
    else {
        return;
    };
    let (server, mut seen) = serve_observed().await;
    let lines = peer.client(server.addr, "cancel-server-stream").await;
    assert_eq!(
        lines,
        [line(&[
            "cancel_server_stream",
            "Hello, forever #1!",
            "Hello, forever #2!",
            "Hello, forever #3!"
        ])]
    );
    // The body sends forever unless dropped.
    assert_eq!(next(&mut seen).await, Seen::StreamBodyDropped);
}

// session client -> grpcio server

async fn connect(server: &PeerServer) -> GreetingServiceClient<Channel> {
    GreetingServiceClient::new(loopback::connect(server.addr).await)
}

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.into() }
}

fn aborting(name: &str) -> Request<HelloRequest> {
    let mut request = Request::new(hello(name));
    request
        .metadata_mut()
        .insert("x-peer-fault", "abort-after-3".parse().expect("ascii"));
    request
}

/// Opens a client-streaming call.
async fn upload(
    client: &GreetingServiceClient<Channel>,
) -> client::Upload<HelloRequest, HelloResponse> {
    let client = client.clone();
    client::client_streaming((), |request| {
        let mut client = client;
        async move { client.hello_client_stream(request).await }
    })
    .await
    .expect("open the upload")
}

/// Opens a bidi call, with the peer's abort after three when `abort_after_3`.
async fn bidi(
    client: &GreetingServiceClient<Channel>,
    abort_after_3: bool,
) -> (
    client::Sender<HelloRequest>,
    client::Receiver<HelloResponse>,
) {
    let client = client.clone();
    let mut request = tonic::Request::new(());
    if abort_after_3 {
        request
            .metadata_mut()
            .insert("x-peer-fault", "abort-after-3".parse().expect("ascii"));
    }
    client::bidi(request, |request| {
        let mut client = client;
        async move { client.hello_bi_streams(request).await }
    })
    .await
    .expect("open the bidi call")
}

#[tonic_session::client]
async fn read_all(
    client: &mut GreetingServiceClient<Channel>,
    request: Request<HelloRequest>,
) -> Result<Vec<String>, Status> {
    let mut rx = client.hello_server_stream(request).await?;
    let mut messages = Vec::new();
    while let Some(reply) = rx.message().await? {
        messages.push(reply.message);
    }
    Ok(messages)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_clients_call_a_grpcio_server_in_all_three_kinds() {
    let Some(peer) = peer("session_clients_call_a_grpcio_server_in_all_three_kinds") else {
        return;
    };
    let mut server = peer.server().await;
    let mut client = connect(&server).await;

    let streamed = read_all(&mut client, Request::new(hello("rs")))
        .await
        .unwrap();
    assert_eq!(
        streamed,
        (1..=5)
            .map(|i| format!("Hello, rs #{i}!"))
            .collect::<Vec<_>>()
    );

    let mut upload = upload(&client).await;
    for name in ["a", "b", "c"] {
        upload.send(hello(name)).await.unwrap();
    }
    let reply = upload.finish().await.unwrap().into_inner();
    assert_eq!(reply.message, "Hello, a, b, c!");
    assert_eq!(
        server.observed("client_stream").await,
        ("complete".into(), 3)
    );

    let (mut tx, mut rx) = bidi(&client, false).await;
    for name in ["x", "y"] {
        tx.send(hello(name)).await.unwrap();
        let reply = rx.message().await.unwrap().expect("a reply");
        assert_eq!(reply.message, format!("Hello, {name}!"));
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await.expect("the bidi call ends OK");
    assert_eq!(server.observed("bidi").await, ("complete".into(), 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpcio_abort_after_three_reaches_the_session_client() {
    let Some(peer) = peer("a_grpcio_abort_after_three_reaches_the_session_client") else {
        return;
    };
    let mut server = peer.server().await;
    let client = connect(&server).await;

    // Server streaming: the client reads the three it gets, then ends its half.
    let mut call_client = client.clone();
    let mut rx = client::server_streaming(aborting("rs"), |request| async move {
        call_client.hello_server_stream(request).await
    })
    .await
    .unwrap();
    for i in 1..=3 {
        let reply = rx
            .message()
            .await
            .unwrap()
            .expect("a message before the abort");
        assert_eq!(reply.message, format!("Hello, rs #{i}!"));
    }
    let status = rx.finish().await.expect_err("the peer aborted");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(status.message(), "peer: abort after 3");

    // Bidi: three round trips, then the abort is what the receiving half ends with.
    let (mut tx, mut rx) = bidi(&client, true).await;
    for name in ["x", "y", "z"] {
        tx.send(hello(name)).await.unwrap();
        let reply = rx
            .message()
            .await
            .unwrap()
            .expect("a reply before the abort");
        assert_eq!(reply.message, format!("Hello, {name}!"));
    }
    let status = rx.finish().await.expect_err("the peer aborted");
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    let _ = tx.finish();
    assert_eq!(server.observed("bidi").await, ("aborted".into(), 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_session_sender_is_a_cancelled_rpc_for_the_grpcio_servicer() {
    let Some(peer) = peer("a_dropped_session_sender_is_a_cancelled_rpc_for_the_grpcio_servicer")
    else {
        return;
    };
    let mut server = peer.server().await;
    let client = connect(&server).await;

    // Client streaming: three names, then the upload is dropped unfinished.
    let mut upload = upload(&client).await;
    for name in ["a", "b", "c"] {
        upload.send(hello(name)).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(upload);
    let (end, count) = server.observed("client_stream").await;
    assert_ne!(
        end, "complete",
        "the servicer took a dropped upload of {count} as complete"
    );

    // Bidi: the sending half is dropped; the servicer's RPC ends cancelled.
    let (mut tx, mut rx) = bidi(&client, false).await;
    tx.send(hello("x")).await.unwrap();
    rx.message().await.unwrap().expect("a reply");
    drop(tx);
    let client_side = rx.finish().await.expect_err("the call was cancelled");
    assert_eq!(client_side.code(), Code::Cancelled, "{client_side:?}");
    let (end, _) = server.observed("bidi").await;
    assert_ne!(
        end, "complete",
        "the servicer took a dropped sender as a clean end"
    );
}
