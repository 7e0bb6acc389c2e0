//! Where the code `#[tonic_session::service]` generates enters the runtime: one
//! function per streaming RPC kind, turning tonic's arguments into session halves.

use std::future::Future;
use std::sync::Arc;

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
pub async fn client_streaming<Req, T, F, Fut>(
    request: Request<Streaming<Req>>,
    handler: F,
) -> Result<Response<T>, Status>
where
    F: FnOnce(Request<Receiver<Req>>) -> Fut,
    Fut: Future<Output = Result<Response<T>, Status>>,
{
    let stop = Stop::of(&request);
    let request = Receiver::from_request(request, None)?;
    until_stopped(stop, caught(handler(request))).await?
}

/// The call's path, as `SessionLayer` recorded it, for the sender's reports.
fn method_of<R>(request: &Request<R>) -> MethodName {
    let end = request.extensions().get::<RequestEnd>();
    end.map(RequestEnd::method).unwrap_or_default()
}
