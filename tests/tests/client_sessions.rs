//! Client sessions end to end: `#[tonic_session::client]` code (and the plain
//! functions it expands to) against the probe's session handlers on 127.0.0.1.

use std::time::Duration;
use tokio::task::JoinSet;
use tonic::transport::Channel;

use tonic::{Code, Request, Status};
use tonic_session::client;
use tonic_session_tests::loopback::{assert_no_task_outlived, quiet_tasks};
use tonic_session_tests::pb::probe_client::ProbeClient;
use tonic_session_tests::pb::{Item, Plan};
use tonic_session_tests::probe::{Event, ProbeService, assert_planned_failure, plan};
use tonic_session_tests::token_fetching::TokenFetching;

/// Opens an `Echo` bidi call.
#[tonic_session::client]
async fn echo(client: &mut ProbeClient<Channel>) -> (client::Sender<Item>, client::Receiver<Item>) {
    client.echo(..).await.expect("open echo")
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_streaming_reads_to_the_final_status() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let mut rx = client.numbers(plan(5)).await.unwrap();
    let mut seqs = Vec::new();
    while let Some(item) = rx.message().await.unwrap() {
        seqs.push(item.seq);
    }
    assert_eq!(seqs, [0, 1, 2, 3, 4]);
    let _ended = rx.finish().await.expect("the call ended with OK");
}

/// The server fails after 3 messages; the client reads the 3 it wanted and ends
/// its half with `finish`, which still reports the trailing error.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finish_reports_a_trailing_error_after_the_messages_wanted() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let request = Plan {
        fail_after: Some(3),
        ..plan(10)
    };
    let mut rx = client.numbers(request).await.unwrap();
    for seq in 0..3 {
        assert_eq!(rx.message().await.unwrap().unwrap().seq, seq);
    }
    let status = rx.finish().await.expect_err("the server failed the call");
    assert_planned_failure(&status, 3);
}

#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_streaming_reply_comes_from_finish() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    let mut upload = client.upload(..).await.unwrap();
    for seq in 0..10 {
        upload.send(Item { seq }).await.unwrap();
    }
    let summary = upload.finish().await.unwrap().into_inner();
    assert_eq!(summary.count, 10);
    assert_eq!(events.receive_ended().await.unwrap(), 10);
}

/// Over a transport that works before it sends (here: fetching a token), the call
/// must be driven until the request is out: an upload larger than the session's
/// buffer would otherwise wait forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_through_a_slow_transport_goes_out() {
    let (server, _client, _events) = ProbeService::start().await;
    let mut client = ProbeClient::new(TokenFetching(server.lazy_channel()));
    let mut upload =
        client::client_streaming((), |requests| async move { client.upload(requests).await })
            .await
            .unwrap();
    let count = 10 * tonic_session::server::MAX_HELD_MESSAGES as u32;
    let sending = async {
        for seq in 0..count {
            upload.send(Item { seq }).await.unwrap();
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), sending)
        .await
        .expect("the request never went out");
    assert_eq!(upload.finish().await.unwrap().into_inner().count, count);
}

/// Request metadata set on the session's request reaches the server.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_metadata_passes_through() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let mut request = Request::new(plan(1));
    request
        .metadata_mut()
        .insert("x-request-id", "c-7".parse().unwrap());
    let rx = client.numbers(request).await.unwrap();
    assert_eq!(
        rx.headers().unwrap().get("x-echo-request-id").unwrap(),
        "c-7"
    );
    let _ended = rx.finish().await.unwrap();
}

/// `client.method(.., |request| ..)` configures the request with tonic's own API.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sending_call_configures_its_request() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let (mut tx, mut rx) = client
        .echo(.., |request| {
            request
                .metadata_mut()
                .insert("x-request-id", "bidi-1".parse().unwrap())
        })
        .await
        .unwrap();
    tx.send(Item { seq: 0 }).await.unwrap();
    assert_eq!(rx.message().await.unwrap().unwrap().seq, 0);
    assert_eq!(
        rx.headers().unwrap().get("x-echo-request-id").unwrap(),
        "bidi-1"
    );
    let _half_closed = tx.finish();
    let _ended = rx.finish().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_ping_pong_then_half_close_and_drain() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    let (mut tx, mut rx) = echo(&mut client).await;
    for seq in 0..100 {
        tx.send(Item { seq }).await.unwrap();
        assert_eq!(rx.message().await.unwrap().unwrap().seq, seq);
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await.unwrap();
    assert_eq!(events.receive_ended().await.unwrap(), 100);
}

