//! The error of a send that came too late.

use std::fmt;

use tonic::Status;

/// A message that could not be sent: the peer is gone or the RPC is over.
///
/// The message is handed back ([`into_inner`](SendError::into_inner)); with `?` the
/// error converts to a `CANCELLED` [`Status`]. On the client, the RPC's real
/// outcome is what its receiving half (or `finish`) reports.
pub struct SendError<T>(pub(crate) T);

impl<T> SendError<T> {
    /// The message that was not sent.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the peer is gone or the RPC is over; the message was not sent")
    }
}

impl<T> std::error::Error for SendError<T> {}

impl<T> From<SendError<T>> for Status {
    fn from(err: SendError<T>) -> Status {
        Status::cancelled(err.to_string())
    }
}
