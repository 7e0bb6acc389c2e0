//! How the code `#[tonic_session::client]` generates learns a call's RPC kind from
//! tonic's own types: by autoref specialization on what the call returns.
//!
//! `(&&Wrapper(value)).method()` picks the impl on `&Wrapper<V>` when its bounds
//! hold for the (concrete) type `V`, and falls back to the impl on `Wrapper<V>`.
//! Where the value must pass through by value ([`Awaited`]), an inherent method for
//! the streaming type wins over a trait method every other type falls back to.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::time::Instant;

use tonic::{Request, Response, Status, Streaming};

use super::open::{open_bidi, open_upload};
use super::outgoing::Outgoing;
use super::receiver::Receiver;
use super::request_stream::{Dispatch, RequestStream};
use super::sender::Sender;
use super::upload::Upload;

/// What a tonic call of a server-streaming or bidi method returns.
pub trait StreamingOutcome {
    /// The response message type.
    type Message;
    /// The outcome, as tonic spells it.
    fn into_outcome(self) -> Result<Response<Streaming<Self::Message>>, Status>;
}

impl<U> StreamingOutcome for Result<Response<Streaming<U>>, Status> {
    type Message = U;
    fn into_outcome(self) -> Self {
        self
    }
}

/// What a tonic call of a unary or client-streaming method returns.
#[diagnostic::on_unimplemented(
    message = "this call cannot be a client session: it does not return `Result<Response<_>, Status>`",
    label = "`..` stands for the request stream of a client-streaming or bidi method of a tonic client",
    note = "call a streaming method of a tonic-generated client here, as `client.method(..).await`"
)]
pub trait ReplyOutcome {
    /// The reply message type.
    type Reply;
    /// The outcome, as tonic spells it.
    fn into_outcome(self) -> Result<Response<Self::Reply>, Status>;
}

impl<R> ReplyOutcome for Result<Response<R>, Status> {
    type Reply = R;
    fn into_outcome(self) -> Self {
        self
    }
}

/// The value of an awaited call inside `#[tonic_session::client]`, and the deadline
/// of the request it was made with, when the generated code could read one.
///
/// Classified by value, with no reference and no local: a server-streaming (or bidi)
/// response takes the inherent `tonic_session_output`, which the compiler prefers;
/// anything else falls back to [`AwaitedOther`]'s.
pub struct Awaited<V>(pub V, pub Option<Instant>);

impl<U> Awaited<Result<Response<Streaming<U>>, Status>> {
    /// The receiving half of a streaming response.
    pub fn tonic_session_output(self) -> Result<Receiver<U>, Status> {
        let Awaited(outcome, deadline) = self;
        outcome.map(|response| Receiver::open(response, None, deadline))
    }
}

impl<U> Awaited<Result<Result<Response<Streaming<U>>, Status>, tokio::time::error::Elapsed>> {
    /// The receiving half of a streaming response opened under tokio's `timeout`.
    pub fn tonic_session_output(
        self,
    ) -> Result<Result<Receiver<U>, Status>, tokio::time::error::Elapsed> {
        let Awaited(outcome, deadline) = self;
        outcome.map(|opened| Awaited(opened, deadline).tonic_session_output())
    }
}

/// Anything else passes through unchanged.
pub trait AwaitedOther {
    /// The value itself.
    type Output;
    /// The value itself.
    fn tonic_session_output(self) -> Self::Output;
}

impl<V> AwaitedOther for Awaited<V> {
    type Output = V;
    fn tonic_session_output(self) -> V {
        self.0
    }
}

/// A call's argument, looked at for a deadline before the call.
pub struct Peek<'a, R>(pub &'a R);

/// A request: its deadline (`set_timeout`), counted from now.
pub trait PeekRequest {
    /// The deadline, if the request has one.
    fn tonic_session_deadline(&self) -> Option<Instant>;
}

impl<M> PeekRequest for &Peek<'_, Request<M>> {
    fn tonic_session_deadline(&self) -> Option<Instant> {
        crate::deadline::of_client_request(self.0)
    }
}

/// Anything else has no deadline.
pub trait PeekOther {
    /// None.
    fn tonic_session_deadline(&self) -> Option<Instant> {
        None
    }
}

impl<R> PeekOther for Peek<'_, R> {}

/// The client handle a session call runs on: a clone, taken through `&mut self` so
/// the call site borrows the client exactly as tonic's own `&mut self` methods do
/// (an owned client must be `mut`, a `&mut` reference works as it is).
pub trait CallHandle: Clone {
    /// A clone of the client for the call to own.
    fn tonic_session_call_handle(&mut self) -> Self {
        self.clone()
    }
}

impl<C: Clone> CallHandle for C {}

/// The sending side of a call written `client.method(..)`, before the call exists.
pub struct Outbound<T> {
    out: Outgoing<T>,
    dispatch: Arc<Dispatch>,
}

/// A sending side and the request (with its stream) to give the call.
pub fn outbound<T>() -> (Outbound<T>, Request<RequestStream<T>>) {
    let (out, request, dispatch) = Outgoing::new(Request::new(()));
    (Outbound { out, dispatch }, request)
}

