//! A transport that does async work before it sends a request, like a layer that
//! fetches an auth token: a call future must be polled again to dispatch at all.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tonic::body::Body;
use tonic::transport::Channel;
use tower_service::Service;

/// Wraps a channel; each request waits a few milliseconds (the "token fetch")
/// inside its call future before it is handed to the channel.
#[derive(Clone, Debug)]
pub struct TokenFetching(pub Channel);

impl Service<http::Request<Body>> for TokenFetching {
    type Response = http::Response<Body>;
    type Error = tonic::transport::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        let mut channel = self.0.clone();
        // The clone is not ready yet; take the one that was polled ready.
        std::mem::swap(&mut channel, &mut self.0);
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(5)).await;
            request
                .headers_mut()
                .insert("authorization", "Bearer fetched".parse().expect("ascii"));
            channel.call(request).await
        })
    }
}
