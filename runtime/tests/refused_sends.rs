//! Sends after the call is over: a producer that ignores their errors still yields
//! to the runtime, and the half is reported once.

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::Poll;

use futures_core::Stream;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber, span};

/// More failing sends than any cooperative budget allows between two yields.
const ATTEMPTS: u64 = 100_000;

/// Counts the warnings tonic-session logs.
#[derive(Default)]
struct Warnings(AtomicUsize);

impl Subscriber for Warnings {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Asked again each time, so no other test's subscriber caches a verdict.
        Interest::sometimes()
    }
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() == Level::WARN && metadata.target() == "tonic_session"
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, _: &Event<'_>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

/// Spawns `produce` (which sends `ATTEMPTS` times on a half whose call is over,
/// ignoring every error, counting in `attempts`), then yields once: on a
/// single-threaded runtime this task runs again only when the producer yields.
/// Returns how far the producer had got by then, and the warnings logged.
async fn yielded_after<F>(produce: impl FnOnce(Arc<AtomicU64>) -> F) -> (u64, usize)
where
    F: Future<Output = ()> + Send + 'static,
{
    let warnings = Arc::new(Warnings::default());
    let _logging = tracing::subscriber::set_default(Arc::clone(&warnings));
    let attempts = Arc::new(AtomicU64::new(0));
    let producer = tokio::spawn(produce(Arc::clone(&attempts)));
    tokio::task::yield_now().await;
    let when_we_ran = attempts.load(Ordering::SeqCst);
    producer.await.expect("the producer");
    assert_eq!(attempts.load(Ordering::SeqCst), ATTEMPTS);
    (when_we_ran, warnings.0.load(Ordering::SeqCst))
}

/// Polls `stream` once (as the transport does when it takes it), then drops it (as
/// the transport does when the call is over).
async fn poll_once_and_drop(mut stream: impl Stream + Unpin) {
    poll_fn(|cx| {
        let _ = Pin::new(&mut stream).poll_next(cx);
        Poll::Ready(())
    })
    .await;
}

fn assert_yielded_and_warned_once((when_we_ran, warnings): (u64, usize)) {
    assert!(
        when_we_ran < ATTEMPTS,
        "the producer never yielded: {when_we_ran} failing sends before anything else ran"
    );
    assert!(when_we_ran > 0, "the producer did not run at all");
    assert_eq!(warnings, 1, "the half is reported once");
}

#[tokio::test(flavor = "current_thread")]
async fn a_server_producer_ignoring_send_errors_yields_and_is_reported_once() {
    let observed = yielded_after(|attempts| async move {
        let (tx_slot, tx_taken) = tokio::sync::oneshot::channel();
        let response = tonic_session::__private::server_streaming(
            tonic_session::__private::as_layered(tonic::Request::new(())),
            move |_request, mut tx: tonic_session::server::Sender<u64>| async move {
                tx.send_headers();
                let _ = tx_slot.send(tx);
                std::future::pending().await
            },
        )
        .await
        .expect("headers");
        // One poll runs the body, which hands its sender out; dropping the stream
        // (the client left) ends the call.
        poll_once_and_drop(response.into_inner()).await;
        let mut tx = tx_taken.await.expect("the body ran");
        for i in 0..ATTEMPTS {
            #[allow(clippy::redundant_pattern_matching, reason = "the misuse under test")]
            if let Err(_) = tx.send(i).await {}
            attempts.fetch_add(1, Ordering::SeqCst);
        }
    })
    .await;
    assert_yielded_and_warned_once(observed);
}

#[tokio::test(flavor = "current_thread")]
async fn a_client_producer_ignoring_send_errors_yields_and_is_reported_once() {
    let observed = yielded_after(|attempts| async move {
        // A call that takes its request stream, drops it (the call is over) and
        // never answers.
        let (mut tx, _rx) = tonic_session::client::bidi::<u64, u64, _>((), |request| async move {
            poll_once_and_drop(request.into_inner()).await;
            std::future::pending().await
        })
        .await
        .expect("opened");
        for i in 0..ATTEMPTS {
            #[allow(clippy::redundant_pattern_matching, reason = "the misuse under test")]
            if let Err(_) = tx.send(i).await {}
            attempts.fetch_add(1, Ordering::SeqCst);
        }
        let _ = tx.cancel();
    })
    .await;
    assert_yielded_and_warned_once(observed);
}
