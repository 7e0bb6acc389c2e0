//! grpc-go's documented client-streaming snippet: two goroutines `Send` on one stream.
//!
//! ```go
//! stream, _ := client.HelloClientStream(context.Background())
//! go func() { stream.Send(req1) }()
//! go func() { stream.Send(req2) }()
//! ```
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

#[tonic_session::client]
async fn main_(mut client: GreetingServiceClient<Channel>, req1: HelloRequest, req2: HelloRequest) -> Result<(), Status> {
    let mut stream = client.hello_client_stream(..).await?;
    let first = tokio::spawn(async move { stream.send(req1).await.map(|()| stream) });
    let second = tokio::spawn(async move { stream.send(req2).await.map(|()| stream) });
    let _ = tokio::join!(first, second);
    Ok(())
}

fn main() {
    let _ = main_;
}
