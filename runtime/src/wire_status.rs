//! Failures on the wire, reported with gRPC's status codes for them.
//!
//! gRPC's status code table names `RESOURCE_EXHAUSTED` for a message larger than
//! the receiver's limit, and `UNAVAILABLE` for a connection that broke under a call
//! (grpc-go, grpc-java and C-core say so). tonic says `OUT_OF_RANGE` for the first
//! and `UNKNOWN` for the second. The session halves pass such a status on with
//! gRPC's code; its message, details and metadata are kept.

use std::error::Error;

use tonic::{Code, Status};

/// What tonic's decoder says of a message over the limit, at the start of its text.
const DECODED_TOO_LARGE: &str = "Error, decoded message length too large";

/// `status`, with gRPC's code if it is one of tonic's wire failures.
pub(crate) fn with_grpc_code(status: Status) -> Status {
    let code = match status.code() {
        Code::OutOfRange if status.message().starts_with(DECODED_TOO_LARGE) => {
            Code::ResourceExhausted
        }
        Code::Unknown if connection_broke(&status) => Code::Unavailable,
        _ => return status,
    };
    Status::with_details_and_metadata(
        code,
        status.message(),
        bytes::Bytes::copy_from_slice(status.details()),
        status.metadata().clone(),
    )
}

/// Whether the error under `status` is the connection breaking (a reset, a closed
/// pipe, an end of file mid-call), as an I/O error somewhere in its sources.
fn connection_broke(status: &Status) -> bool {
    let mut cause: Option<&(dyn Error + 'static)> = status.source();
    while let Some(error) = cause {
        // h2 keeps the I/O error of a broken connection inside its own error.
        let io = error
            .downcast_ref::<std::io::Error>()
            .or_else(|| error.downcast_ref::<h2::Error>()?.get_io());
        if let Some(io) = io {
            use std::io::ErrorKind::*;
            return matches!(
                io.kind(),
                BrokenPipe | ConnectionReset | ConnectionAborted | UnexpectedEof | NotConnected
            );
        }
        cause = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn only_the_decoders_too_large_changes_code() {
        let too_large = Status::out_of_range(
            "Error, decoded message length too large: found 5 bytes, the limit is: 4 bytes",
        );
        let changed = with_grpc_code(too_large);
        assert_eq!(changed.code(), Code::ResourceExhausted);
        assert!(changed.message().ends_with("the limit is: 4 bytes"));
        let other = with_grpc_code(Status::out_of_range("page 7 of 3"));
        assert_eq!(other.code(), Code::OutOfRange);
    }

    #[test]
    fn a_broken_connection_is_unavailable_other_unknowns_stay() {
        let mut broken = Status::unknown("h2 protocol error: error reading a body from connection");
        let pipe = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "stream closed");
        broken.set_source(Arc::new(pipe));
        assert_eq!(with_grpc_code(broken).code(), Code::Unavailable);
        let mut other = Status::unknown("the handler said so");
        other.set_source(Arc::new(std::io::Error::other("not the connection")));
        assert_eq!(with_grpc_code(other).code(), Code::Unknown);
        assert_eq!(
            with_grpc_code(Status::unknown("no source")).code(),
            Code::Unknown
        );
    }
}
