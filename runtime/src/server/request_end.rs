//! Telling a complete upload from an aborted one.
//!
//! tonic's server decoder turns a client's `RST_STREAM(CANCEL)` on the request body
//! into a clean end of stream, so a handler cannot tell a partial upload from a
//! complete one. [`SessionLayer`] wraps every request body and records how it really
//! ended; the session [`Receiver`](super::Receiver) reads that record.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::uri::PathAndQuery;
use http_body::{Body, Frame, SizeHint};
use tower_layer::Layer;
use tower_service::Service;

use super::drain::Drain;
use crate::refused::MethodName;

const OPEN: u8 = 0;
const COMPLETE: u8 = 1;
const BROKEN: u8 = 2;

/// How a request body ended, shared between the body wrapper and the handler, and
/// the call's path (for the sender's reports): one record, one allocation per call.
#[derive(Clone, Debug)]
pub(crate) struct RequestEnd(Arc<Record>);

#[derive(Debug)]
struct Record {
    end: AtomicU8,
    path: Option<PathAndQuery>,
    /// The request's `content-type` when it is not gRPC's (`application/grpc`,
    /// `application/grpc+proto`, ...): such a call is refused before its handler runs.
    not_grpc: Option<Box<str>>,
}

/// What the wire said about the end of a request body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EndSeen {
    /// Not ended yet (or the body was dropped before its end).
    Open,
    /// END_STREAM arrived (after data or trailers).
    Complete,
    /// The body failed or stopped before END_STREAM: the client reset the stream
    /// (with any code, NO_ERROR included), or the connection broke.
    Broken,
}

impl RequestEnd {
    /// The record `SessionLayer` made for `request`, or the status that fails a call
    /// served without the layer: every session handler needs it (a client's
    /// deadline, an aborted upload told from a complete one), so a server built
    /// without it fails at the first call of any kind, not only on uploads.
    ///
    /// A request whose `content-type` is not gRPC's is refused here too, with
    /// `INVALID_ARGUMENT` as grpc-go's server answers it, so a session handler never
    /// runs on a body it cannot trust to be gRPC framing.
    pub(crate) fn of<R>(request: &tonic::Request<R>) -> Result<&RequestEnd, tonic::Status> {
        let end = RequestEnd::recorded(request)?;
        match &end.0.not_grpc {
            None => Ok(end),
            Some(content_type) => Err(tonic::Status::invalid_argument(format!(
                "invalid gRPC request content-type {content_type:?}"
            ))),
        }
    }

    fn recorded<R>(request: &tonic::Request<R>) -> Result<&RequestEnd, tonic::Status> {
        request.extensions().get::<RequestEnd>().ok_or_else(|| {
            tonic::Status::internal(
                "tonic-session: this server lacks SessionLayer, without which a client's deadline \
                 does not hold and an aborted upload looks complete; add \
                 `.layer(tonic_session::server::SessionLayer::new())` to `Server::builder()`",
            )
        })
    }

    pub(crate) fn new(path: Option<PathAndQuery>, headers: &http::HeaderMap) -> Self {
        let content_type = headers.get(http::header::CONTENT_TYPE);
        let grpc = content_type
            .and_then(|value| value.to_str().ok())
            .is_some_and(is_grpc_content_type);
        let not_grpc = (!grpc).then(|| {
            content_type
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into())
                .unwrap_or_default()
        });
        RequestEnd(Arc::new(Record {
            end: AtomicU8::new(OPEN),
            path,
            not_grpc,
        }))
    }

    fn record(&self, end: u8) {
        // The first end seen is the truth.
        let _first = self
            .0
            .end
            .compare_exchange(OPEN, end, Ordering::AcqRel, Ordering::Acquire);
    }

    /// The call's method, as its path names it.
    pub(crate) fn method(&self) -> MethodName {
        self.0
            .path
            .clone()
            .map(MethodName::Path)
            .unwrap_or_default()
    }

    pub(crate) fn seen(&self) -> EndSeen {
        match self.0.end.load(Ordering::Acquire) {
            COMPLETE => EndSeen::Complete,
            BROKEN => EndSeen::Broken,
            _ => EndSeen::Open,
        }
    }
}

/// Whether `value` is a gRPC content type: `application/grpc`, alone or followed by
/// `+` and a codec (`application/grpc+proto`) or `;` and parameters; or grpc-web's
/// (`application/grpc-web...`), which tonic-web's layer translates, whichever side
/// of this layer it sits.
fn is_grpc_content_type(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("application/grpc") else {
        return false;
    };
    rest.is_empty() || rest.starts_with(['+', ';']) || rest.starts_with("-web")
}