/// Rule 4: one task sends while another receives on the same call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bidi_halves_split_across_two_tasks() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let (mut tx, mut rx) = echo(&mut client).await;
    let sending = tokio::spawn(async move {
        for seq in 0..1000 {
            tx.send(Item { seq }).await?;
        }
        Ok::<_, tonic::Status>(tx.finish())
    });
    let receiving = tokio::spawn(async move {
        let mut next = 0;
        while let Some(item) = rx.message().await? {
            assert_eq!(item.seq, next);
            next += 1;
        }
        Ok::<_, tonic::Status>(next)
    });
    let _half_closed = sending.await.unwrap().unwrap();
    assert_eq!(receiving.await.unwrap().unwrap(), 1000);
}

/// A sending half dropped after 3 of 10 messages cancels the call: the server sees
/// an error, never a clean end, and the client's receiving half an error too.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_sender_is_never_a_clean_end() {
    let (_server, mut client, mut events) = ProbeService::start().await;

    // Client streaming: the upload is dropped unfinished.
    #[tonic_session::allow(unfinished_sender, reason = "the drop is what this test is about")]
    let mut upload = client.upload(..).await.unwrap();
    for seq in 0..3 {
        upload.send(Item { seq }).await.unwrap();
    }
    events
        .until(|event| matches!(event, Event::Received(2)).then_some(()))
        .await;
    drop(upload);
    let status = events
        .receive_ended()
        .await
        .expect_err("a dropped upload must not end cleanly");
    assert_eq!(status.code(), Code::Cancelled, "{status:?}");

    // Bidi: the sender is dropped, the receiver learns the call failed.
    #[tonic_session::allow(unfinished_sender, reason = "the drop is what this test is about")]
    let (mut tx, mut rx) = client.echo(..).await.unwrap();
    for seq in 0..3 {
        tx.send(Item { seq }).await.unwrap();
        assert_eq!(rx.message().await.unwrap().unwrap().seq, seq);
    }
    drop(tx);
    // The reset ends both directions: the server's handler either sees the error or
    // is dropped at its next await; it never sees a clean end of its request stream.
    let server_side = events
        .until(|event| match event {
            Event::ReceiveEnded(ended) => Some(Some(ended)),
            Event::BodyDropped("echo") => Some(None),
            _ => None,
        })
        .await;
    if let Some(ended) = server_side {
        let status = ended.expect_err("a dropped sender must not end cleanly");
        assert_eq!(status.code(), Code::Cancelled, "{status:?}");
    }
    let client_side = rx.finish().await.expect_err("the call was cancelled");
    assert_eq!(client_side.code(), Code::Cancelled, "{client_side:?}");
}

/// An explicit cancel mid-stream ends the server's handler body; no task outlives
/// the call on either side.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_mid_stream_frees_the_server() {
    let (_server, mut client, mut events) = ProbeService::start().await;
    let rx: client::Receiver<Item> = client.numbers(plan(1)).await.unwrap();
    let _ended = rx.finish().await.unwrap();
    events.body_dropped("numbers").await;
    let baseline = quiet_tasks().await;

    let endless = Plan {
        forever: true,
        ..plan(0)
    };
    let mut rx = client.numbers(endless).await.unwrap();
    for seq in 0..3 {
        assert_eq!(rx.message().await.unwrap().unwrap().seq, seq);
    }
    let _cancelled = rx.cancel();
    events.body_dropped("numbers").await;

    // Bidi, cancelled from the receiving half while the request stream is open.
    let (mut tx, mut rx) = client.echo(..).await.unwrap();
    tx.send(Item { seq: 0 }).await.unwrap();
    assert_eq!(rx.message().await.unwrap().unwrap().seq, 0);
    let _cancelled = rx.cancel();
    events.body_dropped("echo").await;
    tx.closed().await;
    assert!(tx.send(Item { seq: 1 }).await.is_err(), "the call is over");
    let _cancelled = tx.cancel();
    assert_no_task_outlived(baseline).await;
}

