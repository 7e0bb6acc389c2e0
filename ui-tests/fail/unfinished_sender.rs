//! A server-streaming handler that never finishes its sender has no `Finished` to
//! return: a stream that is not finished cannot end with OK.
use tonic::{Request, Status};
use tonic_session::server::Sender;
use tonic_session_ui_tests::Feed;

#[derive(Clone)]
struct Events;

#[tonic_session::service]
impl Feed for Events {
    async fn watch(&self, request: Request<u32>, mut tx: Sender<String>) -> Result<(), Status> {
        tx.send(request.into_inner().to_string()).await?;
        Ok(())
    }
}

fn main() {}
