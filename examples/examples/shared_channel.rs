//! grpc-go's first rule for streams: a connection is safe to share. One `Channel`, a client
//! cloned into eight tasks, a bidi session in each, all at once.

use tokio::task::JoinSet;
use tonic::Status;
use tonic::transport::Endpoint;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_examples::serve::Running;

#[tonic_session::client]
async fn greet_all(
    mut client: GreetingServiceClient<tonic::transport::Channel>,
    task: usize,
) -> Result<usize, Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    let mut replies = 0;
    for i in 0..5 {
        tx.send(HelloRequest {
            name: format!("task {task} #{i}"),
        })
        .await?;
        if rx.message().await?.is_some() {
            replies += 1;
        }
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(replies)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Running::start().await?;
    let channel = Endpoint::from_shared(format!("http://{}", server.addr))?
        .connect()
        .await?;
    let client = GreetingServiceClient::new(channel);
    let mut tasks = JoinSet::new();
    for task in 0..8 {
        tasks.spawn(greet_all(client.clone(), task));
    }
    let mut total = 0;
    while let Some(done) = tasks.join_next().await {
        total += done??;
    }
    println!("8 tasks on one channel: {total} replies to 40 greetings");

    server.stop().await?;
    Ok(())
}
