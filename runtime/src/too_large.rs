//! A message over the receive limit, reported with gRPC's status code for it.
//!
//! gRPC's status code table names `RESOURCE_EXHAUSTED` for a message larger than
//! the receiver's limit, on either side (grpc-go, grpc-java and C-core say so);
//! tonic's decoder says `OUT_OF_RANGE`. The session halves pass the status on with
//! gRPC's code, its message and metadata unchanged.

use tonic::{Code, Status};

/// What tonic's decoder says of a message over the limit, at the start of its text.
const DECODED_TOO_LARGE: &str = "Error, decoded message length too large";

/// `status`, with `RESOURCE_EXHAUSTED` if it is tonic's "message too large".
pub(crate) fn with_grpc_code(status: Status) -> Status {
    if status.code() != Code::OutOfRange || !status.message().starts_with(DECODED_TOO_LARGE) {
        return status;
    }
    Status::with_details_and_metadata(
        Code::ResourceExhausted,
        status.message(),
        bytes::Bytes::copy_from_slice(status.details()),
        status.metadata().clone(),
    )
}

#[cfg(test)]
mod tests {
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
}