/// A tower layer that session services need: it records, for every request, whether
/// the request body ended with END_STREAM or was reset, so a session
/// [`Receiver`](super::Receiver) reports an aborted upload as an error instead of a
/// clean end; and the request's deadline (`grpc-timeout`), which a session enforces
/// to the end of the RPC (tonic alone stops at the response headers).
///
/// Install it once on the server; a client-streaming or bidi session handler served
/// without it fails its calls with an `INTERNAL` status that names this layer.
///
/// ```no_run
/// # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
/// # let routes = tonic::service::Routes::default();
/// tonic::transport::Server::builder()
///     .layer(tonic_session::server::SessionLayer::new())
///     .add_routes(routes)
///     .serve("127.0.0.1:50051".parse()?)
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct SessionLayer {
    timeout: Option<Duration>,
    drain: Option<Drain>,
}

impl SessionLayer {
    /// The layer, with no limit of its own: each session holds its client's
    /// deadline, if the client set one.
    pub fn new() -> Self {
        SessionLayer::default()
    }

    /// A server-side limit for every session: the shorter of `timeout` and the
    /// client's deadline holds to the end of the call, streams included, which then
    /// ends with `DEADLINE_EXCEEDED`. tonic's own `Server::builder().timeout(..)`
    /// bounds only the wait for a call's response headers (a stream it opened runs
    /// on past it); give the layer the same limit to hold it to the end.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Ends every session still running a grace period after the server's
    /// shutdown signal, with `UNAVAILABLE` (see [`Drain`]): without it tonic's
    /// graceful shutdown waits for every stream to end on its own.
    pub fn drain(mut self, drain: &Drain) -> Self {
        self.drain = Some(drain.clone());
        self
    }
}

impl<S> Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> SessionService<S> {
        SessionService {
            inner,
            timeout: self.timeout,
            drain: self.drain.clone(),
        }
    }
}

/// The service [`SessionLayer`] wraps around a router.
#[derive(Clone, Debug)]
pub struct SessionService<S> {
    inner: S,
    timeout: Option<Duration>,
    drain: Option<Drain>,
}

impl<S, B> Service<http::Request<B>> for SessionService<S>
where
    S: Service<http::Request<tonic::body::Body>>,
    B: Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<tonic::codegen::StdError>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let (mut parts, body) = request.into_parts();
        let end = RequestEnd::new(parts.uri.path_and_query().cloned(), &parts.headers);
        parts.extensions.insert(end.clone());
        let client = crate::deadline::grpc_timeout(&parts.headers);
        let shorter = match (client, self.timeout) {
            (Some(client), Some(server)) => Some(client.min(server)),
            (client, server) => client.or(server),
        };
        if let Some(timeout) = shorter {
            parts
                .extensions
                .insert(crate::deadline::RequestDeadline::after(timeout));
        }
        if let Some(drain) = &self.drain {
            parts.extensions.insert(drain.watch());
        }
        let body = tonic::body::Body::new(RecordingBody { inner: body, end });
        self.inner.call(http::Request::from_parts(parts, body))
    }
}

/// A request body that records how it ended.
struct RecordingBody<B> {
    inner: B,
    end: RequestEnd,
}

impl<B: Body + Unpin> Body for RecordingBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            // hyper also ends a body this way when the client reset the stream with
            // NO_ERROR before END_STREAM (HTTP/2's "early response"); for gRPC a
            // request stream without END_STREAM is never complete. Only here, at the
            // end, is hyper asked whether END_STREAM arrived.
            Poll::Ready(None) if self.inner.is_end_stream() => self.end.record(COMPLETE),
            Poll::Ready(None) => self.end.record(BROKEN),
            Poll::Ready(Some(Ok(frame))) if frame.is_trailers() => self.end.record(COMPLETE),
            Poll::Ready(Some(Err(_))) => self.end.record(BROKEN),
            _ => {}
        }
        polled
    }

    /// Never says the end was reached, which `Body` allows: tonic then polls the
    /// body even when it ended with the headers, so the end is recorded where it is
    /// seen. Asking hyper takes h2's lock on the whole connection, which the
    /// connection's own task holds while it reads frames: `poll_frame` asks once per
    /// call, at the end, where it must.
    fn is_end_stream(&self) -> bool {
        false
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::is_grpc_content_type;

    #[test]
    fn grpc_content_types_and_others() {
        for grpc in [
            "application/grpc",
            "application/grpc+proto",
            "application/grpc;charset=utf-8",
            "application/grpc-web+proto",
        ] {
            assert!(is_grpc_content_type(grpc), "{grpc}");
        }
        for other in ["text/plain", "application/grpcx", "application/json", ""] {
            assert!(!is_grpc_content_type(other), "{other}");
        }
    }
}
