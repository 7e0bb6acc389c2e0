//! Server sessions: the halves a `#[tonic_session::service]` streaming handler takes.
//!
//! | RPC kind | handler shape |
//! |---|---|
//! | server streaming | `async fn m(&self, req: Request<Req>, tx: Sender<Resp>) -> Result<Finished, Status>` |
//! | client streaming | `async fn m(&self, req: Request<Receiver<Req>>) -> Result<Response<Resp>, Status>` |
//! | bidi streaming | `async fn m(&self, req: Request<Receiver<Req>>, tx: Sender<Resp>) -> Result<Finished, Status>` |
//!
//! Serve such a service with [`SessionLayer`] on the server, so a client's aborted
//! upload is reported as an error rather than a clean end.

mod body_wake;
mod caught;
pub(crate) mod entry;
mod receiver;
mod request_end;
mod response_stream;
mod sender;

pub use crate::send_error::SendError;
pub use receiver::Receiver;
pub use request_end::{SessionLayer, SessionService};
pub use response_stream::ResponseStream;
pub use sender::{Finished, Sender};

/// The most messages a session holds per direction: one batch queued by the
/// [`Sender`], one batch being handed to tonic (128 in all, the depth of the
/// `mpsc::channel(128)` hand-written tonic code uses). A sender that gets ahead of
/// the client waits; it is never buffered without bound.
pub const MAX_HELD_MESSAGES: usize = 2 * crate::outbox::BATCH;
