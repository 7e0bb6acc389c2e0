//! The client test cases of the interop document (all but auth, xDS and load
//! reporting), each checking everything the document says it checks that tonic
//! lets a client see.

mod cancel;
mod metadata;
mod status;
mod streaming;
mod unary;

use std::future::Future;
use std::pin::Pin;

use tonic::transport::Channel;

use crate::pb::test_service_client::TestServiceClient;

/// What a case returns: `Err` says what did not hold.
pub type Outcome = Result<(), String>;

type CaseFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// One case: its name in the document, and how to run it on a channel.
pub struct Case {
    pub name: &'static str,
    run: fn(Channel) -> CaseFuture,
}

impl Case {
    /// Runs the case against the server behind `channel`.
    pub async fn run(&self, channel: Channel) -> Outcome {
        (self.run)(channel).await
    }
}

macro_rules! cases {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every case, in the document's order.
        pub const CASES: &[Case] = &[
            $(Case { name: stringify!($name), run: |channel| Box::pin($module::$name(channel)) },)*
        ];
    };
}

cases![
    unary::empty_unary,
    unary::large_unary,
    unary::client_compressed_unary,
    unary::server_compressed_unary,
    streaming::client_streaming,
    streaming::client_compressed_streaming,
    streaming::server_streaming,
    streaming::server_compressed_streaming,
    streaming::ping_pong,
    streaming::empty_stream,
    cancel::cancel_after_begin,
    cancel::cancel_after_first_response,
    cancel::timeout_on_sleeping_server,
    metadata::custom_metadata,
    status::status_code_and_message,
    status::special_status_message,
    status::unimplemented_method,
    status::unimplemented_service,
    unary::very_large_request,
];

/// What tonic keeps a client or server from checking, by case: the case checks
/// the rest, and says so here rather than pass silently.
pub const TONIC_GAPS: &[(&str, &str)] = &[
    (
        "client_compressed_unary",
        "tonic hides a message's compressed flag from the server's handler: it checks the \
         request's grpc-encoding instead",
    ),
    (
        "client_compressed_streaming",
        "tonic compresses a whole request stream or none of it: the second message, which \
         the document sends uncompressed, goes compressed too",
    ),
    (
        "server_compressed_unary",
        "tonic hides a response's compressed flag from the client: it checks the response's \
         grpc-encoding, not the flag",
    ),
    (
        "server_compressed_streaming",
        "tonic compresses a whole response stream or none of it, and hides the flag from the \
         client: sizes are checked, per-message compression is not",
    ),
];

/// A test client for `channel`, accepting gzip responses.
pub(crate) fn client(channel: Channel) -> TestServiceClient<Channel> {
    TestServiceClient::new(channel).accept_compressed(tonic::codec::CompressionEncoding::Gzip)
}

/// `Err` with `what` unless `holds`.
pub(crate) fn check(holds: bool, what: impl FnOnce() -> String) -> Outcome {
    if holds { Ok(()) } else { Err(what()) }
}

/// A status (or a failed send, which carries one) as a case reports it.
pub(crate) fn failed(status: impl Into<tonic::Status>) -> String {
    let status = status.into();
    format!("{:?}: {:?}", status.code(), status.message())
}

/// Checks that `payload` has `size` zero bytes.
pub(crate) fn check_payload(
    payload: Option<&crate::pb::Payload>,
    size: usize,
    what: &str,
) -> Outcome {
    let body = payload.map_or(&[][..], |payload| &payload.body[..]);
    check(
        body.len() == size && body.iter().all(|byte| *byte == 0),
        || {
            format!(
                "{what}: a payload of {} bytes, expected {size} zero bytes",
                body.len()
            )
        },
    )
}
