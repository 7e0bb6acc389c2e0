//! The same hazards in other words: a send's result bound to `_name`, mapped and
//! dropped, a `try_send` whose error (a closed channel among them) is thrown away,
//! a task's handle passed to `drop`, a sender kept from ever dropping.
use std::mem::ManuallyDrop;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

pub struct Feed;

#[tonic::async_trait]
impl Quotes for Feed { //~ unannotated_service
    type WatchStream = ReceiverStream<Result<Quote, Status>>;

    async fn watch(&self, request: Request<Symbols>) -> Result<Response<Self::WatchStream>, Status> {
        let (tx, rx) = mpsc::channel(16);
        let symbols = request.into_inner().symbols;
        drop(tokio::spawn(async move { //~ detached_half
            for symbol in symbols {
                let _sent = tx.send(Ok(Quote::of(&symbol))).await; //~ ignored_send_error
                tx.send(Ok(Quote::close(&symbol))).await.map_err(|err| tracing::warn!("{err}")); //~ ignored_send_error
            }
        }));
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn best_effort(&self, request: Request<Symbols>) -> Result<Response<Self::WatchStream>, Status> {
        let (tx, rx) = mpsc::channel(16);
        let symbols = request.into_inner().symbols;
        self.keep(tokio::spawn(async move {
            for symbol in symbols {
                let _ = tx.try_send(Ok(Quote::of(&symbol))); //~ ignored_send_error
            }
        }));
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn pinned(&self, _request: Request<Symbols>) -> Result<Response<Self::WatchStream>, Status> {
        let (tx, rx) = mpsc::channel(1);
        let _kept = ManuallyDrop::new(tx); //~ forgotten_half
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
