//! grpc-go's documented server-streaming snippet: two goroutines `Recv` on one stream.
//!
//! ```go
//! stream, _ := client.HelloServerStream(context.Background(), req)
//! go func() { res1, _ := stream.Recv(); doSomething1(res1) }()
//! go func() { res2, _ := stream.Recv(); doSomething1(res2) }()
//! ```
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

fn do_something1(_res: Option<HelloResponse>) {}

#[tonic_session::client]
async fn main_(mut client: GreetingServiceClient<Channel>, req: HelloRequest) -> Result<(), Status> {
    let mut stream = client.hello_server_stream(req).await?;
    let first = tokio::spawn(async move {
        let res1 = stream.message().await?;
        do_something1(res1);
        stream.finish().await
    });
    let second = tokio::spawn(async move {
        let res2 = stream.message().await?;
        do_something1(res2);
        stream.finish().await
    });
    let _ = tokio::join!(first, second);
    Ok(())
}

fn main() {
    let _ = main_;
}
