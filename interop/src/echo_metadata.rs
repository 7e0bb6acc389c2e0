//! The metadata a test client asks its unary calls to have echoed: the
//! `x-grpc-test-echo-initial` header and the `x-grpc-test-echo-trailing-bin`
//! trailer. A unary tonic handler cannot set trailers on an OK response, so this
//! layer copies the trailer into the response's; the streaming handlers echo both
//! themselves (`Sender::with_headers`, `Sender::finish_with_trailers`).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use http_body::{Body, Frame, SizeHint};
use tower_layer::Layer;
use tower_service::Service;

/// The header a client asks to have echoed in the response headers.
pub const INITIAL: &str = "x-grpc-test-echo-initial";
/// The binary header a client asks to have echoed in the trailers.
pub const TRAILING: &str = "x-grpc-test-echo-trailing-bin";

/// The paths whose metadata this layer echoes: the unary calls.
const UNARY: [&str; 2] = [
    "/grpc.testing.TestService/UnaryCall",
    "/grpc.testing.TestService/CacheableUnaryCall",
];

/// Echoes the test metadata of unary calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct EchoMetadataLayer;

impl<S> Layer<S> for EchoMetadataLayer {
    type Service = EchoMetadata<S>;

    fn layer(&self, inner: S) -> EchoMetadata<S> {
        EchoMetadata { inner }
    }
}

/// The service [`EchoMetadataLayer`] makes.
#[derive(Clone, Debug)]
pub struct EchoMetadata<S> {
    inner: S,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B> Service<http::Request<B>> for EchoMetadata<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let unary = UNARY.contains(&request.uri().path());
        let initial = request.headers().get(INITIAL).cloned().filter(|_| unary);
        let trailing = request.headers().get(TRAILING).cloned().filter(|_| unary);
        let call = self.inner.call(request);
        Box::pin(async move {
            let mut response = call.await?;
            if let Some(initial) = initial {
                response.headers_mut().insert(INITIAL, initial);
            }
            let Some(trailing) = trailing else {
                return Ok(response);
            };
            // A trailers-only answer (an error) carries its trailers in its headers.
            if response.headers().contains_key("grpc-status") {
                response.headers_mut().insert(TRAILING, trailing);
                return Ok(response);
            }
            Ok(response.map(|body| {
                tonic::body::Body::new(WithTrailer {
                    body,
                    trailing: Some(trailing),
                })
            }))
        })
    }
}

/// A response body whose trailers get one more header.
struct WithTrailer {
    body: tonic::body::Body,
    trailing: Option<HeaderValue>,
}

impl Body for WithTrailer {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, tonic::Status>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        let Poll::Ready(Some(Ok(frame))) = polled else {
            return polled;
        };
        let frame = match frame.into_trailers() {
            Ok(mut trailers) => {
                self.add_to(&mut trailers);
                Frame::trailers(trailers)
            }
            Err(frame) => frame,
        };
        Poll::Ready(Some(Ok(frame)))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl WithTrailer {
    fn add_to(&mut self, trailers: &mut HeaderMap) {
        if let Some(value) = self.trailing.take() {
            trailers.insert(HeaderName::from_static(TRAILING), value);
        }
    }
}
