//! Deadlines: the `grpc-timeout` a client sends, enforced for the whole stream.
//!
//! tonic applies a request's deadline only until the response headers (on both
//! sides, and reports it as `CANCELLED`); a session enforces it until the end of the
//! RPC and reports `DEADLINE_EXCEEDED`, on both sides.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use http::{HeaderMap, HeaderName};
use tokio::time::{Instant, sleep_until};
use tonic::Status;

/// The deadline of a server request, recorded by [`SessionLayer`](crate::server::SessionLayer).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RequestDeadline(pub(crate) Instant);

/// How much earlier than the request's deadline a server session ends the RPC.
///
/// tonic's own server timeout wraps every layer, is armed a moment before ours for
/// the same deadline, and answers `CANCELLED "Timeout expired"` (tonic's choice,
/// not the gRPC spec's). It polls the handler before its timer, so a session timer
/// that has already fired wins, and the RPC ends with DEADLINE_EXCEEDED on both
/// sides. Tokio's timers tick in milliseconds: one tick ahead is always ahead.
const AHEAD_OF_TONIC: Duration = Duration::from_millis(1);

impl RequestDeadline {
    /// The deadline of a request received now with `grpc-timeout` = `timeout`.
    pub(crate) fn after(timeout: Duration) -> Self {
        RequestDeadline(Instant::now() + timeout.saturating_sub(AHEAD_OF_TONIC))
    }
}

/// The status of an RPC whose deadline passed.
pub(crate) fn exceeded() -> Status {
    Status::deadline_exceeded("tonic-session: the deadline passed before the RPC ended")
}

/// Runs `work` until `deadline`, if there is one; past it, DEADLINE_EXCEEDED (and
/// `work` is dropped: a call dropped before its end is reset). The deadline is looked
/// at first, so it wins over tonic's own timer on the same call, which would answer
/// CANCELLED.
pub(crate) async fn race<T>(
    deadline: Option<Instant>,
    work: impl Future<Output = Result<T, Status>>,
) -> Result<T, Status> {
    let Some(at) = deadline else {
        return work.await;
    };
    let mut expiry = pin!(sleep_until(at));
    let mut work = pin!(work);
    poll_fn(|cx| {
        if expiry.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(exceeded()));
        }
        match work.as_mut().poll(cx) {
            // Failed at or past the deadline (its reset, say): because of it, even
            // before the millisecond timer fired.
            Poll::Ready(Err(_)) if Instant::now() >= at => Poll::Ready(Err(exceeded())),
            other => other,
        }
    })
    .await
}

/// `status`, or DEADLINE_EXCEEDED when `deadline` has passed: the call failed
/// because of it, whatever tonic said (its own timer answers CANCELLED "Timeout
/// expired").
pub(crate) fn because_of(deadline: Option<Instant>, status: Status) -> Status {
    match deadline {
        Some(at) if Instant::now() >= at => exceeded(),
        _ => status,
    }
}

/// The `grpc-timeout` of a request, if it has a valid one (at most 8 digits and a
/// unit, as the gRPC spec has it). An invalid value is ignored, as tonic does.
pub(crate) fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    // A ready-made name: looking up by `&str` parses it on every request.
    const GRPC_TIMEOUT: HeaderName = HeaderName::from_static("grpc-timeout");
    parse_grpc_timeout(headers.get(&GRPC_TIMEOUT)?.to_str().ok()?)
}

/// The deadline a client request carries (set with `Request::set_timeout`),
/// counted from now.
pub(crate) fn of_client_request<T>(request: &tonic::Request<T>) -> Option<Instant> {
    let timeout = parse_grpc_timeout(request.metadata().get("grpc-timeout")?.to_str().ok()?)?;
    Some(Instant::now() + timeout)
}

fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let split = value.len().checked_sub(1)?;
    let (amount, unit) = (value.get(..split)?, value.get(split..)?);
    if amount.is_empty() || amount.len() > 8 || !amount.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = amount.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-timeout", value.parse().expect("ascii"));
        grpc_timeout(&headers)
    }

    #[test]
    fn parses_every_unit_and_refuses_the_rest() {
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse("4S"), Some(Duration::from_secs(4)));
        assert_eq!(parse("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse("99999999n"), Some(Duration::from_nanos(99_999_999)));
        for bad in ["", "S", "5", "123456789S", "5x", "-5S", "+5S", "5 S", "é"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(grpc_timeout(&HeaderMap::new()), None);
    }
}
