//! Clean: an interceptor and a unary call through it.
use tonic::service::Interceptor;
use tonic::{Request, Status};

#[derive(Clone)]
pub struct Token(pub String);

impl Interceptor for Token {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        let value = format!("Bearer {}", self.0).parse().map_err(|_| Status::internal("token"))?;
        request.metadata_mut().insert("authorization", value);
        Ok(request)
    }
}
