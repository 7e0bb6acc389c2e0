//! The attribute goes on the impl of a tonic server trait, not an inherent impl.
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};

#[derive(Clone)]
struct Greeter;

#[tonic_session::service]
impl Greeter {
    async fn numbers(&self, _request: Request<u32>, tx: Sender<u32>) -> Result<Finished, Status> {
        Ok(tx.finish())
    }
}

fn main() {}
