//! The error of a send that came too late.

use std::fmt;

use tonic::Status;

/// A message that could not be sent: the peer is gone or the RPC is over.
///
/// The message is handed back ([`into_inner`](SendError::into_inner)). With `?` the
/// error converts to the call's own outcome wherever the session knows it: the
/// status the call ended with (the server's, read by the receiving half or the
/// upload's reply), `DEADLINE_EXCEEDED` when the call's deadline passed, and
/// `CANCELLED` when the peer left without one.
///
/// ```
/// # use tonic::Status;
/// # use tonic_session::client::Upload;
/// async fn upload_all(mut upload: Upload<u32, u64>, items: Vec<u32>) -> Result<u64, Status> {
///     for item in items {
///         upload.send(item).await?; // the server's status, if it ended the call
///     }
///     Ok(upload.finish().await?.into_inner())
/// }
/// ```
pub struct SendError<T> {
    message: T,
    cause: Cause,
}

/// Why a send was refused.
enum Cause {
    /// The peer is gone or the call is over, its status unknown here.
    Over,
    /// The call's deadline passed.
    Expired,
    /// The call ended with this status.
    Ended(Box<Status>),
}

impl<T> SendError<T> {
    /// The call is over; `status`, if the session knows how it ended.
    pub(crate) fn over(message: T, status: Option<Status>) -> Self {
        let cause = match status {
            Some(status) => Cause::Ended(Box::new(status)),
            None => Cause::Over,
        };
        SendError { message, cause }
    }

    /// The call's deadline passed.
    pub(crate) fn expired(message: T) -> Self {
        SendError {
            message,
            cause: Cause::Expired,
        }
    }

    /// Refused with no status known yet (neither ended with one nor expired).
    pub(crate) fn without_status(&self) -> bool {
        matches!(self.cause, Cause::Over)
    }

    /// The message that was not sent.
    pub fn into_inner(self) -> T {
        self.message
    }

    /// The status `?` turns this error into: the call's own outcome where the
    /// session knows it (see [`SendError`]).
    pub fn status(&self) -> Status {
        match &self.cause {
            Cause::Over => Status::cancelled(OVER),
            Cause::Expired => crate::deadline::exceeded(),
            Cause::Ended(status) => (**status).clone(),
        }
    }
}

const OVER: &str = "the peer is gone or the RPC is over; the message was not sent";

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SendError").field(&self.status()).finish()
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Cause::Over => f.write_str(OVER),
            Cause::Expired => f.write_str("the RPC's deadline passed; the message was not sent"),
            Cause::Ended(status) => write!(
                f,
                "the RPC ended with {:?}: {}; the message was not sent",
                status.code(),
                status.message()
            ),
        }
    }
}

impl<T> std::error::Error for SendError<T> {}

impl<T> From<SendError<T>> for Status {
    fn from(err: SendError<T>) -> Status {
        match err.cause {
            Cause::Ended(status) => *status,
            _ => err.status(),
        }
    }
}
