//! Where the code `#[tonic_session::service]` generates enters the runtime: one
//! function per streaming RPC kind, turning tonic's arguments into session halves.

use std::future::Future;
use std::sync::Arc;

use tonic::{Request, Response, Status, Streaming};

use super::caught::caught;
use super::receiver::Receiver;
use super::response_stream::{ResponseStream, respond};
use super::sender::{Finished, Sender};
use crate::outbox::Outbox;

/// Server streaming: the handler gets a [`Sender`]; its body runs inside the
/// response stream.
pub async fn server_streaming<T, F, Fut>(handler: F) -> Result<Response<ResponseStream<T>>, Status>
where
    T: Send + 'static,
    F: FnOnce(Sender<T>) -> Fut,
    Fut: Future<Output = Result<Finished, Status>> + Send + 'static,
{
    let outbox = Arc::new(Outbox::new());
    let body = Box::pin(handler(Sender::new(Arc::clone(&outbox))));
    respond(outbox, body).await
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
    let outbox = Arc::new(Outbox::new());
    let request = Receiver::from_request(request, Some(outbox.clone()))?;
    let body = Box::pin(handler(request, Sender::new(Arc::clone(&outbox))));
    respond(outbox, body).await
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
    let request = Receiver::from_request(request, None)?;
    caught(handler(request)).await?
}
