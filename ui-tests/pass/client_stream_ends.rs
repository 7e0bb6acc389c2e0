//! Receivers read to their end in the shapes real code takes: wherever
//! `message()` returned `None` (or the code ended the half), on every path that
//! returns normally.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

/// Labelled loops: `continue 'outer` goes on reading, `break 'outer` is the end.
#[tonic_session::client]
async fn labelled(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("a")).await?;
    let mut n = 0;
    'outer: loop {
        loop {
            match rx.message().await? {
                Some(_) => {
                    n += 1;
                    continue 'outer;
                }
                None => break 'outer,
            }
        }
    }
    Ok(n)
}

/// `let else` whose `else` is the end of the stream.
#[tonic_session::client]
async fn let_else(mut client: Client) -> Result<Vec<String>, Status> {
    let mut rx = client.hello_server_stream(hello("b")).await?;
    let mut got = Vec::new();
    loop {
        let Some(reply) = rx.message().await? else {
            break;
        };
        got.push(reply.message);
    }
    Ok(got)
}

/// `return` from the `None` arm; a catch-all after `Some` is the end too.
#[tonic_session::client]
async fn returns_at_the_end(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("c")).await?;
    let mut n = 0;
    loop {
        match rx.message().await? {
            Some(_) => n += 1,
            None => return Ok(n),
        }
    }
}

/// A catch-all after `Some`, a `panic!` arm (an error path), and the status kept
/// from the `Result` form.
#[tonic_session::client]
async fn other_forms(mut client: Client) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(hello("d")).await?;
    loop {
        match rx.message().await? {
            Some(reply) if reply.message.is_empty() => panic!("an empty greeting"),
            Some(_) => {}
            _ => break,
        }
    }
    let mut again = client.hello_server_stream(hello("e")).await?;
    loop {
        match again.message().await {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(status) => return Err(status),
        }
    }
    let mut third = client.hello_server_stream(hello("f")).await?;
    while third.message().await?.is_some() {}
    Ok(())
}

/// Printing a half borrows it; the half is still ended.
#[tonic_session::client]
async fn printed_then_ended(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(hello("g")).await?;
    println!("{rx:?}");
    let _ended = rx.finish().await?;
    Ok(())
}

/// A half in a container is ended through it, or the container handed on.
#[tonic_session::client]
async fn through_a_container(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(hello("h")).await?;
    let pending = Some(rx);
    if let Some(rx) = pending {
        let _ended = rx.finish().await?;
    }
    let again = client.hello_server_stream(hello("i")).await?;
    let pair = (again, 1);
    let (again, _) = pair;
    let _cancelled = again.cancel();
    Ok(())
}

fn main() {}
