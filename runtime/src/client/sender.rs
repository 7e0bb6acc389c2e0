//! The sending half of a bidi call.

use std::fmt;

use super::outgoing::Outgoing;
use super::tokens::{Cancelled, HalfClosed};
use crate::send_error::SendError;

/// The sending half of a client's bidi-streaming call.
///
/// Neither `Clone` nor `Copy`, and [`send`](Sender::send) takes `&mut self`: one
/// stream never has two concurrent senders. It may go to another task than the
/// receiving half: one sender plus one receiver is fine.
///
/// End it with [`finish`](Sender::finish) (a half-close: the server sees a complete
/// request stream) or [`cancel`](Sender::cancel). Dropped otherwise (an early `?`,
/// a panic, a cancelled task), it cancels the call with RST_STREAM, so the server
/// never mistakes a partial request stream for a complete one.
pub struct Sender<T> {
    pub(crate) out: Outgoing<T>,
}

impl<T> Sender<T> {
    /// Sends one message, waiting while the session's small buffer is full.
    /// Fails, handing the message back, once the call is over.
    pub async fn send(&mut self, message: T) -> Result<(), SendError<T>> {
        self.out.send(message).await
    }

    /// Half-closes the request stream after the messages sent: the server sees its
    /// clean end. The responses still come through the receiving half.
    pub fn finish(mut self) -> HalfClosed {
        self.out.half_close();
        HalfClosed { _private: () }
    }

    /// Cancels the whole call (RST_STREAM): the server sees an aborted RPC and the
    /// receiving half ends with `CANCELLED`.
    pub fn cancel(mut self) -> Cancelled {
        self.out.cancel();
        Cancelled { _private: () }
    }

    /// Resolves once the call is over and nothing more can be sent.
    pub async fn closed(&self) {
        self.out.closed().await
    }

    /// Whether the call is over, so that nothing more can be sent.
    pub fn is_closed(&self) -> bool {
        self.out.is_closed()
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
