//! Client sessions: streaming calls that hand out session halves.
//!
//! | RPC kind | call | halves |
//! |---|---|---|
//! | server streaming | [`server_streaming`] | a [`Receiver`] |
//! | client streaming | [`client_streaming`] | an [`Upload`]; its `finish` yields the reply |
//! | bidi streaming | [`bidi`] | a [`Sender`] and a [`Receiver`] |
//!
//! Every half ends on purpose: a sender by `finish` (a clean half-close) or
//! `cancel`, a receiver by reading to its end (`finish` reads on to the final
//! status) or `cancel`. A half dropped instead cancels the call with RST_STREAM, so
//! the server never mistakes an abandoned stream for a complete one.

pub(crate) mod classify;
mod open;
mod outgoing;
mod receiver;
mod request_stream;
mod sender;
mod tokens;
mod upload;

pub use crate::send_error::SendError;
pub use open::{bidi, client_streaming, server_streaming};
pub use receiver::{Ended, Receiver};
pub use request_stream::RequestStream;
pub use sender::Sender;
pub use tokens::{Cancelled, HalfClosed};
pub use upload::{Finishing, Upload};
