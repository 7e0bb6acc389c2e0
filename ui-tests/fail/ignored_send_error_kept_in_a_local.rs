//! ignored_send_error through a local: the send's result is kept, tested later,
//! and on failure the code sends again. Beside it, the same local tested and the
//! loop stopped, which compiles.
use tonic::transport::Channel;
use tonic::Status;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

#[tonic_session::client]
async fn logged_and_sent_again(mut client: Client, names: Vec<String>) -> Result<(), Status> {
    let mut upload = client.hello_client_stream(..).await?;
    for name in names {
        let sent = upload.send(HelloRequest { name }).await;
        if let Err(err) = sent {
            eprintln!("not sent: {err}");
        }
    }
    let _reply = upload.finish().await?;
    Ok(())
}

#[tonic_session::client]
async fn stopped(mut client: Client, names: Vec<String>) -> Result<(), Status> {
    let mut upload = client.hello_client_stream(..).await?;
    for name in names {
        let sent = upload.send(HelloRequest { name }).await;
        if sent.is_err() {
            break;
        }
    }
    let _reply = upload.finish().await?;
    Ok(())
}

fn main() {}
