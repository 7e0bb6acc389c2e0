//! Payloads of a given size, as the interop document makes them: zero bytes.

use tonic::{Code, Status};

use crate::pb::{EchoStatus, Payload, PayloadType};

/// A payload of `size` zero bytes; `INVALID_ARGUMENT` for a negative size.
pub fn of_size(size: i32) -> Result<Payload, Status> {
    let size = usize::try_from(size)
        .map_err(|_| Status::invalid_argument(format!("a payload of {size} bytes")))?;
    Ok(Payload {
        r#type: PayloadType::Compressable as i32,
        body: vec![0; size],
    })
}

/// The status a request asks the server to end the call with, if it asks one
/// (code OK asks nothing).
pub fn echoed(status: Option<&EchoStatus>) -> Option<Status> {
    let status = status?;
    let code = Code::from_i32(status.code);
    (code != Code::Ok).then(|| Status::new(code, status.message.clone()))
}
