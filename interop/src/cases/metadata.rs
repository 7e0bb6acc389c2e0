//! `custom_metadata`: initial and trailing metadata echoed, on a unary call and on
//! a full-duplex one.

use tonic::Request;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::transport::Channel;

use super::{Outcome, check, check_payload, client, failed};
use crate::echo_metadata::{INITIAL, TRAILING};
use crate::payloads::of_size;
use crate::pb::{ResponseParameters, SimpleRequest, StreamingOutputCallRequest};

const INITIAL_VALUE: &str = "test_initial_metadata_value";
const TRAILING_VALUE: [u8; 3] = [0xab, 0xab, 0xab];

fn decorate(metadata: &mut MetadataMap) {
    metadata.insert(INITIAL, INITIAL_VALUE.parse().expect("ascii"));
    metadata.insert_bin(TRAILING, MetadataValue::from_bytes(&TRAILING_VALUE));
}

fn check_echo(headers: Option<&MetadataMap>, trailers: &MetadataMap, what: &str) -> Outcome {
    let initial = headers.and_then(|headers| headers.get(INITIAL));
    check(initial.is_some_and(|value| value == INITIAL_VALUE), || {
        format!("{what}: initial metadata {initial:?}")
    })?;
    let trailing = trailers
        .get_bin(TRAILING)
        .and_then(|value| value.to_bytes().ok());
    check(trailing.as_deref() == Some(&TRAILING_VALUE[..]), || {
        format!("{what}: trailing metadata {trailing:?}")
    })
}

#[tonic_session::client]
pub async fn custom_metadata(channel: Channel) -> Outcome {
    let mut test = client(channel);
    let mut request = Request::new(SimpleRequest {
        response_size: 314_159,
        payload: Some(of_size(271_828).expect("a positive size")),
        ..SimpleRequest::default()
    });
    decorate(request.metadata_mut());
    let response = test.unary_call(request).await.map_err(failed)?;
    check_payload(response.get_ref().payload.as_ref(), 314_159, "UnaryCall")?;
    // tonic merges a unary call's trailers into its response metadata.
    check_echo(Some(response.metadata()), response.metadata(), "UnaryCall")?;

    let (mut tx, mut rx) = test
        .full_duplex_call(.., |request| decorate(request.metadata_mut()))
        .await
        .map_err(failed)?;
    let ask = StreamingOutputCallRequest {
        response_parameters: vec![ResponseParameters {
            size: 314_159,
            ..ResponseParameters::default()
        }],
        payload: Some(of_size(271_828).expect("a positive size")),
        ..StreamingOutputCallRequest::default()
    };
    tx.send(ask).await.map_err(failed)?;
    let _half_closed = tx.finish();
    let response = rx.message().await.map_err(failed)?;
    let Some(response) = response else {
        return Err("FullDuplexCall ended before its response".into());
    };
    check_payload(response.payload.as_ref(), 314_159, "FullDuplexCall")?;
    let headers = rx.headers().cloned();
    let ended = rx.finish().await.map_err(failed)?;
    check_echo(headers.as_ref(), ended.trailers(), "FullDuplexCall")
}
