//! ignored_send_error: the result of a send discarded, so a producer keeps going
//! after the peer left (tonic issues #196, #377, #2438), client and server.
use tonic::transport::Channel;
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::Feed;

type Client = GreetingServiceClient<Channel>;

// `let _ =`.
#[tonic_session::client]
async fn let_underscore(mut client: Client) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    let _ = tx.send(HelloRequest::default()).await;
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(())
}

// `.ok()` as a statement, on an upload.
#[tonic_session::client]
async fn ok_discarded(mut client: Client) -> Result<(), Status> {
    let mut upload = client.hello_client_stream(..).await?;
    for name in ["a", "b"] {
        upload.send(HelloRequest { name: name.to_owned() }).await.ok();
    }
    let _reply = upload.finish().await?;
    Ok(())
}

#[derive(Clone)]
struct Producer;

// Server: a producer task that never learns the client left.
#[tonic_session::service]
impl Feed for Producer {
    async fn watch(&self, _request: Request<u32>, mut tx: Sender<String>) -> Result<Finished, Status> {
        let task = tokio::spawn(async move {
            for i in 0..1000 {
                tx.send(i.to_string()).await.unwrap_or_default();
            }
            tx.finish()
        });
        task.await.map_err(|err| Status::internal(err.to_string()))
    }
}

#[derive(Clone)]
struct Bare;

// Server: a bare statement.
#[tonic_session::service]
impl Feed for Bare {
    async fn watch(&self, _request: Request<u32>, mut tx: Sender<String>) -> Result<Finished, Status> {
        tx.send("once".to_owned()).await;
        Ok(tx.finish())
    }
}

fn main() {
    let _ = (let_underscore, ok_discarded);
}
