//! Where the code `#[tonic_session::service]` generates enters the runtime: one
//! function per streaming RPC kind, turning tonic's arguments into session halves.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::{Request, Response, Status, Streaming};

use super::caught::caught;
use super::drain::{Stop, until_stopped};
use super::receiver::Receiver;
use super::request_end::RequestEnd;
use super::response_stream::{ResponseStream, respond};
use super::sender::{Finished, Sender};
use crate::inline_stage;
use crate::outbox::Outbox;
use crate::refused::MethodName;

/// Server streaming: the handler gets the request and a [`Sender`]; its body runs
/// inside the response stream.
pub async fn server_streaming<Req, T, F, Fut>(
    request: Request<Req>,
    handler: F,
) -> Result<Response<ResponseStream<T>>, Status>
where
    T: Send + 'static,
    F: FnOnce(Request<Req>, Sender<T>) -> Fut,
    Fut: Future<Output = Result<Finished, Status>> + Send + 'static,
{
    let method = RequestEnd::of(&request)?.method();
    let stop = Stop::of(&request);
    let outbox = Arc::new(Outbox::new());
    let (stage_in, stage_out) = inline_stage::ring();
    let body = Box::pin(handler(
        request,
        Sender::new(Arc::clone(&outbox), stage_in, method),
    ));
    respond(outbox, stage_out, body, stop).await
}

/// Bidi streaming: a [`Receiver`] whose first receive sends the response headers,
/// and a [`Sender`].
pub async fn bidi_streaming<Req, T, F, Fut>(
    request: Request<Streaming<Req>>,
    handler: F,
) -> Result<Response<ResponseStream<T>>, Status>
where
    T: Send + 'static,
    F: FnOnce(Request<Receiver<Req>>, Sender<T>) -> Fut,
    Fut: Future<Output = Result<Finished, Status>> + Send + 'static,
{
    let stop = Stop::of(&request);
    let method = method_of(&request);
    let outbox = Arc::new(Outbox::new());
    let request = Receiver::from_request(request, Some(outbox.clone()))?;
    let (stage_in, stage_out) = inline_stage::ring();
    let body = Box::pin(handler(
        request,
        Sender::new(Arc::clone(&outbox), stage_in, method),
    ));
    respond(outbox, stage_out, body, stop).await
}

/// Client streaming: a [`Receiver`]; the handler's own response is the reply.
///
/// Not an `async fn`: one would hold the handler's future twice (as its argument
/// and as its pinned local); the call's future is the handler's, in place.
pub fn client_streaming<Req, T, F, Fut>(
    request: Request<Streaming<Req>>,
    handler: F,
) -> impl Future<Output = Result<Response<T>, Status>>
where
    F: FnOnce(Request<Receiver<Req>>) -> Fut,
    Fut: Future<Output = Result<Response<T>, Status>>,
{
    let stop = Stop::of(&request);
    match Receiver::from_request(request, None) {
        Ok(request) => Replying {
            refused: None,
            handler: Some(until_stopped(stop, caught(handler(request)))),
        },
        Err(status) => Replying {
            refused: Some(status),
            handler: None,
        },
    }
}

pin_project_lite::pin_project! {
    /// A client-streaming call: refused before its handler ran, or its handler
    /// running (until it ends, panics or the session must stop).
    struct Replying<W> {
        refused: Option<Status>,
        #[pin]
        handler: Option<W>,
    }
}

impl<R, W: Future<Output = Result<Result<R, Status>, Status>>> Future for Replying<W> {
    type Output = Result<R, Status>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(status) = this.refused.take() {
            return Poll::Ready(Err(status));
        }
        match this.handler.as_pin_mut() {
            Some(handler) => handler.poll(cx).map(|ended| ended.and_then(|reply| reply)),
            None => Poll::Ready(Err(Status::internal(
                "tonic-session: a refused call polled after its end",
            ))),
        }
    }
}

/// The call's path, as `SessionLayer` recorded it, for the sender's reports.
fn method_of<R>(request: &Request<R>) -> MethodName {
    let end = request.extensions().get::<RequestEnd>();
    end.map(RequestEnd::method).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size of what `make` returns.
    fn size_of_return<A, F>(_make: impl FnOnce(A) -> F) -> usize {
        std::mem::size_of::<F>()
    }

    #[test]
    fn a_client_streaming_call_holds_its_handler_once() {
        // A handler whose future holds a kilobyte across an await.
        let handler = |request: Request<Receiver<u8>>| async move {
            let held = [7u8; 1024];
            let _request = request;
            std::future::ready(()).await;
            Ok::<_, Status>(Response::new(held[0]))
        };
        let body = size_of_return(handler);
        let call = size_of_return(move |request| client_streaming(request, handler));
        // The handler's future, the session's stop and a status: not a second copy.
        assert!(
            body > 1024 && call < body + 256,
            "{call} B for a {body} B handler"
        );
        let wrapped = size_of_return(|request| caught(handler(request)));
        assert!(wrapped <= body + 16, "caught: {wrapped} B for {body} B");
    }
}
