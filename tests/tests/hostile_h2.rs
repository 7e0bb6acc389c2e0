//! A hostile HTTP/2 client against a session server: frames tonic's client never
//! sends, written with the `h2` crate (see `raw_h2`), on all three streaming kinds.
//!
//! Each case asserts what the handler sees (a broken upload is an error, never a
//! clean end), what the client is sent (gRPC's status for it, or a reset), and that
//! tasks and memory come back to where they were. `TONIC_SESSION_HOSTILE_ROUNDS`
//! repeats the randomized resets (default 1): the soak mode.

use std::alloc::System;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use cap::Cap;
use h2::Reason;
use tonic::Code;
use tonic_session::server::MAX_HELD_MESSAGES;
use tonic_session_tests::loopback::{Loopback, assert_no_task_outlived, quiet_tasks};
use tonic_session_tests::pb::{Item, Plan};
use tonic_session_tests::probe::{Event, Events, ProbeService};
use tonic_session_tests::raw_h2::{RawCall, RawConnection, RawOutcome, framed};

#[global_allocator]
static HELD: Cap<System> = Cap::new(System, usize::MAX);

const NUMBERS: &str = "/probe.Probe/Numbers";
const UPLOAD: &str = "/probe.Probe/Upload";
const ECHO: &str = "/probe.Probe/Echo";

/// The methods whose request is a stream.
const UPLOADS: [&str; 2] = [UPLOAD, ECHO];

/// A gRPC length prefix: the compressed flag and the length it promises.
fn prefix(compressed: bool, length: u32) -> BytesMut {
    let mut bytes = BytesMut::new();
    bytes.put_u8(u8::from(compressed));
    bytes.put_u32(length);
    bytes
}

/// `count` numbered items, framed back to back.
fn items(count: u32) -> Bytes {
    let mut bytes = BytesMut::new();
    for seq in 0..count {
        bytes.put_slice(&framed(&Item { seq }));
    }
    bytes.freeze()
}

/// A server's plan for `Numbers`, framed, as the whole request.
fn numbers_request(plan: &Plan) -> Bytes {
    framed(plan)
}

/// Waits for the handler of `rpc` to end; the receive loop's result if it reported
/// one (a handler dropped mid-receive reports none).
async fn handler_end(events: &mut Events, rpc: &str) -> Option<Result<u32, tonic::Status>> {
    let mut ended = None;
    events
        .until(|event| match event {
            Event::ReceiveEnded(result) => {
                ended = Some(result);
                None
            }
            Event::BodyDropped(name) if name == rpc => Some(()),
            _ => None,
        })
        .await;
    ended
}

