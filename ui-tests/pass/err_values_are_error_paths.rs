//! A handler or client whose value is a `match` or `if` with an `Err(..)` arm
//! leaves with that error on that path: the call ends with the status, and no half
//! is owed an end there (the runtime resets what it drops on an error path).
use tonic::transport::Channel;
use tonic::{Request, Status};
use tonic_session::server::{Finished, Sender};
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::Feed;

#[derive(Clone)]
struct Events;

#[tonic_session::service]
impl Feed for Events {
    async fn watch(&self, request: Request<u32>, mut tx: Sender<String>) -> Result<Finished, Status> {
        match request.into_inner() {
            0 => Err(Status::invalid_argument("ask for at least one event")),
            n if n <= 100 => {
                for i in 0..n {
                    tx.send(i.to_string()).await?;
                }
                Ok(tx.finish())
            }
            _ => Err(Status::out_of_range("at most 100 events")),
        }
    }
}

type Client = GreetingServiceClient<Channel>;

#[tonic_session::client]
async fn exactly_one(mut client: Client) -> Result<String, Status> {
    let mut rx = client.hello_server_stream(HelloRequest::default()).await?;
    let Some(first) = rx.message().await? else {
        return Err(Status::not_found("no reply"));
    };
    match rx.message().await? {
        None => Ok(first.message),
        Some(_) => Err(Status::internal("more than one reply")),
    }
}

fn main() {}
