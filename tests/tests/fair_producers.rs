//! A handler that produces as fast as it can shares its worker thread, as a raw
//! `mpsc` stream does (tokio's cooperative budget): the call's headers and first
//! messages leave after a few batches, not once the HTTP/2 window and every buffer
//! on the way are full of messages the client has not seen yet.

use tonic::Request;
use tonic_session_tests::pb::Plan;
use tonic_session_tests::probe::ProbeService;

/// How many messages may be produced before the client sees the response. Taking
/// turns, a few hundred to a few thousand go first (tokio's budget is 128
/// operations a turn); a producer that never yields fills about 53,000 first.
const EARLY: u32 = 20_000;

/// The producer wakes the connection's task onto its own worker (tokio's LIFO
/// slot, which the other worker cannot take): until the producer yields, nothing is
/// written, while the client's deadline runs.
#[tonic_session::client]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_producer_lets_the_response_out_early() {
    let (_server, mut client, events) = ProbeService::start().await;
    let endless = Plan {
        forever: true,
        ..Plan::default()
    };
    let mut rx = client.numbers(Request::new(endless)).await.unwrap();
    let at_headers = events.sent();
    let first = rx.message().await.unwrap();
    let at_first = events.sent();
    assert!(first.is_some());
    let _cancelled = rx.cancel();
    assert!(
        at_headers < EARLY && at_first < EARLY,
        "{at_headers} messages produced before the headers reached the client, \
         {at_first} before the first message"
    );
}
