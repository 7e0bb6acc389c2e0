//! Items the generated code names. Not a public API: no stability promise.

pub use crate::client::classify::{
    Awaited, AwaitedOther, AwaitedStreaming, CallHandle, Outbound, Peek, PeekOther, PeekRequest,
    ReplyOutcome, SendingBidi, SendingCall, SendingUpload, StreamingOutcome, configure, outbound,
};
pub use crate::server::entry::{bidi_streaming, client_streaming, server_streaming};
pub use crate::single_owner::{OneReceiver, OneSender};
pub use tonic;
pub use tonic::async_trait;

/// How many messages a handler body sending from its stream's task stages per poll
/// (for the runtime's own tests).
pub const INLINE_BATCH: usize = crate::inline_stage::INLINE_BATCH;

/// A handle to the service that the handler body owns, so the body can outlive the
/// trait call that started it (tonic polls the response stream after that call
/// returned).
#[diagnostic::on_unimplemented(
    message = "`{Self}` must implement `Clone` to serve streaming handlers with `#[tonic_session::service]`",
    label = "the streaming handlers of this service need their own handle to it",
    note = "derive or implement `Clone` for `{Self}` (keep shared state behind `Arc`), \
            or generate the server with tonic-prost-build's `.use_arc_self(true)` and write the \
            handlers with `self: Arc<Self>`"
)]
pub trait OwnedService: Sized {
    /// A handle the handler body can own.
    fn owned(&self) -> Self;
}

impl<S: Clone> OwnedService for S {
    fn owned(&self) -> Self {
        self.clone()
    }
}

/// A binding the attributes found breaking a rule (or maybe breaking it). The
/// generated code gives session halves an impl that fails to compile with the
/// rule's message; every other type gets this no-op.
pub struct RuleCheck<'a, T>(pub &'a T);

/// The no-op check for anything that is not a session half.
pub trait NotAHalf {
    /// Nothing to check.
    fn tonic_session_check(&self) {}
}

impl<T> NotAHalf for RuleCheck<'_, T> {}
