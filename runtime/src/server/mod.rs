//! Server sessions: the halves a `#[tonic_session::service]` streaming handler takes.
//!
//! | RPC kind | handler shape |
//! |---|---|
//! | server streaming | `async fn m(&self, req: Request<Req>, tx: Sender<Resp>) -> Result<Finished, Status>` |
//! | client streaming | `async fn m(&self, req: Request<Receiver<Req>>) -> Result<Response<Resp>, Status>` |
//! | bidi streaming | `async fn m(&self, req: Request<Receiver<Req>>, tx: Sender<Resp>) -> Result<Finished, Status>` |
//!
//! Serve such a service with [`SessionLayer`] on the server, so a client's aborted
//! upload is reported as an error rather than a clean end and its deadline holds;
//! without it, every session handler fails its calls with `INTERNAL`, naming the
//! layer.

mod body_wake;
mod caught;
mod drain;
mod drain_io;
pub(crate) mod entry;
mod receiver;
pub(crate) mod request_end;
mod response_stream;
mod sender;

pub use crate::send_error::SendError;
pub use drain::Drain;
pub use drain_io::{DrainedIncoming, DrainedIo};
pub use receiver::Receiver;
pub use request_end::{SessionLayer, SessionService};
pub use response_stream::ResponseStream;
pub use sender::{Finished, Sender};

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
#[doc(hidden)]
pub trait OwnedByStreamingHandlers: Sized {
    /// A handle the handler body can own.
    fn owned(&self) -> Self;
}

impl<S: Clone> OwnedByStreamingHandlers for S {
    fn owned(&self) -> Self {
        self.clone()
    }
}

/// The most messages a session holds per direction: one batch queued by the
/// [`Sender`], one batch being handed to tonic (128 in all, the depth of the
/// `mpsc::channel(128)` hand-written tonic code uses). A sender that gets ahead of
/// the client waits; it is never buffered without bound.
pub const MAX_HELD_MESSAGES: usize = 2 * crate::outbox::BATCH;
