//! Clean: a service written with the attribute.
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};

#[derive(Clone)]
pub struct Guide;

#[tonic_session::service]
impl RouteGuide for Guide {
    async fn list_features(&self, request: Request<Rectangle>, mut tx: Sender<Feature>) -> Result<Finished, Status> {
        for feature in in_rectangle(request.get_ref()) {
            tx.send(feature).await?;
        }
        Ok(tx.finish())
    }

    async fn record_route(&self, request: Request<Receiver<Point>>) -> Result<Response<RouteSummary>, Status> {
        let mut points = request.into_inner();
        let mut count = 0;
        while let Some(_point) = points.message().await? {
            count += 1;
        }
        Ok(Response::new(RouteSummary { point_count: count, ..Default::default() }))
    }
}
