//! Clean: a unary service and a unary client; no streaming anywhere.
use tonic::{Request, Response, Status};

pub struct Lookup;

#[tonic::async_trait]
impl Features for Lookup {
    async fn get_feature(&self, request: Request<Point>) -> Result<Response<Feature>, Status> {
        Ok(Response::new(find(request.get_ref())))
    }
}

pub async fn name_of(mut client: FeaturesClient<Channel>, point: Point) -> Result<String, Status> {
    Ok(client.get_feature(Request::new(point)).await?.into_inner().name)
}
