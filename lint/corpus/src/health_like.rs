//! Clean: a trait impl with an associated type that is not a response stream.
use tonic::{Request, Response, Status};

pub struct Health;

#[tonic::async_trait]
impl Checker for Health {
    type Error = Status;

    async fn check(&self, _request: Request<Probe>) -> Result<Response<Verdict>, Self::Error> {
        Ok(Response::new(Verdict::serving()))
    }
}
