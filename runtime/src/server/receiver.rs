//! The server's receiving half of a request stream.

use std::fmt;
use std::sync::Arc;

use tonic::{Request, Status, Streaming};

use super::request_end::{EndSeen, RequestEnd};

/// Something to tell when the handler first waits for a request message: the
/// response headers must go out then, since the client may wait for them first.
pub(crate) trait CommitOnReceive: Send + Sync {
    fn request_commit(&self);
}

impl<T: Send> CommitOnReceive for crate::outbox::Outbox<T> {
    fn request_commit(&self) {
        crate::outbox::Outbox::request_commit(self)
    }
}

/// The receiving half of a server request stream (client-streaming and bidi handlers).
///
/// [`message`](Receiver::message) takes `&mut self` and the receiver is neither
/// `Clone` nor `Copy`: one stream never has two concurrent receivers.
///
/// Unlike tonic's `Streaming`, a request stream the client *reset* (cancelled an
/// upload half-way) ends with an error, never with `Ok(None)`: `Ok(None)` means the
/// client half-closed after its last message, so the upload is complete.
///
/// ```
/// use tonic::{Request, Response, Status};
/// use tonic_session::server::Receiver;
///
/// async fn sum(request: Request<Receiver<u64>>) -> Result<Response<u64>, Status> {
///     let mut rx = request.into_inner();
///     let mut total = 0;
///     while let Some(n) = rx.message().await? {
///         total += n;
///     }
///     Ok(Response::new(total)) // reached only after a complete upload
/// }
/// ```
pub struct Receiver<T> {
    stream: Streaming<T>,
    end: RequestEnd,
    commit: Option<Arc<dyn CommitOnReceive>>,
    /// Set once the stream has ended; later calls repeat it.
    finished: Option<Result<(), Status>>,
}

impl<T> Receiver<T> {
    /// Wraps tonic's request stream. Fails the call (before the handler runs) when
    /// the server lacks [`SessionLayer`](super::SessionLayer): without it an aborted
    /// upload would look complete.
    pub(crate) fn from_request(
        request: Request<Streaming<T>>,
        commit: Option<Arc<dyn CommitOnReceive>>,
    ) -> Result<Request<Receiver<T>>, Status> {
        let end = RequestEnd::of(&request)?.clone();
        Ok(request.map(|stream| Receiver {
            stream,
            end,
            commit,
            finished: None,
        }))
    }

    /// The next request message; `Ok(None)` once the client has half-closed after
    /// its last message. An upload the client aborted (reset) is an error
    /// (`CANCELLED`), as is a broken connection.
    pub async fn message(&mut self) -> Result<Option<T>, Status> {
        if let Some(finished) = &self.finished {
            return finished.clone().map(|()| None);
        }
        if let Some(commit) = self.commit.take() {
            commit.request_commit();
        }
        let result = match self.stream.message().await {
            Ok(Some(message)) => return Ok(Some(message)),
            Ok(None) => match self.end.seen() {
                EndSeen::Complete => Ok(()),
                EndSeen::Broken => Err(Status::cancelled(
                    "tonic-session: the client aborted its request stream (RST_STREAM) \
                     before finishing it; the upload is incomplete",
                )),
                EndSeen::Open => Err(Status::internal(
                    "tonic-session: the request stream stopped without END_STREAM",
                )),
            },
            Err(status) => Err(crate::wire_status::with_grpc_code(status)),
        };
        self.finished = Some(result.clone());
        result.map(|()| None)
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
