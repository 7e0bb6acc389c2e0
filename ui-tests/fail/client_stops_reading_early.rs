//! A client receiver whose reading stops before `message()` returned `None`: the
//! call's final status (a trailing error) is lost. The error points at the `break`
//! where the reading stopped, or at the exit when the final status was thrown away.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

// Takes the first reply and leaves.
#[tonic_session::client]
async fn first_reply(mut client: Client) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(hello("a")).await?;
    loop {
        match rx.message().await? {
            Some(_first) => break,
            None => break,
        }
    }
    Ok(())
}

// A labelled `break` out of the reading loop, from a loop inside it.
#[tonic_session::client]
async fn labelled_break(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("b")).await?;
    let mut seen = 0;
    'reading: for _attempt in 0..3 {
        loop {
            match rx.message().await? {
                Some(reply) if reply.message.is_empty() => break 'reading,
                Some(_) => seen += 1,
                None => return Ok(seen),
            }
        }
    }
    Ok(seen)
}

// Stops at a sentinel message, before the end.
#[tonic_session::client]
async fn sentinel(mut client: Client) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(hello("c")).await?;
    while let Some(reply) = rx.message().await? {
        if reply.message == "done" {
            break;
        }
    }
    Ok(())
}

// `while let Ok(Some(..))` stops at the final error too, and throws it away.
#[tonic_session::client]
async fn error_thrown_away(mut client: Client) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(hello("d")).await?;
    while let Ok(Some(_reply)) = rx.message().await {}
    Ok(())
}

fn main() {}