fn rpc_name(method: &str) -> &'static str {
    match method {
        UPLOAD => "upload",
        ECHO => "echo",
        _ => "numbers",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_split_at_every_byte_arrives_whole() {
    let (server, _client, mut events) = ProbeService::start().await;
    let mut connection = RawConnection::connect(server.addr).await;
    let whole = items(3);
    for method in UPLOADS {
        for split in 1..whole.len() {
            let mut call = connection.call(method).await;
            call.send_bytes(whole.slice(..split), false);
            call.send_bytes(whole.slice(split..), true);
            let outcome = call.outcome().await;
            let ended = handler_end(&mut events, rpc_name(method)).await;
            let what = format!("{method} split at byte {split}");
            assert_eq!(outcome, RawOutcome::Status("0".into()), "{what}");
            assert_eq!(ended.map(|end| end.ok()), Some(Some(3)), "{what}");
        }
    }
}

/// Uploads whose bytes are not a whole gRPC stream, and the status each must end with.
fn broken_uploads() -> Vec<(&'static str, Bytes, Code)> {
    let mut truncated = prefix(false, 10);
    truncated.put_slice(&[8, 1]);
    let mut flagged = prefix(true, 2);
    flagged.put_slice(&[8, 1]);
    let oversized = prefix(false, 5 << 20);
    vec![
        (
            "a length prefix promising more than arrives",
            truncated.freeze(),
            Code::Internal,
        ),
        (
            "a compressed flag with no grpc-encoding",
            flagged.freeze(),
            Code::Internal,
        ),
        (
            "a message over the 4 MiB limit",
            oversized.freeze(),
            Code::ResourceExhausted,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_upload_is_an_error_to_the_handler_and_to_the_client() {
    let (server, _client, mut events) = ProbeService::start().await;
    let baseline = quiet_tasks().await;
    let mut connection = RawConnection::connect(server.addr).await;
    for method in UPLOADS {
        for (what, bytes, code) in broken_uploads() {
            let mut call = connection.call(method).await;
            call.send(&Item { seq: 0 });
            call.send_bytes(bytes, true);
            let outcome = call.outcome().await;
            let ended = handler_end(&mut events, rpc_name(method)).await;
            let what = format!("{method}, {what}");
            let status = match ended {
                Some(Err(status)) => status,
                other => panic!("{what}: the handler saw {other:?}"),
            };
            assert_eq!(status.code(), code, "{what}: {status:?}");
            let sent = RawOutcome::Status((code as i32).to_string());
            assert_eq!(outcome, sent, "{what}: the client was sent {outcome:?}");
        }
    }
    drop(connection);
    assert_no_task_outlived(baseline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_that_are_not_grpc_are_refused_before_the_handler_runs() {
    let (server, _client, mut events) = ProbeService::start().await;
    let mut connection = RawConnection::connect(server.addr).await;
    let refused = [
        (("content-type", "text/plain"), Code::InvalidArgument),
        (("content-type", "application/json"), Code::InvalidArgument),
        (("grpc-encoding", "snappy"), Code::Unimplemented),
    ];
    for method in [NUMBERS, UPLOAD, ECHO] {
        for (header, code) in refused {
            let mut call = connection.call_with(method, &[header]).await;
            let body = match method {
                NUMBERS => numbers_request(&Plan::default()),
                _ => items(2),
            };
            call.send_bytes_unless_answered(body, true);
            let outcome = call.outcome().await;
            let what = format!("{method} with {header:?}");
            let sent = RawOutcome::Status((code as i32).to_string());
            assert_eq!(outcome, sent, "{what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
            let seen = events.drain();
            let ran = seen.iter().any(|event| {
                matches!(event, Event::Received(_) | Event::ReceiveEnded(_))
                    || matches!(event, Event::BodyDropped(_))
            });
            assert!(!ran, "{what}: the handler ran: {seen:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trailers_on_a_request_end_it_like_end_stream() {
    let (server, _client, mut events) = ProbeService::start().await;
    let mut connection = RawConnection::connect(server.addr).await;
    for method in UPLOADS {
        let mut call = connection.call(method).await;
        call.send_bytes(items(2), false);
        let mut trailers = http::HeaderMap::new();
        trailers.insert("x-trailing", http::HeaderValue::from_static("1"));
        call.send_trailers(trailers);
        let outcome = call.outcome().await;
        let ended = handler_end(&mut events, rpc_name(method)).await;
        assert_eq!(outcome, RawOutcome::Status("0".into()), "{method}");
        assert_eq!(ended.map(|end| end.ok()), Some(Some(2)), "{method}");
    }
}

/// A small seeded generator (xorshift), so a failing round can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// Opens `method`, sends `messages` request messages (for `Numbers`, a plan that
/// never ends), half-closes if `end_stream`.
async fn open(
    connection: &mut RawConnection,
    method: &str,
    messages: u32,
    end_stream: bool,
) -> RawCall {
    let mut call = connection.call(method).await;
    match method {
        NUMBERS => {
            let forever = Plan {
                forever: true,
                ..Plan::default()
            };
            call.send_bytes(numbers_request(&forever), true);
        }
        _ => call.send_bytes(items(messages), end_stream),
    }
    call
}

/// Waits until the handler of the call just opened runs: it received the first
/// message, or (`Numbers`) sent one. A reset before that is hyper's to drop, and no
/// handler sees it.
async fn handler_started(events: &mut Events, method: &str, sent_before: u32) {
    if method == NUMBERS {
        while events.sent() == sent_before {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        return;
    }
    events
        .until(|event| matches!(event, Event::Received(0)).then_some(()))
        .await;
}

/// What the handler of a reset call may have seen: an error, or nothing (it was
/// dropped); a clean end only if END_STREAM came before the reset, and then with
/// every message that was sent.
fn assert_reset_seen(what: &str, ended: Option<Result<u32, tonic::Status>>, complete: Option<u32>) {
    match (ended, complete) {
        (None | Some(Err(_)), _) => {}
        (Some(Ok(count)), Some(sent)) => assert_eq!(count, sent, "{what}"),
        (Some(Ok(count)), None) => {
            panic!("{what}: a reset upload ended cleanly with {count} messages")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resets_with_every_code_at_random_points_stop_every_kind() {
    let rounds: u64 = std::env::var("TONIC_SESSION_HOSTILE_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(1);
    let (server, _client, mut events) = ProbeService::start().await;
    let baseline = quiet_tasks().await;
    let reasons = [
        Reason::CANCEL,
        Reason::PROTOCOL_ERROR,
        Reason::REFUSED_STREAM,
        Reason::NO_ERROR,
        Reason::INTERNAL_ERROR,
    ];
    let mut rng = Rng(0x5eed_0001);
    let mut connection = RawConnection::connect(server.addr).await;
    for round in 0..rounds {
        for method in [NUMBERS, UPLOAD, ECHO] {
            for reason in reasons {
                let messages = 1 + rng.below(4) as u32;
                let after_end = method != NUMBERS && rng.below(4) == 0;
                let wait = Duration::from_millis(rng.below(5));
                let what = format!(
                    "round {round}: {method}, {messages} messages, END_STREAM {after_end}, \
                     then RST_STREAM({reason:?}) after {wait:?}"
                );
                let sent_before = events.sent();
                let mut call = open(&mut connection, method, messages, after_end).await;
                handler_started(&mut events, method, sent_before).await;
                tokio::time::sleep(wait).await;
                call.reset(reason);
                let outcome = call.outcome().await;
                assert!(
                    matches!(outcome, RawOutcome::Reset(_) | RawOutcome::Status(_)),
                    "{what}: {outcome:?}"
                );
                let ended = handler_end(&mut events, rpc_name(method)).await;
                assert_reset_seen(&what, ended, after_end.then_some(messages));
            }
        }
    }
    connection.cut().await;
    assert_no_task_outlived(baseline).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_opens_its_window_parks_the_sender() {
    let (server, _client, mut events) = ProbeService::start().await;
    let mut connection = RawConnection::connect(server.addr).await;
    let call = open(&mut connection, NUMBERS, 0, true).await;
    // Never read: the stream's window (64 KiB) fills and is never opened again.
    let mut last = events.sent();
    let mut still = 0;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = events.sent();
        still = if now == last { still + 1 } else { 0 };
        last = now;
        if still == 6 {
            break;
        }
    }
    assert_eq!(
        still, 6,
        "the sender never parked: {last} sent and counting"
    );
    // Parked with what the window, h2's send buffer and the session hold: each
    // item is 7 bytes on the wire, so bounded by (64 KiB + 400 KiB) / 7 and the
    // session's own few.
    let bound = (65_535 + 409_600) / 7 + MAX_HELD_MESSAGES as u32;
    assert!(
        last <= bound,
        "{last} messages sent into a closed window, bound {bound}"
    );
    println!("parked after {last} messages (bound {bound})");
    drop(call);
    events.body_dropped("numbers").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_streams_abandoned_with_their_connection_leave_nothing_behind() {
    const CONNECTIONS: usize = 100;
    const STREAMS: usize = 100;
    let (service, mut events) = ProbeService::new();
    let server = Loopback::start(service.routes()).await;
    let baseline = quiet_tasks().await;
    let held_before = HELD.allocated();
    let mut connections = Vec::new();
    for _ in 0..CONNECTIONS {
        let mut connection = RawConnection::connect(server.addr).await;
        let mut calls = Vec::new();
        for _ in 0..STREAMS {
            calls.push(open(&mut connection, UPLOAD, 1, false).await);
        }
        connections.push((connection, calls));
    }
    let total = CONNECTIONS * STREAMS;
    let mut received = 0;
    while received < total {
        if let Event::Received(_) = events.next().await {
            received += 1;
        }
    }
    let held_open = HELD.allocated();
    println!(
        "{} bytes held with every stream open",
        held_open - held_before
    );
    for (connection, calls) in connections {
        connection.cut().await;
        // The calls' handles go with the socket; no frame is left to send.
        drop(calls);
    }
    let (mut clean, mut failed) = (0, 0);
    while clean + failed < total {
        match events.next().await {
            Event::ReceiveEnded(Ok(_)) => clean += 1,
            Event::ReceiveEnded(Err(_)) => failed += 1,
            _ => {}
        }
    }
    assert_eq!(clean, 0, "abandoned uploads that ended cleanly");
    println!("{failed} abandoned uploads ended in an error");
    assert_no_task_outlived(baseline).await;
    let grown = HELD.allocated().saturating_sub(held_before);
    println!(
        "{grown} bytes held over the baseline ({held_before}) after {total} abandoned streams"
    );
    assert!(
        grown < 4 << 20,
        "{grown} bytes still held after {total} abandoned streams ended"
    );
    drop(server);
}
