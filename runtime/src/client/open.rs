//! Starting client sessions: one function per streaming RPC kind. Each takes the
//! tonic call (as a closure that is given the request stream, where there is one)
//! and returns session halves.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

use tonic::{Request, Response, Status, Streaming};

use super::outgoing::Outgoing;
use super::receiver::Receiver;
use super::request_stream::{Dispatch, RequestStream};
use super::sender::Sender;
use super::upload::Upload;

/// A server-streaming call: awaits the response headers and returns the receiving
/// half.
///
/// ```no_run
/// # async fn demo(mut client: tonic_session_doc::Client) -> Result<(), tonic::Status> {
/// let mut rx = tonic_session::client::server_streaming(client.watch(7)).await?;
/// while let Some(event) = rx.message().await? {
///     println!("{event}");
/// }
/// # Ok(()) }
/// # mod tonic_session_doc { pub struct Client; impl Client {
/// #   pub async fn watch(&mut self, _: u32) -> Result<tonic::Response<tonic::Streaming<String>>, tonic::Status> { unimplemented!() } } }
/// ```
pub async fn server_streaming<U>(
    call: impl Future<Output = Result<Response<Streaming<U>>, Status>>,
) -> Result<Receiver<U>, Status> {
    Ok(Receiver::open(call.await?, None, None))
}

/// A client-streaming call: returns the sending half once the request went out;
/// its `finish` yields the reply.
///
/// `start` is given the request (with its stream; set metadata or a timeout on it
/// here) and returns the call, owning its client (clone it: tonic clients are cheap
/// handles to a shared channel).
///
/// A deadline set inside `start` is not seen by the session, so only the server
/// (and tonic, until the response headers) enforces it; the attribute's
/// `client.method(.., |request| request.set_timeout(..))` enforces it here too.
pub async fn client_streaming<T, R, Fut>(
    start: impl FnOnce(Request<RequestStream<T>>) -> Fut,
) -> Result<Upload<T, R>, Status>
where
    R: Send + 'static,
    Fut: Future<Output = Result<Response<R>, Status>> + Send + 'static,
{
    let (out, request, dispatch) = Outgoing::new();
    open_upload(out, dispatch, start(request)).await
}

/// A bidi call: returns the sending and the receiving half once the request went
/// out, without waiting for the response headers (a server may wait for the first
/// message before it answers).
///
/// `start` is as for [`client_streaming`].
pub async fn bidi<T, U, Fut>(
    start: impl FnOnce(Request<RequestStream<T>>) -> Fut,
) -> Result<(Sender<T>, Receiver<U>), Status>
where
    T: Send + 'static,
    Fut: Future<Output = Result<Response<Streaming<U>>, Status>> + Send + 'static,
{
    let (out, request, dispatch) = Outgoing::new();
    open_bidi(out, dispatch, start(request)).await
}

/// The bidi session of a call already given its request stream.
pub(crate) async fn open_bidi<T, U, Fut>(
    mut out: Outgoing<T>,
    dispatch: Arc<Dispatch>,
    call: Fut,
) -> Result<(Sender<T>, Receiver<U>), Status>
where
    T: Send + 'static,
    Fut: Future<Output = Result<Response<Streaming<U>>, Status>> + Send + 'static,
{
    let cancel = out.cancellation();
    let deadline = out.deadline;
    let outbound = out.closable();
    let mut call = Box::pin(call);
    let rx = match until_dispatched(call.as_mut(), &dispatch).await {
        Some(Ok(response)) => Receiver::open(response, cancel, deadline),
        Some(Err(status)) => return Err(status),
        None => Receiver::calling(call, cancel, deadline),
    }
    .with_outbound(outbound);
    Ok((Sender { out }, rx))
}

/// The client-streaming session of a call already given its request stream.
pub(crate) async fn open_upload<T, R, Fut>(
    out: Outgoing<T>,
    dispatch: Arc<Dispatch>,
    call: Fut,
) -> Result<Upload<T, R>, Status>
where
    R: Send + 'static,
    Fut: Future<Output = Result<Response<R>, Status>> + Send + 'static,
{
    let mut call = Box::pin(call);
    match until_dispatched(call.as_mut(), &dispatch).await {
        // The server answered before taking a message: that is the reply.
        Some(answered) => {
            let reply = Box::pin(std::future::ready(answered));
            Ok(Upload { out, reply })
        }
        None => Ok(Upload { out, reply: call }),
    }
}

/// Polls `call` until hyper has taken its request (the request stream was polled),
/// or the call is over: `Some` with its outcome then.
async fn until_dispatched<O>(
    mut call: Pin<&mut (dyn Future<Output = O> + Send)>,
    dispatch: &Dispatch,
) -> Option<O> {
    poll_fn(|cx| {
        if let Poll::Ready(outcome) = call.as_mut().poll(cx) {
            return Poll::Ready(Some(outcome));
        }
        dispatch.poll_signalled(cx).map(|()| None)
    })
    .await
}
