//! Sends refused because the call is over.
//!
//! A refused send returns at once, so a producer that ignores the error (the
//! `ignored_send_error` rule's misuse, in code the rules cannot see) would spin
//! without ever yielding. Refusals take part in tokio's cooperative budget, so such
//! a task still lets the runtime run its other tasks, and a half sent on again after
//! its first refusal is reported once, so the leak shows in the logs.

use std::fmt;
use std::task::{Context, Poll};

use http::uri::PathAndQuery;

use crate::send_error::SendError;

/// The RPC a sending half belongs to, as far as it is known.
#[derive(Clone, Debug, Default)]
pub(crate) enum MethodName {
    /// A server call's path, `/package.Service/Method` (recorded by `SessionLayer`).
    Path(PathAndQuery),
    /// A client call's method, as written at the call site.
    Client(&'static str),
    /// Not known: a server without `SessionLayer`, a plain client function.
    #[default]
    Unknown,
}

impl fmt::Display for MethodName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MethodName::Path(path) => write!(f, "`{}`", path.path()),
            MethodName::Client(method) => write!(f, "the call `{method}`"),
            MethodName::Unknown => f.write_str("a streaming call"),
        }
    }
}

/// The refusals of one sending half.
#[derive(Debug, Default)]
pub(crate) struct Refusals {
    count: u64,
    method: MethodName,
}

impl Refusals {
    pub(crate) fn new(method: MethodName) -> Self {
        Refusals { count: 0, method }
    }

    /// Refuses `message`, once the task's cooperative budget allows: until then the
    /// message goes back to `slot` and the task yields (tokio wakes it again).
    /// `ended_with`: how the call ended, if the session knows, for the error.
    pub(crate) fn poll_refuse<T>(
        &mut self,
        message: T,
        slot: &mut Option<T>,
        cx: &mut Context<'_>,
        ended_with: impl FnOnce() -> Option<tonic::Status>,
    ) -> Poll<SendError<T>> {
        match tokio::task::coop::poll_proceed(cx) {
            Poll::Ready(restore) => restore.made_progress(),
            Poll::Pending => {
                *slot = Some(message);
                return Poll::Pending;
            }
        }
        self.count += 1;
        if self.count == 2 {
            tracing::warn!(
                target: "tonic_session",
                method = %self.method,
                "tonic-session: {} is over, yet its sending half was sent on again after a send \
                 failed; stop at the first send error (`tx.send(m).await?`)",
                self.method,
            );
        }
        Poll::Ready(SendError::over(message, ended_with()))
    }
}
