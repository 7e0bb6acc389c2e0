//! A client-streaming handler that shares its request stream behind a lock.
use std::sync::Arc;

use tokio::sync::Mutex;
use tonic::{Request, Response, Status, Streaming};

pub struct Recorder;

#[tonic::async_trait]
impl RouteGuide for Recorder { //~ unannotated_service
    async fn record_route(
        &self,
        request: Request<Streaming<Point>>,
    ) -> Result<Response<RouteSummary>, Status> {
        let stream: Arc<Mutex<Streaming<Point>>> = //~ concurrent_recv
            Arc::new(Mutex::new(request.into_inner()));
        let other = Arc::clone(&stream);
        let counter = tokio::spawn(async move { count(other).await });
        let total = count(stream).await + counter.await.unwrap_or(0);
        Ok(Response::new(RouteSummary { point_count: total, ..Default::default() }))
    }
}
