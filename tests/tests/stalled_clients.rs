//! Slow and stalled clients: 1,000 server streams whose clients read nothing, or a
//! byte a second. The server's senders park (no CPU), what the process holds stays
//! bounded per stream and does not grow with time, and a well-behaved client on the
//! same server still gets its answers (its round trip, idle and beside the stalled
//! ones, is printed: latency targets live in the bench).

use std::alloc::System;
use std::time::Duration;

use cap::Cap;
use h2::RecvStream;
use tokio::task::JoinSet;
use tonic::Request;
use tonic_session::client;
use tonic_session_tests::loopback::Loopback;
use tonic_session_tests::pb::probe_client::ProbeClient;
use tonic_session_tests::pb::{Item, Plan};
use tonic_session_tests::probe::{Events, ProbeService};
use tonic_session_tests::process::cpu_time;
use tonic_session_tests::raw_h2::{RawConnection, framed};

#[global_allocator]
static HELD: Cap<System> = Cap::new(System, usize::MAX);

const CONNECTIONS: usize = 50;
const STREAMS: usize = 20;
/// The stream window the stalled clients give (h2's default is 64 KiB; a quarter
/// keeps the suite quick: what is sent before parking scales with it).
const WINDOW: u32 = 16 << 10;

/// Opens `STREAMS` endless server streams on a new connection; returns their
/// bodies (unread) and the connection.
async fn stalled_connection(server: &Loopback) -> (RawConnection, Vec<RecvStream>) {
    let mut builder = h2::client::Builder::new();
    // The connection window covers every stream's, so each stalls on its own window.
    builder
        .initial_window_size(WINDOW)
        .initial_connection_window_size(WINDOW * STREAMS as u32);
    let mut connection = RawConnection::connect_with(server.addr, builder).await;
    let mut bodies = Vec::new();
    for index in 0..STREAMS {
        // Both ways a handler sends: from its body, and from a task it spawned.
        let endless = Plan {
            forever: true,
            from_spawned_task: index % 2 == 1,
            ..Plan::default()
        };
        let mut call = connection.call("/probe.Probe/Numbers").await;
        call.send_bytes(framed(&endless), true);
        bodies.push(call.into_body().await.expect("response headers"));
    }
    (connection, bodies)
}

/// Opens one byte of `body`'s window a second: its window opens by one byte each
/// time, the slowest a reader can be short of stalling.
async fn trickle(mut body: RecvStream) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let _ = body.flow_control().release_capacity(1);
    }
}

/// Waits until the senders stop sending: the count stays the same for 200 ms.
async fn parked(events: &Events) -> u32 {
    let mut last = events.sent();
    let mut still = 0;
    for _ in 0..600 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = events.sent();
        still = if now == last { still + 1 } else { 0 };
        last = now;
        if still == 4 {
            return now;
        }
    }
    panic!("the senders never parked: {last} sent and counting");
}

/// Round trips of a well-behaved ping-pong client, sorted.
async fn round_trips(probe: ProbeClient<tonic::transport::Channel>, count: u32) -> Vec<Duration> {
    let (mut tx, mut rx) = client::bidi(Request::new(()), |request| {
        let mut probe = probe;
        async move { probe.echo(request).await }
    })
    .await
    .expect("a chat");
    let mut times = Vec::new();
    for seq in 0..count {
        let sent = tokio::time::Instant::now();
        tx.send(Item { seq }).await.expect("send");
        rx.message().await.expect("receive").expect("an echo");
        times.push(sent.elapsed());
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await.expect("a clean end");
    times.sort();
    times
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_readers_park_the_server_and_hold_bounded_memory() {
    // Senders that never park would keep the machine busy forever: fail instead.
    let limit = Duration::from_secs(120);
    let run = tokio::time::timeout(limit, stalled_readers());
    assert!(
        run.await.is_ok(),
        "not done in {limit:?}: the senders never parked"
    );
}

async fn stalled_readers() {
    let (service, events) = ProbeService::new();
    let server = Loopback::start(service.routes()).await;
    let well_behaved = ProbeClient::new(server.channel().await);
    let idle = round_trips(well_behaved.clone(), 200).await;
    let held_before = HELD.allocated();

    let mut stalled = Vec::new();
    for _ in 0..CONNECTIONS {
        stalled.push(stalled_connection(&server).await);
    }
    let streams = CONNECTIONS * STREAMS;
    let sent = parked(&events).await;

    // Parked: no sending, no spinning, over a second.
    let cpu_before = cpu_time().expect("/proc/self/stat");
    let held_parked = HELD.allocated();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let cpu = cpu_time().expect("/proc/self/stat") - cpu_before;
    let held_later = HELD.allocated();
    assert!(
        cpu <= Duration::from_millis(50),
        "{cpu:?} of CPU in a second with {streams} stalled streams"
    );
    let grown = held_later.saturating_sub(held_parked);
    assert!(
        grown < 1 << 20,
        "{grown} more bytes held after a second parked"
    );

    // Bounded: per stream, the window the client gave (its unread data, held in
    // this process too), tonic's encoder buffer and the chunk hyper holds for the
    // closed window (32 KiB each at most), the session's held messages, and both
    // sides' HTTP/2 stream state and tasks.
    let per_stream = held_parked.saturating_sub(held_before) / streams;
    assert!(
        per_stream <= WINDOW as usize + (192 << 10),
        "{per_stream} bytes held per stalled stream"
    );

    let beside = round_trips(well_behaved.clone(), 200).await;
    let trickled = trickling(&server, &events).await;
    let median = |times: &[Duration]| times[times.len() / 2];
    println!(
        "{streams} stalled streams: {sent} messages sent before the senders parked; \
         {per_stream} bytes held per stream (client's unread window included); \
         {cpu:?} CPU over 1 s parked; well-behaved round trip p50 {:?} idle, {:?} beside \
         them; {trickled}",
        median(&idle),
        median(&beside)
    );
    for (connection, _bodies) in stalled {
        connection.cut().await;
    }
}

/// 100 streams read a byte a second for 3 s: what the server then does. Each
/// opened byte lets hyper hand h2 the chunk it held, which h2 buffers beyond the
/// window (up to hyper's 400 KiB per stream, as for any tonic server); the session
/// adds at most its held messages.
async fn trickling(server: &Loopback, events: &Events) -> String {
    let mut readers = JoinSet::new();
    let mut connections = Vec::new();
    for _ in 0..5 {
        let (connection, bodies) = stalled_connection(server).await;
        for body in bodies {
            readers.spawn(trickle(body));
        }
        connections.push(connection);
    }
    let _ = parked(events).await;
    let (cpu_before, sent_before) = (cpu_time().expect("/proc/self/stat"), events.sent());
    tokio::time::sleep(Duration::from_secs(3)).await;
    let cpu = cpu_time().expect("/proc/self/stat") - cpu_before;
    let sent = events.sent() - sent_before;
    readers.abort_all();
    for connection in connections {
        connection.cut().await;
    }
    format!("100 streams read a byte a second: {sent} messages and {cpu:?} CPU in 3 s")
}
