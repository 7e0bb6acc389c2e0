//! ignored_send_error, whatever syntax let the error go: a path from a failed send
//! to another send on the same half keeps producing for a peer that is gone (a
//! runtime test measured such a producer making 136,621 more sends after a cancel).
use tonic::transport::Channel;
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::Feed;

type Client = GreetingServiceClient<Channel>;

// The error is matched, logged, and the loop goes on.
#[tonic_session::client]
async fn logged(mut client: Client, names: Vec<String>) -> Result<(), Status> {
    let mut upload = client.hello_client_stream(..).await?;
    for name in names {
        if let Err(err) = upload.send(HelloRequest { name }).await {
            eprintln!("not sent: {err}");
        }
    }
    let _reply = upload.finish().await?;
    Ok(())
}

// `.unwrap_or_else(|_| ..)` as a statement.
#[tonic_session::client]
async fn unwrap_or_else(mut client: Client) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    tx.send(HelloRequest::default()).await.unwrap_or_else(|_| ());
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(())
}

#[derive(Clone)]
struct Spinner;

// Server: a spawned producer whose `Err` arm falls through to the next send.
#[tonic_session::service]
impl Feed for Spinner {
    async fn watch(&self, _request: Request<u32>, mut tx: Sender<String>) -> Result<Finished, Status> {
        let task = tokio::spawn(async move {
            for i in 0..1000 {
                match tx.send(i.to_string()).await {
                    Ok(()) => {}
                    Err(_) => continue,
                }
            }
            tx.finish()
        });
        task.await.map_err(|err| Status::internal(err.to_string()))
    }
}

fn main() {
    let _ = (logged, unwrap_or_else);
}
