//! Client misuses in forms real programs take: each function leaks one half on a
//! normal path, and each error names it, at the point it leaks.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

/// A half in a tuple that is dropped with it.
#[tonic_session::client]
async fn in_a_tuple(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(hello("a")).await?;
    let _pair = (rx, 1);
    Ok(())
}

/// Halves in a `vec![..]` that is dropped with them.
#[tonic_session::client]
async fn in_a_vec(mut client: Client) -> Result<(), Status> {
    let first = client.hello_server_stream(hello("b")).await?;
    let _all = vec![first];
    Ok(())
}

/// An upload whose `finish()` is never awaited: nothing was half-closed.
#[tonic_session::client]
async fn finish_not_awaited(mut client: Client) -> Result<(), Status> {
    let mut upload = client.hello_client_stream(..).await?;
    upload.send(hello("c")).await?;
    let _later = upload.finish();
    Ok(())
}

/// A receiver opened per round, left by `continue 'rounds` before its end.
#[tonic_session::client]
async fn continue_outer(mut client: Client, rounds: usize) -> Result<usize, Status> {
    let mut seen = 0;
    'rounds: for _ in 0..rounds {
        let mut rx = client.hello_server_stream(hello("d")).await?;
        while let Some(_reply) = rx.message().await? {
            seen += 1;
            continue 'rounds;
        }
    }
    Ok(seen)
}

/// A receiver replaced by another before its end: the first call's status is lost.
#[tonic_session::client]
async fn reassigned(mut client: Client) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(hello("e")).await?;
    let _first = rx.message().await?;
    rx = client.hello_server_stream(hello("f")).await?;
    while rx.message().await?.is_some() {}
    Ok(())
}

/// A sender left in one arm of a `match` that returns early.
#[tonic_session::client]
async fn returns_in_an_arm(mut client: Client, mode: u8) -> Result<(), Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    rx.cancel();
    match mode {
        0 => return Ok(()),
        _ => tx.send(hello("g")).await?,
    }
    let _half_closed = tx.finish();
    Ok(())
}

fn main() {}
