//! `Finished` only comes from `Sender::finish`; it cannot be made by hand.
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};
use tonic_session_ui_tests::Feed;

#[derive(Clone)]
struct Events;

#[tonic_session::service]
impl Feed for Events {
    async fn watch(&self, request: Request<u32>, mut tx: Sender<String>) -> Result<Finished, Status> {
        tx.send(request.into_inner().to_string()).await?;
        Ok(Finished { _private: () })
    }
}

fn main() {}
