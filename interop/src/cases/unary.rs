//! The unary cases: `empty_unary`, `large_unary`, the compressed ones and a very
//! large request.

use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;
use tonic::{Code, Request};

use super::{Outcome, check, check_payload, client, failed};
use crate::payloads::of_size;
use crate::pb::{BoolValue, Empty, SimpleRequest};

/// The document's large request: 271,828 bytes in, 314,159 out.
fn large(expect_compressed: Option<bool>, response_compressed: Option<bool>) -> SimpleRequest {
    SimpleRequest {
        response_size: 314_159,
        payload: Some(of_size(271_828).expect("a positive size")),
        expect_compressed: expect_compressed.map(|value| BoolValue { value }),
        response_compressed: response_compressed.map(|value| BoolValue { value }),
        ..SimpleRequest::default()
    }
}

pub async fn empty_unary(channel: Channel) -> Outcome {
    let response = client(channel).empty_call(Empty {}).await.map_err(failed)?;
    check(*response.get_ref() == Empty {}, || {
        "a non-empty response".into()
    })
}

pub async fn large_unary(channel: Channel) -> Outcome {
    let response = client(channel)
        .unary_call(large(None, None))
        .await
        .map_err(failed)?;
    check_payload(response.get_ref().payload.as_ref(), 314_159, "the response")
}

pub async fn client_compressed_unary(channel: Channel) -> Outcome {
    // The probe: a server that checks must refuse an uncompressed request that
    // says it was compressed.
    let probe = client(channel.clone())
        .unary_call(large(Some(true), None))
        .await;
    match probe {
        Err(status) if status.code() == Code::InvalidArgument => {}
        Err(status) => return Err(format!("the probe failed with {}", failed(status))),
        Ok(_) => return Err("an uncompressed request passed for compressed".into()),
    }
    let mut compressing = client(channel.clone()).send_compressed(CompressionEncoding::Gzip);
    let response = compressing
        .unary_call(large(Some(true), None))
        .await
        .map_err(failed)?;
    check_payload(response.get_ref().payload.as_ref(), 314_159, "compressed")?;
    let response = client(channel)
        .unary_call(large(Some(false), None))
        .await
        .map_err(failed)?;
    check_payload(response.get_ref().payload.as_ref(), 314_159, "uncompressed")
}

pub async fn server_compressed_unary(channel: Channel) -> Outcome {
    let mut test = client(channel);
    let response = test
        .unary_call(large(None, Some(true)))
        .await
        .map_err(failed)?;
    let encoding = response.metadata().get("grpc-encoding").cloned();
    check(encoding.is_some_and(|encoding| encoding == "gzip"), || {
        "a compressed response without grpc-encoding: gzip".into()
    })?;
    check_payload(response.get_ref().payload.as_ref(), 314_159, "compressed")?;
    let response = test
        .unary_call(large(None, Some(false)))
        .await
        .map_err(failed)?;
    check_payload(response.get_ref().payload.as_ref(), 314_159, "uncompressed")
}

/// A request just under tonic's default 4 MiB limit on a received message.
pub async fn very_large_request(channel: Channel) -> Outcome {
    let request = SimpleRequest {
        response_size: 10,
        payload: Some(of_size(4 * 1024 * 1024 - 64).expect("a positive size")),
        ..SimpleRequest::default()
    };
    let response = client(channel)
        .unary_call(Request::new(request))
        .await
        .map_err(failed)?;
    check_payload(response.get_ref().payload.as_ref(), 10, "the response")
}
