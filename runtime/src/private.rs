//! Items the generated code names. Not a public API: no stability promise.

pub use crate::client::classify::{
    Awaited, AwaitedOther, CallHandle, Outbound, Peek, PeekOther, PeekRequest, ReplyOutcome,
    SendingBidi, SendingCall, SendingUpload, StreamingOutcome, configure, outbound,
};
pub use crate::server::entry::{bidi_streaming, client_streaming, server_streaming};
pub use tonic;
pub use tonic::async_trait;

/// How many messages a handler body sending from its stream's task stages per poll
/// (for the runtime's own tests).
pub const INLINE_BATCH: usize = crate::inline_stage::INLINE_BATCH;

/// `request` as `SessionLayer` hands it on (for the runtime's own tests, which call
/// the handler entry points without a server).
pub fn as_layered<R>(mut request: tonic::Request<R>) -> tonic::Request<R> {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/grpc"),
    );
    let record = crate::server::request_end::RequestEnd::new(None, &headers);
    request.extensions_mut().insert(record);
    request
}

pub use crate::rule_check::{
    ClientReceiving, ClientRuleCheck, ClientRuleCheckRef, ClientSending, Half, HalfKindRef,
    NotAHalf, NotAHalfKind, RuleCheck, RuleCheckRef, ServerReceiving, ServerSending,
};
