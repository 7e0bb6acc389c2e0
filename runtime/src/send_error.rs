//! The error of a send that came too late.

use std::fmt;

use tonic::Status;

/// A message that could not be sent: the peer is gone or the RPC is over.
///
/// The message is handed back ([`into_inner`](SendError::into_inner)); with `?` the
/// error converts to a [`Status`]: `DEADLINE_EXCEEDED` when the call's deadline
/// passed while the message waited, `CANCELLED` otherwise. On the client, the RPC's
/// real outcome is what its receiving half (or `finish`) reports.
pub struct SendError<T> {
    message: T,
    expired: bool,
}

impl<T> SendError<T> {
    /// The call is over.
    pub(crate) fn over(message: T) -> Self {
        SendError {
            message,
            expired: false,
        }
    }

    /// The call's deadline passed.
    pub(crate) fn expired(message: T) -> Self {
        SendError {
            message,
            expired: true,
        }
    }

    /// The message that was not sent.
    pub fn into_inner(self) -> T {
        self.message
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.expired {
            f.write_str("the RPC's deadline passed; the message was not sent")
        } else {
            f.write_str("the peer is gone or the RPC is over; the message was not sent")
        }
    }
}

impl<T> std::error::Error for SendError<T> {}

impl<T> From<SendError<T>> for Status {
    fn from(err: SendError<T>) -> Status {
        if err.expired {
            crate::deadline::exceeded()
        } else {
            Status::cancelled(err.to_string())
        }
    }
}
