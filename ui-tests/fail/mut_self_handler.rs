//! tonic calls handlers through `&self`; a session handler cannot take `&mut self`.
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};
use tonic_session_ui_tests::Feed;

#[derive(Clone)]
struct Events;

#[tonic_session::service]
impl Feed for Events {
    async fn watch(&mut self, _request: Request<u32>, tx: Sender<String>) -> Result<Finished, Status> {
        Ok(tx.finish())
    }
}

fn main() {}
