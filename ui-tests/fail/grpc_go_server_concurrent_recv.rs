//! grpc-go's documented client-streaming handler snippet: two goroutines `Recv` on its stream.
//!
//! ```go
//! func (s *myServer) HelloClientStream(stream ...) error {
//!     go func() { req1, _ := stream.Recv() }()
//!     go func() { req2, _ := stream.Recv() }()
//! }
//! ```
use tonic::{Request, Response, Status};
use tonic_session::server::Receiver;
use tonic_session_ui_tests::Tally;

#[derive(Clone)]
struct MyServer;

#[tonic_session::service]
impl Tally for MyServer {
    async fn add(&self, request: Request<Receiver<u32>>) -> Result<Response<u64>, Status> {
        let mut stream = request.into_inner();
        let first = tokio::spawn(async move { stream.message().await });
        let second = tokio::spawn(async move { stream.message().await });
        let (req1, req2) = tokio::join!(first, second);
        let _ = (req1, req2);
        Ok(Response::new(0))
    }
}

fn main() {}
