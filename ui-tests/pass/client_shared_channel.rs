//! Rule 1 (shared_channel_ok): one channel, clients cloned into many tasks, calls
//! in parallel.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn fan_out(channel: Channel) -> Result<(), Status> {
    let client = GreetingServiceClient::new(channel);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let mut client = client.clone();
        tasks.push(tokio::spawn(async move {
            let rx = client.hello_server_stream(hello(&i.to_string())).await?;
            let _ended = rx.finish().await?;
            let (mut tx, rx) = client.hello_bi_streams(..).await?;
            tx.send(hello("x")).await?;
            let _half_closed = tx.finish();
            rx.finish().await.map(drop)
        }));
    }
    for task in tasks {
        task.await.expect("task")?;
    }
    Ok(())
}

fn main() {
    let _ = fan_out;
}
