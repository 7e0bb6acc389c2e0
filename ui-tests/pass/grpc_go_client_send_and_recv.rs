//! grpc-go's documented bidi snippet, allowed: one goroutine sends while another receives.
//!
//! ```go
//! stream, _ := client.HelloBiStreams(context.Background())
//! go func() { stream.Send(req) }()
//! go func() { res, _ := stream.Recv() }()
//! ```
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

#[tonic_session::client]
async fn main_(mut client: GreetingServiceClient<Channel>, req: HelloRequest) -> Result<(), Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    let sending = tokio::spawn(async move {
        tx.send(req).await?;
        Ok::<_, Status>(tx.finish())
    });
    let receiving = tokio::spawn(async move {
        let res = rx.message().await?;
        let ended = rx.finish().await?;
        Ok::<_, Status>((res, ended))
    });
    let (sent, received) = tokio::join!(sending, receiving);
    let _half_closed = sent.map_err(|err| Status::internal(err.to_string()))??;
    let (_res, _ended) = received.map_err(|err| Status::internal(err.to_string()))??;
    Ok(())
}

fn main() {
    let _ = main_;
}
