//! A streaming body outlives the trait call, so it owns a handle to the service:
//! the service must be `Clone` (or use `self: Arc<Self>`). One error, however
//! many handlers.
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};
use tonic_session_ui_tests::Feed;

struct Events {
    _not_clone: std::sync::Mutex<u32>,
}

#[tonic_session::service]
impl Feed for Events {
    async fn watch(&self, _request: Request<u32>, tx: Sender<String>) -> Result<Finished, Status> {
        Ok(tx.finish())
    }
}

fn main() {}
