//! grpc-js (Node.js) as a client of a session server: its cancels never make a
//! handler take a partial upload for a complete one.
//!
//! grpc-js 1.14 on Node 20 cancels a call by ending the request stream (an empty
//! DATA frame with END_STREAM) and resetting it (RST_STREAM(CANCEL)) a moment
//! later. On the wire the upload is complete until the reset arrives; a handler
//! that read its end before then saw a complete upload, as it would under
//! grpc-go's server (whose `Recv` returns `io.EOF` once END_STREAM was read, and
//! the reset only cancels the handler's context). What must never happen: a
//! handler that ends OK with fewer messages than were sent, or a reset that
//! reached the server before the handler read the end taken for a clean end.

use tonic_session_tests::loopback::{assert_no_task_outlived, quiet_tasks};
use tonic_session_tests::node_peer::node_peer;
use tonic_session_tests::probe::{Event, ProbeService};

/// How the handlers of `rpc` ended, from the events of calls that all ended.
#[derive(Debug, Default)]
struct Ends {
    /// Handlers the calls reached.
    calls: usize,
    /// Receive loops that saw a complete upload of both messages sent.
    complete: usize,
    /// Receive loops that ended with an error (the reset reached the receive).
    errors: usize,
}

impl Ends {
    fn of(events: Vec<Event>, rpc: &str) -> Ends {
        let mut ends = Ends::default();
        for event in events {
            match event {
                Event::ReceiveEnded(Ok(2)) => ends.complete += 1,
                Event::ReceiveEnded(Ok(short)) => {
                    panic!("{rpc}: a handler ended OK after {short} of 2 messages")
                }
                Event::ReceiveEnded(Err(_)) => ends.errors += 1,
                Event::BodyDropped(name) if name == rpc => ends.calls += 1,
                _ => {}
            }
        }
        ends
    }

    /// Handlers dropped before their receive loop ended: the reset reached hyper
    /// while they waited, and it dropped them.
    fn dropped(&self) -> usize {
        self.calls - self.complete - self.errors
    }
}

const CALLS: usize = 200;
const OK: i32 = 0;
const CANCELLED: i32 = 1;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_js_cancels_never_pass_for_complete_uploads() {
    let Some(peer) = node_peer("grpc_js_cancels_never_pass_for_complete_uploads") else {
        return;
    };
    let (service, mut events) = ProbeService::new();
    let server = tonic_session_tests::loopback::Loopback::start(service.routes()).await;
    let baseline = quiet_tasks().await;
    for (scenario, rpc, client_sees) in [
        ("upload-complete", "upload", OK),
        ("upload-cancel", "upload", CANCELLED),
        // grpc-js sends nothing for a call ended and cancelled in one go.
        ("upload-end-cancel", "upload", CANCELLED),
        ("echo-cancel", "echo", CANCELLED),
    ] {
        let codes = peer.client(server.addr, scenario, CALLS).await;
        assert_eq!(codes.len(), CALLS, "{scenario}");
        assert!(
            codes.iter().all(|&code| code == client_sees),
            "{scenario}: {codes:?}"
        );
        // Every call is over for the client; once the server's tasks are back to
        // the baseline, every handler has reported.
        assert_no_task_outlived(baseline).await;
        let ends = Ends::of(events.drain(), rpc);
        // The figures, for the record (shown with --nocapture).
        println!(
            "{scenario}: {ends:?}, dropped before the end: {}",
            ends.dropped()
        );
        if client_sees == OK {
            assert_eq!(ends.complete, CALLS, "{scenario}: {ends:?}");
        }
    }
    assert_no_task_outlived(baseline).await;
}
