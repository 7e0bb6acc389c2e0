//! grpc-go's documented server-side snippet: a handler's two goroutines `Send` on its stream.
//!
//! ```go
//! func (s *myServer) HelloServerStream(req *hellopb.HelloRequest, stream ...) error {
//!     go func() { stream.Send(res1) }()
//!     go func() { stream.Send(res2) }()
//! }
//! ```
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};
use tonic_session_ui_tests::Feed;

#[derive(Clone)]
struct MyServer;

#[tonic_session::service]
impl Feed for MyServer {
    async fn watch(&self, _req: Request<u32>, mut stream: Sender<String>) -> Result<Finished, Status> {
        let (res1, res2) = ("res1".to_owned(), "res2".to_owned());
        let first = tokio::spawn(async move { stream.send(res1).await.map(|()| stream) });
        let second = tokio::spawn(async move { stream.send(res2).await.map(|()| stream) });
        let (first, _second) = tokio::join!(first, second);
        let stream = first.map_err(|err| Status::internal(err.to_string()))??;
        Ok(stream.finish())
    }
}

fn main() {}
