//! The streaming cases: uploads, downloads, ping-pong and the empty stream, on
//! session halves.

use tonic::Code;
use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;

use super::{Outcome, check, check_payload, client, failed};
use crate::payloads::of_size;
use crate::pb::{
    BoolValue, ResponseParameters, StreamingInputCallRequest, StreamingOutputCallRequest,
};

/// The document's request sizes, and the response sizes that go with them.
const REQUEST_SIZES: [i32; 4] = [27_182, 8, 1_828, 45_904];
const RESPONSE_SIZES: [i32; 4] = [31_415, 9, 2_653, 58_979];

fn upload(size: i32, expect_compressed: Option<bool>) -> StreamingInputCallRequest {
    StreamingInputCallRequest {
        payload: Some(of_size(size).expect("a positive size")),
        expect_compressed: expect_compressed.map(|value| BoolValue { value }),
    }
}

fn asking(sizes: &[i32], compressed: Option<bool>) -> Vec<ResponseParameters> {
    sizes
        .iter()
        .map(|size| ResponseParameters {
            size: *size,
            compressed: compressed.map(|value| BoolValue { value }),
            ..ResponseParameters::default()
        })
        .collect()
}

#[tonic_session::client]
pub async fn client_streaming(channel: Channel) -> Outcome {
    let mut test = client(channel);
    let mut upload_call = test.streaming_input_call(..).await.map_err(failed)?;
    for size in REQUEST_SIZES {
        upload_call.send(upload(size, None)).await.map_err(failed)?;
    }
    let reply = upload_call.finish().await.map_err(failed)?;
    let aggregated = reply.get_ref().aggregated_payload_size;
    check(aggregated == 74_922, || {
        format!("aggregated {aggregated}, expected 74922")
    })
}

#[tonic_session::client]
pub async fn client_compressed_streaming(channel: Channel) -> Outcome {
    // The probe: an uncompressed stream whose message says it was compressed.
    let mut plain = client(channel.clone());
    let mut probe = plain.streaming_input_call(..).await.map_err(failed)?;
    let sent = probe.send(upload(27_182, Some(true))).await;
    match (sent, probe.finish().await) {
        (_, Err(status)) if status.code() == Code::InvalidArgument => {}
        (_, Err(status)) => return Err(format!("the probe failed with {}", failed(status))),
        (_, Ok(_)) => return Err("an uncompressed upload passed for compressed".into()),
    }
    let mut compressing = client(channel).send_compressed(CompressionEncoding::Gzip);
    let mut upload_call = compressing.streaming_input_call(..).await.map_err(failed)?;
    upload_call
        .send(upload(27_182, Some(true)))
        .await
        .map_err(failed)?;
    upload_call
        .send(upload(45_904, Some(false)))
        .await
        .map_err(failed)?;
    let reply = upload_call.finish().await.map_err(failed)?;
    let aggregated = reply.get_ref().aggregated_payload_size;
    check(aggregated == 73_086, || {
        format!("aggregated {aggregated}, expected 73086")
    })
}

/// A download of responses of `sizes`, compressed as `compressed` asks; checks
/// every size and the clean end.
#[tonic_session::client]
async fn download(channel: Channel, sizes: &[i32], compressed: Option<bool>) -> Outcome {
    let request = StreamingOutputCallRequest {
        response_parameters: asking(sizes, compressed),
        ..StreamingOutputCallRequest::default()
    };
    let mut rx = client(channel)
        .streaming_output_call(request)
        .await
        .map_err(failed)?;
    let mut received = 0;
    while let Some(response) = rx.message().await.map_err(failed)? {
        let Some(size) = sizes.get(received) else {
            return Err(format!("more than the {} responses asked", sizes.len()));
        };
        check_payload(
            response.payload.as_ref(),
            *size as usize,
            &format!("response {received}"),
        )?;
        received += 1;
    }
    check(received == sizes.len(), || {
        format!("{received} responses of {}", sizes.len())
    })
}

pub async fn server_streaming(channel: Channel) -> Outcome {
    download(channel, &RESPONSE_SIZES, None).await
}

pub async fn server_compressed_streaming(channel: Channel) -> Outcome {
    download(channel.clone(), &[31_415], Some(true)).await?;
    download(channel, &[92_653], Some(false)).await
}

#[tonic_session::client]
pub async fn ping_pong(channel: Channel) -> Outcome {
    let mut test = client(channel);
    let (mut tx, mut rx) = test.full_duplex_call(..).await.map_err(failed)?;
    for (request_size, response_size) in REQUEST_SIZES.into_iter().zip(RESPONSE_SIZES) {
        let request = StreamingOutputCallRequest {
            response_parameters: asking(&[response_size], None),
            payload: Some(of_size(request_size).expect("a positive size")),
            ..StreamingOutputCallRequest::default()
        };
        tx.send(request).await.map_err(failed)?;
        let response = rx.message().await.map_err(failed)?;
        let Some(response) = response else {
            return Err("the call ended before its response".into());
        };
        check_payload(response.payload.as_ref(), response_size as usize, "a pong")?;
    }
    let _half_closed = tx.finish();
    if rx.message().await.map_err(failed)?.is_some() {
        return Err("a response nobody asked for".into());
    }
    // `message()` said `None`: the call ended OK.
    rx.finish().await.map(drop).map_err(failed)
}

#[tonic_session::client]
pub async fn empty_stream(channel: Channel) -> Outcome {
    let mut test = client(channel);
    let (tx, mut rx) = test.full_duplex_call(..).await.map_err(failed)?;
    let _half_closed = tx.finish();
    if rx.message().await.map_err(failed)?.is_some() {
        return Err("a response to an empty stream".into());
    }
    rx.finish().await.map(drop).map_err(failed)
}
