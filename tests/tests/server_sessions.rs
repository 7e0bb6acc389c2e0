//! Server sessions end to end: a tonic client against session handlers on 127.0.0.1.

use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::service::Routes;
use tonic::{Code, Request, Status, Streaming};
use tonic_session_examples::Greeter;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_examples::pb::greeting_service_server::GreetingServiceServer;
use tonic_session_tests::loopback::{Loopback, assert_no_task_outlived, quiet_tasks};
use tonic_session_tests::pb::probe_client::ProbeClient;
use tonic_session_tests::pb::{Item, Plan};
use tonic_session_tests::probe::{Event, Events, ProbeService, assert_planned_failure, plan};

/// Reads a response stream to its end: the sequence numbers, then the final status.
#[tonic_session::allow(
    unannotated_client,
    reason = "reads the raw stream to see exactly what the server sent"
)]
async fn read_to_end(mut stream: Streaming<Item>) -> (Vec<u32>, Result<(), Status>) {
    let mut seqs = Vec::new();
    loop {
        match stream.message().await {
            Ok(Some(item)) => seqs.push(item.seq),
            Ok(None) => return (seqs, Ok(())),
            Err(status) => return (seqs, Err(status)),
        }
    }
}

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.into() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn greeting_example_serves_all_four_kinds() {
    let server = Loopback::start(Routes::new(GreetingServiceServer::new(Greeter))).await;
    let mut client = GreetingServiceClient::new(server.channel().await);

    let reply = client.hello(hello("gopher")).await.unwrap().into_inner();
    assert_eq!(reply.message, "Hello, gopher!");

    let response = client.hello_server_stream(hello("ferris")).await.unwrap();
    assert_eq!(response.metadata().get("x-greetings").unwrap(), "3");
    let mut stream = response.into_inner();
    let mut greetings = Vec::new();
    while let Some(reply) = stream.message().await.unwrap() {
        greetings.push(reply.message);
    }
    assert_eq!(
        greetings,
        [
            "Hello, ferris #1!",
            "Hello, ferris #2!",
            "Hello, ferris #3!"
        ]
    );

    let names = || tokio_stream::iter(["alice", "bob", "carol"].map(hello));
    let reply = client
        .hello_client_stream(names())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reply.message, "Hello, alice, bob, carol!");

    let mut stream = client.hello_bi_streams(names()).await.unwrap().into_inner();
    let mut greetings = Vec::new();
    while let Some(reply) = stream.message().await.unwrap() {
        greetings.push(reply.message);
    }
    assert_eq!(greetings, ["Hello, alice!", "Hello, bob!", "Hello, carol!"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_stream_delivers_every_message_in_order() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let stream = client.numbers(plan(1000)).await.unwrap().into_inner();
    let (seqs, end) = read_to_end(stream).await;
    assert_eq!(seqs, (0..1000).collect::<Vec<_>>());
    end.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_moved_into_a_spawned_task_streams_in_order() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    let request = Plan {
        from_spawned_task: true,
        ..plan(1000)
    };
    let stream = client.numbers(request).await.unwrap().into_inner();
    let (seqs, end) = read_to_end(stream).await;
    assert_eq!(seqs, (0..1000).collect::<Vec<_>>());
    end.unwrap();
    assert_eq!(events.spawned_sender_ended().await.unwrap(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_error_mid_stream_reaches_the_client() {
    let (_server, mut client, _events) = ProbeService::start().await;
    for from_spawned_task in [false, true] {
        let request = Plan {
            fail_after: Some(3),
            from_spawned_task,
            ..plan(10)
        };
        let stream = client.numbers(request).await.unwrap().into_inner();
        let (seqs, end) = read_to_end(stream).await;
        assert_eq!(seqs, [0, 1, 2]);
        assert_planned_failure(&end.unwrap_err(), 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_before_the_first_message_is_the_status_of_the_call() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let request = Plan {
        fail_after: Some(0),
        ..plan(10)
    };
    // Trailers-only: the call itself fails, no stream is handed out.
    let status = client.numbers(request).await.unwrap_err();
    assert_planned_failure(&status, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_never_looks_finished() {
    let (_server, mut client, _events) = ProbeService::start().await;

    // Panic in the body after two messages: two messages, then INTERNAL.
    let request = Plan {
        panic_after: Some(2),
        ..plan(10)
    };
    let stream = client.numbers(request).await.unwrap().into_inner();
    let (seqs, end) = read_to_end(stream).await;
    assert_eq!(seqs, [0, 1]);
    let status = end.unwrap_err();
    assert_eq!(status.code(), Code::Internal);
    assert_eq!(status.message(), "tonic-session: the handler panicked");

    // Panic before any message: the call fails.
    let request = Plan {
        panic_after: Some(0),
        ..plan(10)
    };
    let status = client.numbers(request).await.unwrap_err();
    assert_eq!(status.code(), Code::Internal);

    // Panic in the task holding the sender: its drop is not a clean end.
    let request = Plan {
        panic_after: Some(2),
        from_spawned_task: true,
        ..plan(10)
    };
    let stream = client.numbers(request).await.unwrap().into_inner();
    let (seqs, end) = read_to_end(stream).await;
    assert_eq!(seqs, [0, 1]);
    let status = end.unwrap_err();
    assert_eq!(status.code(), Code::Internal);
    assert!(
        status.message().starts_with("sending task failed"),
        "{status:?}"
    );

    // The server is still healthy.
    let (seqs, end) = read_to_end(client.numbers(plan(3)).await.unwrap().into_inner()).await;
    assert_eq!(seqs, [0, 1, 2]);
    end.unwrap();
}

/// Opens an endless server stream, reads three messages and leaves. Returns the
/// alive-task count from before the call, and when the client left.
async fn leave_an_endless_stream(
    client: &mut ProbeClient<tonic::transport::Channel>,
    events: &mut Events,
    from_spawned_task: bool,
) -> (usize, Instant) {
    // Warm the connection up so its tasks are part of the baseline.
    read_to_end(client.numbers(plan(1)).await.unwrap().into_inner())
        .await
        .1
        .unwrap();
    events.body_dropped("numbers").await;
    let baseline = quiet_tasks().await;

    let request = Plan {
        forever: true,
        from_spawned_task,
        ..plan(0)
    };
    let mut stream = client.numbers(request).await.unwrap().into_inner();
    for seq in 0..3 {
        assert_eq!(stream.message().await.unwrap().unwrap().seq, seq);
    }
    drop(stream);
    (baseline, Instant::now())
}

/// The client leaves an endless stream: the handler body is dropped at its next
/// await and no task outlives the call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_leaving_drops_the_handler_body() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    let (baseline, left) = leave_an_endless_stream(&mut client, &mut events, false).await;
    events.body_dropped("numbers").await;
    println!(
        "handler body dropped {:?} after the client left",
        left.elapsed()
    );
    assert_no_task_outlived(baseline).await;
}

/// The same with the sender in a task the body spawned: the task learns the client
/// is gone from its next send, and ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_leaving_stops_a_spawned_sender() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    let (baseline, left) = leave_an_endless_stream(&mut client, &mut events, true).await;
    let sent = events.spawned_sender_ended().await;
    println!(
        "spawned sender stopped {:?} after the client left",
        left.elapsed()
    );
    assert_eq!(sent.unwrap_err().code(), Code::Cancelled);
    assert_no_task_outlived(baseline).await;
}

#[tonic_session::allow(
    unannotated_client,
    reason = "a raw tonic client uploads, to see the server side end cleanly"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complete_upload_ends_cleanly() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    for count in [10, 0] {
        let items = tokio_stream::iter((0..count).map(|seq| Item { seq }));
        let summary = client.upload(items).await.unwrap().into_inner();
        assert_eq!(summary.count, count);
        assert_eq!(events.receive_ended().await.unwrap(), count);
    }
}

/// An upload whose request HEADERS frame carries END_STREAM: no messages, and no
/// DATA frame to end it. tonic's client never sends one, other clients may; the
/// handler must see a clean end, as for any complete upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_ended_by_its_headers_ends_cleanly() {
    let (server, _client, mut events) = ProbeService::start().await;
    let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let (mut h2, connection) = h2::client::handshake(tcp).await.unwrap();
    tokio::spawn(connection);
    let request = http::Request::post(format!("http://{}/probe.Probe/Upload", server.addr))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let (response, _no_body) = h2.send_request(request, true).unwrap();
    let (head, mut body) = response.await.unwrap().into_parts();
    // A failed call answers trailers-only: its status is in the headers.
    let trailers = if head.headers.contains_key("grpc-status") {
        head.headers
    } else {
        while let Some(data) = body.data().await {
            data.unwrap();
        }
        body.trailers().await.unwrap().expect("trailers")
    };
    assert_eq!(trailers.get("grpc-status").unwrap(), "0", "{trailers:?}");
    assert_eq!(events.receive_ended().await.unwrap(), 0);
}

/// A client that resets its upload after 3 of 10 messages: tonic alone would hand
/// the handler a clean end of stream; the session receiver reports an error.
///
/// The reset is tonic's `CancellationHandle` (RST_STREAM). Dropping the call is no
/// reliable reset: hyper's body task owns the request stream, and ends it cleanly
/// once the client's sender drops (tonic #848; seen here in 3 of 60 loaded runs).
/// The sender stays alive until the server has reported, so no END_STREAM can be
/// sent meanwhile.
#[tonic_session::allow(
    unannotated_client,
    reason = "a raw tonic client aborts its upload, which a session client cannot do by accident"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborted_upload_is_an_error_not_a_clean_end() {
    let (_server, client, mut events) = ProbeService::start().await;
    let (tx, rx) = mpsc::channel(10);
    let mut request = Request::new(ReceiverStream::new(rx));
    let reset = request.cancellation_handle();
    let mut call_client = client.clone();
    let call = tokio::spawn(async move { call_client.upload(request).await });
    for seq in 0..3 {
        tx.send(Item { seq }).await.unwrap();
    }
    events
        .until(|event| matches!(event, Event::Received(2)).then_some(()))
        .await;
    reset.cancel();
    let status = events
        .receive_ended()
        .await
        .expect_err("an aborted upload must not end cleanly");
    assert_eq!(status.code(), Code::Cancelled, "{status:?}");
    assert!(
        call.await.unwrap().is_err(),
        "the aborted call cannot succeed"
    );
    drop(tx);
}

#[tonic_session::allow(
    unannotated_client,
    reason = "raw tonic clients call every kind of session handler"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_session_layer_every_session_handler_fails_at_its_first_call() {
    let (service, mut events) = ProbeService::new();
    let server = Loopback::start_with(service.routes(), false).await;
    let mut client = ProbeClient::new(server.channel().await);
    let names_the_layer = |status: Status| {
        assert_eq!(status.code(), Code::Internal, "{status:?}");
        assert!(status.message().contains("SessionLayer"), "{status:?}");
    };

    names_the_layer(
        client
            .upload(tokio_stream::iter([Item { seq: 0 }]))
            .await
            .unwrap_err(),
    );
    names_the_layer(
        client
            .echo(tokio_stream::iter([Item { seq: 0 }]))
            .await
            .unwrap_err(),
    );
    // Server streaming too: without the layer a client's deadline would not hold,
    // and a smoke test of this kind alone would pass where uploads then fail.
    names_the_layer(client.numbers(plan(1)).await.unwrap_err());

    // No handler body ran (each would report its start or its drop).
    tokio::time::sleep(Duration::from_millis(100)).await;
    let ran = events.drain();
    assert!(ran.is_empty(), "a handler ran without the layer: {ran:?}");
}

/// Ping-pong over bidi, with a client that waits for the response headers before
/// sending anything: the headers must not wait for the handler's first message.
#[tonic_session::allow(
    unannotated_client,
    reason = "a raw client that waits for the headers before sending"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_ping_pong_with_a_client_that_waits_for_headers() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    let (tx, rx) = mpsc::channel(1);
    let call = client.echo(ReceiverStream::new(rx));
    let response = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("response headers waited for a message the client never sent: deadlock");
    let mut stream = response.unwrap().into_inner();
    for seq in 0..100 {
        tx.send(Item { seq }).await.unwrap();
        assert_eq!(stream.message().await.unwrap().unwrap().seq, seq);
    }
    drop(tx);
    assert!(stream.message().await.unwrap().is_none());
    assert_eq!(events.receive_ended().await.unwrap(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_and_response_metadata_round_trip() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let mut request = Request::new(plan(2));
    request
        .metadata_mut()
        .insert("x-request-id", "r-42".parse().unwrap());
    let response = client.numbers(request).await.unwrap();
    assert_eq!(
        response.metadata().get("x-echo-request-id").unwrap(),
        "r-42"
    );
    assert_eq!(response.metadata().get("x-peer-ip").unwrap(), "127.0.0.1");
    let (seqs, end) = read_to_end(response.into_inner()).await;
    assert_eq!(seqs, [0, 1]);
    end.unwrap();
}

/// Headers wait for the first message unless the handler sends them first; a
/// tonic client's call returns only once it has them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_headers_lets_the_call_return_before_the_first_message() {
    let (_server, mut client, events) = ProbeService::start().await;

    let held = Plan {
        hold: true,
        headers_first: true,
        ..plan(2)
    };
    let response = tokio::time::timeout(Duration::from_secs(5), client.numbers(held))
        .await
        .expect("send_headers() did not send the headers")
        .unwrap();
    events.release();
    let (seqs, end) = read_to_end(response.into_inner()).await;
    assert_eq!(seqs, [0, 1]);
    end.unwrap();

    // Without it, the call waits for the first message.
    let held = Plan {
        hold: true,
        ..plan(2)
    };
    let mut call = Box::pin(client.numbers(held));
    let early = tokio::time::timeout(Duration::from_millis(50), &mut call).await;
    assert!(early.is_err(), "headers went out before any message");
    events.release();
    let (seqs, end) = read_to_end(call.await.unwrap().into_inner()).await;
    assert_eq!(seqs, [0, 1]);
    end.unwrap();
}

/// A client that gives up before the first message (so before the headers): the
/// body, still inside tonic's call, is dropped too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_leaving_before_the_headers_drops_the_handler_body() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    read_to_end(client.numbers(plan(1)).await.unwrap().into_inner())
        .await
        .1
        .unwrap();
    events.body_dropped("numbers").await;
    let baseline = quiet_tasks().await;

    let held = Plan {
        hold: true,
        ..plan(2)
    };
    let early = tokio::time::timeout(Duration::from_millis(50), client.numbers(held)).await;
    assert!(early.is_err(), "headers went out before any message");
    // The timeout dropped the call: the body must go, although it was never released.
    events.body_dropped("numbers").await;
    assert_no_task_outlived(baseline).await;
}
