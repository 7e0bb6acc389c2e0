//! Graceful shutdown with 1,000 sessions in flight, of all three kinds, that would
//! never end on their own: after the drain's grace period every handler is stopped,
//! every client gets `UNAVAILABLE` (or `CANCELLED`), never OK, and the server
//! returns with no task left.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::task::JoinSet;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Status};
use tonic_session::client;
use tonic_session::server::Drain;
use tonic_session_tests::loopback::{Loopback, alive_tasks, quiet_tasks};
use tonic_session_tests::pb::probe_client::ProbeClient;
use tonic_session_tests::pb::{Item, Plan};
use tonic_session_tests::probe::{Event, ProbeService};

const SESSIONS: usize = 1_000;
const CHANNELS: usize = 10;
const GRACE: Duration = Duration::from_millis(300);

/// Set once the server returned: the slow readers then read on at full speed
/// through what they still hold, to the status after it.
static SERVER_GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A server stream that never ends: read at a steady pace until the call does.
async fn download(
    mut probe: ProbeClient<Channel>,
    started: Arc<AtomicUsize>,
) -> Result<(), Status> {
    let plan = Plan {
        forever: true,
        ..Plan::default()
    };
    let mut rx = client::server_streaming(Request::new(plan), |request| async move {
        probe.numbers(request).await
    })
    .await?;
    rx.message().await?;
    started.fetch_add(1, Ordering::SeqCst);
    loop {
        // Once the server is gone the test reads what is left at once.
        if !SERVER_GONE.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if rx.message().await?.is_none() {
            return Ok(());
        }
    }
}

/// An upload that never half-closes: send until the call is over.
async fn upload(probe: ProbeClient<Channel>, started: Arc<AtomicUsize>) -> Result<(), Status> {
    let mut upload = client::client_streaming(Request::new(()), |request| {
        let mut probe = probe;
        async move { probe.upload(request).await }
    })
    .await?;
    let mut seq = 0;
    upload.send(Item { seq }).await?;
    started.fetch_add(1, Ordering::SeqCst);
    loop {
        seq += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
        upload.send(Item { seq }).await?;
    }
}

/// A ping-pong that never stops: until the call is over.
async fn chat(probe: ProbeClient<Channel>, started: Arc<AtomicUsize>) -> Result<(), Status> {
    let (mut tx, mut rx) = client::bidi(Request::new(()), |request| {
        let mut probe = probe;
        async move { probe.echo(request).await }
    })
    .await?;
    let mut first = true;
    for seq in 0.. {
        tx.send(Item { seq }).await?;
        if rx.message().await?.is_none() {
            break;
        }
        if first {
            started.fetch_add(1, Ordering::SeqCst);
            first = false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _half_closed = tx.finish();
    rx.finish().await.map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drain_ends_a_thousand_endless_sessions_and_the_server_returns() {
    let baseline = quiet_tasks().await;
    let (service, mut events) = ProbeService::new();
    let drain = Drain::new();
    let server = Loopback::start_draining(service.routes(), &drain, GRACE).await;
    let mut channels = Vec::new();
    for _ in 0..CHANNELS {
        // A hundred streams share each connection: its window is raised so slow
        // readers do not starve the others (HTTP/2's shared window), and each
        // stream's kept small, so an endless download holds little in flight.
        let channel = Endpoint::from_shared(format!("http://{}", server.addr))
            .expect("endpoint")
            .initial_connection_window_size(16 << 20)
            .initial_stream_window_size(4 << 10)
            .connect()
            .await
            .expect("connect");
        channels.push(channel);
    }
    let started = Arc::new(AtomicUsize::new(0));
    let mut sessions = JoinSet::new();
    for index in 0..SESSIONS {
        let probe = ProbeClient::new(channels[index % CHANNELS].clone());
        let started = Arc::clone(&started);
        match index % 3 {
            0 => sessions.spawn(async { ("download", download(probe, started).await) }),
            1 => sessions.spawn(async { ("upload", upload(probe, started).await) }),
            _ => sessions.spawn(async { ("chat", chat(probe, started).await) }),
        };
    }
    let opening = tokio::time::Instant::now();
    let in_flight = tokio::time::timeout(Duration::from_secs(30), async {
        while started.load(Ordering::SeqCst) < SESSIONS {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    assert!(
        in_flight.await.is_ok(),
        "{} sessions started",
        started.load(Ordering::SeqCst)
    );

    let opened = opening.elapsed();
    let stopping = tokio::time::Instant::now();
    let returned = tokio::time::timeout(GRACE + Duration::from_secs(10), server.shutdown()).await;
    assert!(
        returned.is_ok(),
        "the server did not return after its drain"
    );
    let took = stopping.elapsed();
    SERVER_GONE.store(true, Ordering::SeqCst);

    let mut ends: Vec<(&str, Code, bool)> = Vec::new();
    while let Some(ended) = sessions.join_next().await {
        let (kind, ended) = ended.expect("a session task");
        let status = ended.expect_err("an endless session ended OK");
        let drained = status.message().contains("the server is shutting down");
        ends.push((kind, status.code(), drained));
    }
    // Uploads and chats are ended by their sessions, with the drain's status;
    // downloads held back by flow control, by the closing of their connection.
    let wrong: Vec<&(&str, Code, bool)> = ends
        .iter()
        .filter(|(kind, code, drained)| match (*kind, code) {
            ("upload", Code::Unavailable) => !drained,
            ("chat", Code::Unavailable) => !drained,
            ("chat", Code::Cancelled) | ("download", Code::Unavailable) => false,
            _ => true,
        })
        .collect();
    assert!(wrong.is_empty(), "sessions ended as {wrong:?}");
    let unavailable = ends
        .iter()
        .filter(|(_, code, _)| *code == Code::Unavailable)
        .count();

    let seen = events.drain();
    let clean = seen
        .iter()
        .filter(|event| matches!(event, Event::ReceiveEnded(Ok(_))))
        .count();
    assert_eq!(clean, 0, "a handler read a clean end of an endless upload");
    let dropped = seen
        .iter()
        .filter(|event| matches!(event, Event::BodyDropped(_)))
        .count();
    assert_eq!(dropped, SESSIONS, "handler bodies dropped");

    drop(channels);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while alive_tasks() > baseline && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        alive_tasks() <= baseline,
        "{} tasks alive, {baseline} before",
        alive_tasks()
    );
    println!(
        "{SESSIONS} sessions in flight after {opened:?}, drained: the server returned \
         {took:?} after the signal (grace {GRACE:?}); {unavailable} clients got UNAVAILABLE, \
         the rest CANCELLED"
    );
}