/// Runs the closure of `client.method(.., |request| ..)` on the call's request.
pub fn configure<S, R>(request: &mut Request<S>, configure: impl FnOnce(&mut Request<S>) -> R) {
    let _ = configure(request);
}

impl<T> Outbound<T> {
    /// Takes the deadline of the request as configured, before the call is made
    /// (so the session's timer runs out no later than tonic's), and the method's
    /// name as written at the call, for the session's reports.
    pub fn note_call<S>(&mut self, request: &Request<S>, method: &'static str) {
        self.out.deadline = crate::deadline::of_client_request(request);
        self.out.name(method);
    }
}

/// A call written `client.method(..)`, to be opened as a bidi or an upload session.
///
/// A `Mutex`, not a `Cell`: the generated code holds a reference to it across the
/// opening `.await`, which must not make the caller's future `!Send`.
pub struct SendingCall<T, Fut>(Mutex<Option<(Outbound<T>, Fut)>>);

impl<T, Fut> SendingCall<T, Fut> {
    /// Wraps the call for classification.
    pub fn new(outbound: Outbound<T>, call: Fut) -> Self {
        SendingCall(Mutex::new(Some((outbound, call))))
    }

    fn take(&self) -> (Outbound<T>, Fut) {
        let parts = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        match parts {
            Some(parts) => parts,
            None => unreachable!("generated code opens each call once"),
        }
    }
}

/// A call's outcome read as a streaming response ([`StreamingOutcome`]).
pub(crate) struct Streams;
/// A call's outcome read as a single reply ([`ReplyOutcome`]).
pub(crate) struct Replies;

pin_project_lite::pin_project! {
    /// A call's future, its output as tonic spells it (`K` says which way). The call
    /// is a field, held once: an `async` block awaiting it would hold it twice, and
    /// a session boxes this future for the whole call.
    pub(crate) struct AsTonicSpells<Fut, K> {
        #[pin]
        call: Fut,
        kind: PhantomData<fn() -> K>,
    }
}

/// `call`, its output as tonic spells it.
fn as_tonic_spells<Fut, K>(call: Fut) -> AsTonicSpells<Fut, K> {
    AsTonicSpells {
        call,
        kind: PhantomData,
    }
}

impl<Fut: Future> Future for AsTonicSpells<Fut, Streams>
where
    Fut::Output: StreamingOutcome,
{
    type Output = Result<Response<Streaming<<Fut::Output as StreamingOutcome>::Message>>, Status>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .call
            .poll(cx)
            .map(StreamingOutcome::into_outcome)
    }
}

impl<Fut: Future> Future for AsTonicSpells<Fut, Replies>
where
    Fut::Output: ReplyOutcome,
{
    type Output = Result<Response<<Fut::Output as ReplyOutcome>::Reply>, Status>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().call.poll(cx).map(ReplyOutcome::into_outcome)
    }
}

/// A bidi call: a sending and a receiving half.
pub trait SendingBidi {
    /// `Result<(Sender<T>, Receiver<U>), Status>`.
    type Output;
    /// Opens the session.
    fn tonic_session_open(&self) -> impl Future<Output = Self::Output> + Send;
}

impl<T, Fut> SendingBidi for &SendingCall<T, Fut>
where
    T: Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: StreamingOutcome,
    <Fut::Output as StreamingOutcome>::Message: Send + 'static,
{
    type Output = Result<
        (
            Sender<T>,
            Receiver<<Fut::Output as StreamingOutcome>::Message>,
        ),
        Status,
    >;
    fn tonic_session_open(&self) -> impl Future<Output = Self::Output> + Send {
        let (Outbound { out, dispatch }, call) = self.take();
        open_bidi(out, dispatch, as_tonic_spells::<_, Streams>(call))
    }
}

/// A client-streaming call: the sending half, whose `finish` yields the reply.
pub trait SendingUpload {
    /// `Result<Upload<T, R>, Status>`.
    type Output;
    /// Opens the session.
    fn tonic_session_open(&self) -> impl Future<Output = Self::Output> + Send;
}

impl<T, Fut> SendingUpload for SendingCall<T, Fut>
where
    T: Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: ReplyOutcome,
    <Fut::Output as ReplyOutcome>::Reply: Send + 'static,
{
    type Output = Result<Upload<T, <Fut::Output as ReplyOutcome>::Reply>, Status>;
    fn tonic_session_open(&self) -> impl Future<Output = Self::Output> + Send {
        let (Outbound { out, dispatch }, call) = self.take();
        open_upload(out, dispatch, as_tonic_spells::<_, Replies>(call))
    }
}

#[cfg(test)]
mod outcome_tests {
    use super::*;

    #[test]
    fn a_call_read_as_tonic_spells_it_is_held_once() {
        // A call whose future holds a kilobyte across an await.
        let call = async {
            let held = [7u8; 1024];
            std::future::ready(()).await;
            let reply: Result<Response<u8>, Status> = Ok(Response::new(held[0]));
            reply
        };
        let alone = std::mem::size_of_val(&call);
        let read = as_tonic_spells::<_, Replies>(call);
        assert!(alone > 1024 && std::mem::size_of_val(&read) == alone);
    }
}
