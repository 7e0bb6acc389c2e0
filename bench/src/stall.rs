//! Memory under a stalled reader: how many messages a server's own plumbing holds
//! when nobody reads its response stream.
//!
//! Each service's handler is called as tonic calls it (the generated trait method);
//! the response stream it returns is kept but never polled, as when the transport
//! stops taking data. The producer runs until the plumbing pushes back; the messages
//! it got to send are what the plumbing holds. (Over a real connection the HTTP/2
//! window and send buffer hold more on top, the same for both: tens of thousands of
//! 16-byte messages, which would hide the difference measured here.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tonic::Request;

use crate::benchpb::bench_server::Bench;
use crate::benchpb::{Plan, Variant};
use crate::raw::RawBench;
use crate::session::SessionBench;

/// Messages sent before the producer stalled, per server.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stall {
    pub raw_mpsc_sent: u64,
    pub session_spawned_sent: u64,
    pub session_inline_sent: u64,
    /// The session's bound on what it holds per direction.
    pub session_bound: u64,
}

/// Waits until `sent` stops moving (the producer is blocked), then reads it.
async fn settled(sent: &AtomicU64) -> u64 {
    let mut last = u64::MAX;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = sent.load(Ordering::Relaxed);
        if now == last {
            return now;
        }
        last = now;
    }
}

fn plan(variant: Variant) -> Request<Plan> {
    Request::new(Plan {
        count: u64::MAX,
        variant: variant as i32,
        counted: true,
        park: false,
    })
}

async fn session(variant: Variant) -> Result<u64, tonic::Status> {
    let service = SessionBench::default();
    let sent: Arc<AtomicU64> = service.sent.clone();
    // As `SessionLayer` hands the request on: session handlers refuse a server
    // without it.
    let request = tonic_session::__private::as_layered(plan(variant));
    let response = Bench::produce(&service, request).await?;
    let held = settled(&sent).await;
    drop(response);
    Ok(held)
}

/// The stalled-reader figures of both services.
pub async fn measure() -> Result<Stall, crate::BoxError> {
    let raw = RawBench::default();
    let response = Bench::produce(&raw, plan(Variant::Mpsc)).await?;
    let raw_mpsc_sent = settled(&raw.sent).await;
    drop(response);
    Ok(Stall {
        raw_mpsc_sent,
        session_spawned_sent: session(Variant::Spawned).await?,
        session_inline_sent: session(Variant::Inline).await?,
        session_bound: tonic_session::server::MAX_HELD_MESSAGES as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_server_stalls_and_the_sessions_within_their_bound() {
        let stall = measure().await.expect("each server answers");
        assert!(stall.raw_mpsc_sent > 0, "{stall:?}");
        // What the producer sends before it parks: the bound, plus what the stream
        // took before it stopped being polled (none here) and one in hand.
        for sent in [stall.session_spawned_sent, stall.session_inline_sent] {
            assert!(sent > 0 && sent <= stall.session_bound + 1, "{stall:?}");
        }
    }
}
