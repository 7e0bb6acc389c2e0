//! raw_stream: tonic's raw `Streaming`, a hand-written response stream type, or
//! mpsc plumbing wrapped as a stream, inside annotated code, client and server.
use tokio_stream::wrappers::{ReceiverStream, UnboundedReceiverStream};
use tonic::transport::Channel;
use tonic::{Request, Response, Status, Streaming};
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::{Feed, Tally};

type Client = GreetingServiceClient<Channel>;

// An upload fed by hand through mpsc.
#[tonic_session::client]
async fn hand_fed(mut client: Client) -> Result<(), Status> {
    let (feed, requests) = tokio::sync::mpsc::channel(8);
    feed.send(HelloRequest::default()).await.map_err(|_| Status::internal("closed"))?;
    drop(feed);
    let _reply = client.hello_client_stream(ReceiverStream::new(requests)).await?;
    Ok(())
}

// The raw receiving stream, read by hand.
#[tonic_session::client]
async fn raw_reader(mut stream: Streaming<HelloRequest>) -> Result<(), Status> {
    while stream.message().await?.is_some() {}
    Ok(())
}

// An unbounded channel as the request stream.
#[tonic_session::client]
async fn unbounded(mut client: Client) -> Result<(), Status> {
    let (feed, requests) = tokio::sync::mpsc::unbounded_channel();
    drop(feed);
    let _reply = client
        .hello_client_stream(UnboundedReceiverStream::new(requests))
        .await?;
    Ok(())
}

#[derive(Clone)]
struct RawTally;

// Server: a raw client-streaming handler.
#[tonic_session::service]
impl Tally for RawTally {
    async fn add(&self, request: Request<Streaming<u32>>) -> Result<Response<u64>, Status> {
        let mut stream = request.into_inner();
        let mut total = 0;
        while let Some(n) = stream.message().await? {
            total += u64::from(n);
        }
        Ok(Response::new(total))
    }
}

#[derive(Clone)]
struct RawFeed;

// Server: a hand-written response stream fed through mpsc.
#[tonic_session::service]
impl Feed for RawFeed {
    type WatchStream = ReceiverStream<Result<String, Status>>;

    async fn watch(&self, _request: Request<u32>) -> Result<Response<Self::WatchStream>, Status> {
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tokio::spawn(async move { tx.send(Ok("hi".to_owned())).await });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}

fn main() {
    let _ = (hand_fed, raw_reader, unbounded);
}
