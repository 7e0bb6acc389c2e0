//! The cases where the client gives up: cancels, and a deadline that passes.

use std::time::Duration;

use tonic::Code;
use tonic::transport::Channel;

use super::{Outcome, check, check_payload, client, failed};
use crate::payloads::of_size;
use crate::pb::{ResponseParameters, StreamingOutputCallRequest};

#[tonic_session::client]
pub async fn cancel_after_begin(channel: Channel) -> Outcome {
    let mut test = client(channel);
    let upload = test.streaming_input_call(..).await.map_err(failed)?;
    // A session's `cancel` is the call's end: CANCELLED (RST_STREAM) to the server,
    // and nothing more for the client, whose proof is the `Cancelled` it returns.
    let _cancelled = upload.cancel();
    Ok(())
}

#[tonic_session::client]
pub async fn cancel_after_first_response(channel: Channel) -> Outcome {
    let mut test = client(channel);
    let (mut tx, mut rx) = test.full_duplex_call(..).await.map_err(failed)?;
    let request = StreamingOutputCallRequest {
        response_parameters: vec![ResponseParameters {
            size: 31_415,
            ..ResponseParameters::default()
        }],
        payload: Some(of_size(27_182).expect("a positive size")),
        ..StreamingOutputCallRequest::default()
    };
    tx.send(request).await.map_err(failed)?;
    let first = rx.message().await.map_err(failed)?;
    let Some(first) = first else {
        return Err("the call ended before its first response".into());
    };
    check_payload(first.payload.as_ref(), 31_415, "the first response")?;
    let _cancelled = tx.cancel();
    let _cancelled = rx.cancel();
    Ok(())
}

#[tonic_session::client]
pub async fn timeout_on_sleeping_server(channel: Channel) -> Outcome {
    let mut test = client(channel);
    let opened = test
        .full_duplex_call(.., |request| request.set_timeout(Duration::from_millis(1)))
        .await;
    // 1 ms may pass before the call is even open: that is the case's outcome too.
    let (mut tx, rx) = match opened {
        Ok(halves) => halves,
        Err(status) if status.code() == Code::DeadlineExceeded => return Ok(()),
        Err(status) => return Err(failed(status)),
    };
    let request = StreamingOutputCallRequest {
        payload: Some(of_size(27_182).expect("a positive size")),
        ..StreamingOutputCallRequest::default()
    };
    // The send may fail already: the deadline is 1 ms. The request stream stays
    // open, so the server waits for more until the deadline ends the call.
    let sent = tx.send(request).await;
    let ended = rx.finish().await;
    let _half_closed = tx.finish();
    let status = match (sent, ended) {
        (_, Err(status)) => status,
        (_, Ok(_)) => return Err("OK past a 1 ms deadline".into()),
    };
    check(status.code() == Code::DeadlineExceeded, || {
        format!("past the deadline, {}", failed(status.clone()))
    })
}