/// A call opened under tokio's `timeout` is a session too: its receiver (a session
/// `Receiver`, as the annotation proves) is read to its final status.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_under_timeout_is_a_session() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let within = std::time::Duration::from_secs(5);
    let mut rx: client::Receiver<Item> = tokio::time::timeout(within, client.numbers(plan(3)))
        .await
        .expect("opened in time")
        .expect("opened");
    let mut seqs = Vec::new();
    while let Some(item) = rx.message().await.unwrap() {
        seqs.push(item.seq);
    }
    assert_eq!(seqs, [0, 1, 2]);
}

/// Rule 1: one channel, cloned clients, 32 tasks with a bidi call each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_channel_shared_by_32_tasks() {
    let (_server, client, _events) = ProbeService::start().await;
    let mut tasks = JoinSet::new();
    for task in 0..32u32 {
        let mut client = client.clone();
        tasks.spawn(async move {
            let (mut tx, mut rx) = echo(&mut client).await;
            let mut seen = Vec::new();
            for i in 0..50 {
                tx.send(Item {
                    seq: task * 1000 + i,
                })
                .await?;
                seen.push(rx.message().await?.expect("an echo").seq);
            }
            let _half_closed = tx.finish();
            let _ended = rx.finish().await?;
            Ok::<_, tonic::Status>((task, seen))
        });
    }
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        let (task, seen) = joined.unwrap().unwrap();
        assert_eq!(seen, (0..50).map(|i| task * 1000 + i).collect::<Vec<_>>());
        done += 1;
    }
    assert_eq!(done, 32);
}

/// A server that ends an upload with its own status while the client still sends:
/// the failed send is that status (the probe refuses a message out of sequence).
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_send_is_the_servers_status() {
    let (_server, mut client, _events) = ProbeService::start().await;
    let mut upload = client.upload(..).await.unwrap();
    let sending = async {
        upload.send(Item { seq: 7 }).await?;
        for seq in 0.. {
            upload.send(Item { seq }).await?;
            tokio::task::yield_now().await;
        }
        Ok::<(), Status>(())
    };
    let status = tokio::time::timeout(Duration::from_secs(5), sending)
        .await
        .expect("a send fails once the server ended the call")
        .expect_err("the server refused the upload");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let finished = upload.finish().await.expect_err("the same outcome");
    assert_eq!(finished.code(), Code::InvalidArgument, "{finished:?}");
}

/// A handler that finishes with trailing metadata: the client's `finish` reads them
/// with the OK status.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ok_trailers_reach_the_client() {
    let (_server, mut client, _events) = ProbeService::start().await;
    for count in [3, 0] {
        let with_trailers = Plan {
            trailers: true,
            ..plan(count)
        };
        let rx = client.numbers(with_trailers).await.unwrap();
        let ended = rx.finish().await.expect("status OK");
        let sent = ended
            .trailers()
            .get("x-sent")
            .unwrap_or_else(|| panic!("no trailer after {count}: {:?}", ended.trailers()));
        assert_eq!(sent, count.to_string().as_str(), "{count} messages");
    }
}

/// The plain functions the attribute expands to, for code without the attribute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plain_functions_open_each_kind() {
    let (_server, client, _events) = ProbeService::start().await;

    let mut call_client = client.clone();
    let rx = client::server_streaming(plan(2), |request| async move {
        call_client.numbers(request).await
    })
    .await
    .unwrap();
    let _ended = rx.finish().await.unwrap();

    let mut call_client = client.clone();
    let mut upload =
        client::client_streaming(
            (),
            |requests| async move { call_client.upload(requests).await },
        )
        .await
        .unwrap();
    upload.send(Item { seq: 0 }).await.unwrap();
    assert_eq!(upload.finish().await.unwrap().into_inner().count, 1);

    let mut call_client = client.clone();
    let (mut tx, mut rx) = client::bidi(
        (),
        |requests| async move { call_client.echo(requests).await },
    )
    .await
    .unwrap();
    tx.send(Item { seq: 9 }).await.unwrap();
    assert_eq!(rx.message().await.unwrap().unwrap().seq, 9);
    let _half_closed = tx.finish();
    let _ended = rx.finish().await.unwrap();
}
