//! Correct client code in forms real programs use, each of which an analysis that
//! guesses would reject: every half here is ended, cancelled or handed on on every
//! path that returns normally.
use std::sync::Arc;

use tokio::sync::Mutex;
use tonic::Status;
use tonic::transport::Channel;
use tonic_session::client::Receiver;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_examples::pb::{HelloRequest, HelloResponse};

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

/// Reads `rx` to its end: a helper the receiver is lent to.
async fn drain(rx: &mut Receiver<HelloResponse>) -> Result<usize, Status> {
    let mut count = 0;
    while rx.message().await?.is_some() {
        count += 1;
    }
    Ok(count)
}

/// A receiver lent to a helper that drains it is the helper's to end.
/// The error converted on its way to `?` (into an application error here): the
/// `None` still ends the stream.
#[derive(Debug)]
struct AppError(Status);

#[tonic_session::client]
async fn converted_errors(mut client: Client) -> Result<usize, AppError> {
    let mut rx = client.hello_server_stream(hello("c")).await.map_err(AppError)?;
    let mut count = 0;
    while let Some(_reply) = rx.message().await.map_err(AppError)? {
        count += 1;
    }
    Ok(count)
}

#[tonic_session::client]
async fn drained_by_a_helper(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("a")).await?;
    drain(&mut rx).await
}

/// `let else` whose `else` is the end of the stream; `return` in the `None` arm.
#[tonic_session::client]
async fn the_end_returns(mut client: Client) -> Result<String, Status> {
    let mut rx = client.hello_server_stream(hello("b")).await?;
    let Some(first) = rx.message().await? else {
        return Ok(String::new());
    };
    loop {
        match rx.message().await? {
            Some(_) => continue,
            None => return Ok(first.message),
        }
    }
}

/// A panic is an error path: nothing is owed on it.
#[tonic_session::client]
async fn a_panicking_arm(mut client: Client, mode: u8) -> Result<(), Status> {
    let mut rx = client.hello_server_stream(hello("c")).await?;
    match mode {
        0 => panic!("mode 0 is not supported"),
        _ => while rx.message().await?.is_some() {},
    }
    Ok(())
}

/// A nested task that declares halves with the outer names ends its own.
#[tonic_session::client]
async fn a_task_reusing_the_names(mut client: Client) -> Result<(), Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    let mut other = client.clone();
    let task = tokio::spawn(async move {
        let (mut tx, mut rx) = other.hello_bi_streams(..).await?;
        tx.send(hello("inner")).await?;
        let _half_closed = tx.finish();
        while rx.message().await?.is_some() {}
        Ok::<_, Status>(())
    });
    tx.send(hello("outer")).await?;
    let _half_closed = tx.finish();
    while rx.message().await?.is_some() {}
    task.await.map_err(|err| Status::internal(err.to_string()))?
}

/// A struct field named like a half is not one: only bindings are followed.
struct Settings {
    rx: usize,
    tx: &'static str,
}

#[tonic_session::client]
async fn fields_named_like_halves(mut client: Client) -> Result<usize, Status> {
    let settings = Settings { rx: 2, tx: "d" };
    let mut rx = client.hello_server_stream(hello(settings.tx)).await?;
    let mut count = settings.rx;
    while rx.message().await?.is_some() {
        count += 1;
    }
    Ok(count)
}

/// One client behind `Arc<Mutex<_>>`, used from several tasks: the client is shared,
/// each call's halves are not.
#[tonic_session::client]
async fn a_client_behind_a_lock(client: Client) -> Result<usize, Status> {
    let client = Arc::new(Mutex::new(client));
    let mut tasks = Vec::new();
    for name in ["e", "f"] {
        let client = Arc::clone(&client);
        tasks.push(tokio::spawn(async move {
            let mut rx = client.lock().await.hello_server_stream(hello(name)).await?;
            let mut count = 0;
            while rx.message().await?.is_some() {
                count += 1;
            }
            Ok::<usize, Status>(count)
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.map_err(|err| Status::internal(err.to_string()))??;
    }
    Ok(total)
}

/// A `select!` whose branch has a precondition on the half it then uses.
#[tonic_session::client]
async fn select_with_a_precondition(mut client: Client) -> Result<(), Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    let mut sent = 0;
    loop {
        tokio::select! {
            sending = tx.send(hello("g")), if sent < 3 => {
                sending?;
                sent += 1;
            }
            reply = rx.message() => {
                if reply?.is_none() {
                    break;
                }
            }
        }
        if sent == 3 {
            break;
        }
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(())
}

/// `.unwrap()` / `.expect(..)` in place of `?` read to the end (an error status
/// panics there, an error path); a call opened under tokio's `timeout` is a session.
#[tonic_session::client]
async fn unwrapped_and_timed(mut client: Client) -> Result<usize, Status> {
    let within = std::time::Duration::from_secs(5);
    let opened = tokio::time::timeout(within, client.hello_server_stream(hello("h"))).await;
    let mut rx: Receiver<HelloResponse> = opened.expect("in time")?;
    let mut count = 0;
    while let Some(_reply) = rx.message().await.unwrap() {
        count += 1;
    }
    let mut again = client.hello_server_stream(hello("i")).await?;
    loop {
        match again.message().await.expect("a message or the end") {
            Some(_) => count += 1,
            None => break,
        }
    }
    Ok(count)
}

fn main() {}
