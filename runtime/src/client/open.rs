//! Starting client sessions: one function per streaming RPC kind. Each takes the
//! tonic call (as a closure that is given the request stream, where there is one)
//! and returns session halves.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

use tonic::{IntoRequest, Request, Response, Status, Streaming};

use super::outgoing::Outgoing;
use super::receiver::Receiver;
use super::request_stream::{Dispatch, RequestStream};
use super::sender::Sender;
use super::upload::Upload;

/// A server-streaming call: makes `call` with `request` (a message, or a `Request`
/// with metadata and a deadline), awaits the response headers and returns the
/// receiving half.
///
/// A deadline set on `request` (`set_timeout`) holds to the end of the stream: past
/// it the call is reset and the receiver reports `DEADLINE_EXCEEDED`, whether or not
/// the server enforces it.
///
/// ```no_run
/// # async fn demo(client: tonic_session_doc::Client) -> Result<(), tonic::Status> {
/// let mut request = tonic::Request::new(7);
/// request.set_timeout(std::time::Duration::from_secs(5));
/// let mut rx = tonic_session::client::server_streaming(request, |request| {
///     let mut client = client.clone();
///     async move { client.watch(request).await }
/// })
/// .await?;
/// while let Some(event) = rx.message().await? {
///     println!("{event}");
/// }
/// # Ok(()) }
/// # mod tonic_session_doc { #[derive(Clone)] pub struct Client; impl Client {
/// #   pub async fn watch(&mut self, _: tonic::Request<u32>) -> Result<tonic::Response<tonic::Streaming<String>>, tonic::Status> { unimplemented!() } } }
/// ```
pub async fn server_streaming<M, U, Fut>(
    request: impl IntoRequest<M>,
    call: impl FnOnce(Request<M>) -> Fut,
) -> Result<Receiver<U>, Status>
where
    Fut: Future<Output = Result<Response<Streaming<U>>, Status>>,
{
    let request = request.into_request();
    let deadline = crate::deadline::of_client_request(&request);
    let response = crate::deadline::race(deadline, call(request)).await?;
    Ok(Receiver::open(response, None, deadline))
}

/// A client-streaming call: returns the sending half once the request went out;
/// its `finish` yields the reply.
///
/// `request` carries what the call's request has besides its stream: metadata,
/// extensions and a deadline (`()` for none). `start` is given the request (with its
/// stream) and returns the call, owning its client (clone it: tonic clients are cheap
/// handles to a shared channel). A deadline set on `request` holds to the end of the
/// call, for both halves; configure the request there, not inside `start`, where the
/// session cannot see it.
pub async fn client_streaming<T, R, Fut>(
    request: impl IntoRequest<()>,
    start: impl FnOnce(Request<RequestStream<T>>) -> Fut,
) -> Result<Upload<T, R>, Status>
where
    R: Send + 'static,
    Fut: Future<Output = Result<Response<R>, Status>> + Send + 'static,
{
    let (out, request, dispatch) = Outgoing::new(request.into_request());
    open_upload(out, dispatch, start(request)).await
}

/// A bidi call: returns the sending and the receiving half once the request went
/// out, without waiting for the response headers (a server may wait for the first
/// message before it answers).
///
/// `request` and `start` are as for [`client_streaming`].
pub async fn bidi<T, U, Fut>(
    request: impl IntoRequest<()>,
    start: impl FnOnce(Request<RequestStream<T>>) -> Fut,
) -> Result<(Sender<T>, Receiver<U>), Status>
where
    T: Send + 'static,
    Fut: Future<Output = Result<Response<Streaming<U>>, Status>> + Send + 'static,
{
    let (out, request, dispatch) = Outgoing::new(request.into_request());
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
        Some(Err(status)) => return Err(crate::deadline::because_of(deadline, status)),
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
