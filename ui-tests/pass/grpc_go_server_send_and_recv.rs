//! grpc-go's documented bidi handler snippet, allowed: one goroutine receives while another
//! sends.
//!
//! ```go
//! func (s *myServer) HelloBiStreams(stream ...) error {
//!     go func() { req, _ := stream.Recv() }()
//!     go func() { stream.Send(res) }()
//! }
//! ```
use tonic::{Request, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_ui_tests::Echo;

#[derive(Clone)]
struct MyServer;

#[tonic_session::service]
impl Echo for MyServer {
    async fn chat(&self, request: Request<Receiver<String>>, mut tx: Sender<String>) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        let receiving = tokio::spawn(async move { rx.message().await });
        let sending = tokio::spawn(async move {
            tx.send("res".to_owned()).await?;
            Ok::<_, Status>(tx.finish())
        });
        let (req, finished) = tokio::join!(receiving, sending);
        let _req = req.map_err(|err| Status::internal(err.to_string()))??;
        finished.map_err(|err| Status::internal(err.to_string()))?
    }
}

fn main() {}
