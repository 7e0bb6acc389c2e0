//! The interop `TestService`, served by session handlers: every behaviour the
//! interop document asks of a server.

use std::time::Duration;

use tonic::codec::{CompressionEncoding, SingleMessageCompressionOverride};
use tonic::metadata::MetadataMap;
use tonic::service::Routes;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};

use crate::echo_metadata::{INITIAL, TRAILING};
use crate::payloads::{echoed, of_size};
use crate::pb::test_service_server::{TestService, TestServiceServer};
use crate::pb::{
    BoolValue, Empty, ResponseParameters, SimpleRequest, SimpleResponse, StreamingInputCallRequest,
    StreamingInputCallResponse, StreamingOutputCallRequest, StreamingOutputCallResponse,
};

/// The interop test service.
#[derive(Clone, Copy, Debug, Default)]
pub struct Interop;

/// The interop router: `TestService` with gzip accepted and sent (to clients that
/// accept it). `UnimplementedService` is not served, so each of its calls is
/// `UNIMPLEMENTED`, as the interop document asks.
pub fn routes() -> Routes {
    let test = TestServiceServer::new(Interop)
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip);
    Routes::new(test)
}

/// A client's `expect_compressed`: the request must have come compressed. tonic
/// does not show a handler each message's compressed flag, so the request's
/// `grpc-encoding` stands for it (a client that compresses sends it; one that
/// does not, does not).
fn check_compressed(metadata: &MetadataMap, expect: Option<&BoolValue>) -> Result<(), Status> {
    let expected = expect.is_some_and(|expect| expect.value);
    let compressed = metadata
        .get("grpc-encoding")
        .is_some_and(|encoding| encoding != "identity");
    if expected && !compressed {
        return Err(Status::invalid_argument(
            "expect_compressed: the request was not compressed",
        ));
    }
    Ok(())
}

fn simple_response(request: &SimpleRequest) -> Result<Response<SimpleResponse>, Status> {
    if let Some(status) = echoed(request.response_status.as_ref()) {
        return Err(status);
    }
    let mut response = Response::new(SimpleResponse {
        payload: Some(of_size(request.response_size)?),
        ..SimpleResponse::default()
    });
    if request
        .response_compressed
        .as_ref()
        .is_some_and(|compressed| !compressed.value)
    {
        response
            .extensions_mut()
            .insert(SingleMessageCompressionOverride::Disable);
    }
    Ok(response)
}

/// Sends the responses `parameters` ask for, each after its interval.
async fn respond(
    parameters: &[ResponseParameters],
    tx: &mut Sender<StreamingOutputCallResponse>,
) -> Result<(), Status> {
    for parameter in parameters {
        let interval = u64::try_from(parameter.interval_us).unwrap_or(0);
        if interval > 0 {
            tokio::time::sleep(Duration::from_micros(interval)).await;
        }
        let payload = of_size(parameter.size)?;
        tx.send(StreamingOutputCallResponse {
            payload: Some(payload),
        })
        .await?;
    }
    Ok(())
}

/// Answers one streaming request: the status it asks to end with, or the
/// responses it asks for.
async fn answer(
    request: &StreamingOutputCallRequest,
    tx: &mut Sender<StreamingOutputCallResponse>,
) -> Result<(), Status> {
    if let Some(status) = echoed(request.response_status.as_ref()) {
        return Err(status);
    }
    respond(&request.response_parameters, tx).await
}

/// Echoes the test's initial metadata as response headers, and returns its
/// trailing metadata to end the call with.
fn echo_metadata<T>(
    request: &Request<T>,
    tx: &mut Sender<StreamingOutputCallResponse>,
) -> MetadataMap {
    if let Some(initial) = request.metadata().get(INITIAL).cloned() {
        tx.with_headers(|headers| headers.insert(INITIAL, initial));
    }
    let mut trailers = MetadataMap::new();
    if let Some(trailing) = request.metadata().get_bin(TRAILING).cloned() {
        trailers.insert_bin(TRAILING, trailing);
    }
    trailers
}

#[tonic_session::service]
impl TestService for Interop {
    async fn empty_call(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        Ok(Response::new(Empty {}))
    }

    async fn unary_call(
        &self,
        request: Request<SimpleRequest>,
    ) -> Result<Response<SimpleResponse>, Status> {
        check_compressed(
            request.metadata(),
            request.get_ref().expect_compressed.as_ref(),
        )?;
        simple_response(request.get_ref())
    }

    async fn cacheable_unary_call(
        &self,
        request: Request<SimpleRequest>,
    ) -> Result<Response<SimpleResponse>, Status> {
        let mut response = simple_response(request.get_ref())?;
        response.metadata_mut().insert(
            "cache-control",
            "max-age=60, public".parse().expect("ascii"),
        );
        Ok(response)
    }

    async fn streaming_output_call(
        &self,
        request: Request<StreamingOutputCallRequest>,
        mut tx: Sender<StreamingOutputCallResponse>,
    ) -> Result<Finished, Status> {
        let trailers = echo_metadata(&request, &mut tx);
        answer(request.get_ref(), &mut tx).await?;
        Ok(tx.finish_with_trailers(trailers))
    }

    async fn streaming_input_call(
        &self,
        request: Request<Receiver<StreamingInputCallRequest>>,
    ) -> Result<Response<StreamingInputCallResponse>, Status> {
        let metadata = request.metadata().clone();
        let mut rx = request.into_inner();
        let mut aggregated = 0usize;
        while let Some(message) = rx.message().await? {
            check_compressed(&metadata, message.expect_compressed.as_ref())?;
            aggregated += message.payload.map_or(0, |payload| payload.body.len());
        }
        let aggregated_payload_size =
            i32::try_from(aggregated).map_err(|_| Status::out_of_range("over 2 GiB of payload"))?;
        Ok(Response::new(StreamingInputCallResponse {
            aggregated_payload_size,
        }))
    }

    async fn full_duplex_call(
        &self,
        request: Request<Receiver<StreamingOutputCallRequest>>,
        mut tx: Sender<StreamingOutputCallResponse>,
    ) -> Result<Finished, Status> {
        let trailers = echo_metadata(&request, &mut tx);
        let mut rx = request.into_inner();
        while let Some(message) = rx.message().await? {
            answer(&message, &mut tx).await?;
        }
        Ok(tx.finish_with_trailers(trailers))
    }

    async fn half_duplex_call(
        &self,
        request: Request<Receiver<StreamingOutputCallRequest>>,
        mut tx: Sender<StreamingOutputCallResponse>,
    ) -> Result<Finished, Status> {
        let trailers = echo_metadata(&request, &mut tx);
        let mut rx = request.into_inner();
        let mut asked = Vec::new();
        while let Some(message) = rx.message().await? {
            asked.push(message);
        }
        for message in asked {
            answer(&message, &mut tx).await?;
        }
        Ok(tx.finish_with_trailers(trailers))
    }

    async fn unimplemented_call(
        &self,
        _request: Request<Empty>,
    ) -> Result<Response<Empty>, Status> {
        Err(Status::unimplemented(
            "UnimplementedCall is not implemented, on purpose",
        ))
    }
}
