//! The attribute generates `type WatchStream`; a hand-written one clashes.
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};
use tonic_session_ui_tests::Feed;

#[derive(Clone)]
struct Events;

#[tonic_session::service]
impl Feed for Events {
    type WatchStream = tonic_session::server::ResponseStream<String>;

    async fn watch(&self, _request: Request<u32>, tx: Sender<String>) -> Result<Finished, Status> {
        Ok(tx.finish())
    }
}

fn main() {}
