//! Code the cleanup analysis must accept: every half is ended, cancelled or handed
//! on on every path that returns normally; error paths may drop halves (the runtime
//! cancels them).
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

/// Early `?` and `return Err(..)` are error paths.
#[tonic_session::client]
async fn error_paths(mut client: Client, names: Vec<String>) -> Result<String, Status> {
    let mut upload = client.hello_client_stream(..).await?;
    for name in &names {
        if name.is_empty() {
            return Err(Status::invalid_argument("empty name"));
        }
        upload.send(hello(name)).await?;
    }
    Ok(upload.finish().await?.into_inner().message)
}

/// A receiver is read to its end where `message()` returned `None`.
#[tonic_session::client]
async fn read_to_the_end(mut client: Client) -> Result<usize, Status> {
    let mut rx = client.hello_server_stream(hello("ferris")).await?;
    let mut count = 0;
    while let Some(_reply) = rx.message().await? {
        count += 1;
    }
    let mut again = client.hello_server_stream(hello("gopher")).await?;
    loop {
        match again.message().await? {
            Some(_) => count += 1,
            None => break,
        }
    }
    Ok(count)
}

/// Every arm ends the halves; a cancel is an end too.
#[tonic_session::client]
async fn match_arms(mut client: Client, mode: u8) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    match mode {
        0 => {
            let _cancelled = (tx.cancel(), rx.cancel());
        }
        1 => {
            tx.send(hello("one")).await?;
            let _half_closed = tx.finish();
            let _ended = rx.finish().await?;
        }
        _ => {
            let _half_closed = tx.finish();
            let _cancelled = rx.cancel();
        }
    }
    Ok(())
}

/// Halves handed to a helper, or to tasks, are theirs.
#[tonic_session::client]
async fn handed_on(mut client: Client) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let sending = tokio::spawn(send_all(tx));
    let receiving = tokio::spawn(async move { rx.finish().await.map(drop) });
    sending.await.expect("task")?;
    receiving.await.expect("task")?;
    Ok(())
}

async fn send_all(mut tx: tonic_session::client::Sender<HelloRequest>) -> Result<(), Status> {
    tx.send(hello("all")).await?;
    let _half_closed = tx.finish();
    Ok(())
}

/// Returning a half hands it to the caller.
#[tonic_session::client]
async fn opened(mut client: Client) -> Result<tonic_session::client::Receiver<tonic_session_examples::pb::HelloResponse>, Status> {
    let rx = client.hello_server_stream(hello("later")).await?;
    Ok(rx)
}

/// Ordinary values are never flagged, however they are dropped.
#[tonic_session::client]
async fn not_halves(mut client: Client) -> Result<(), Status> {
    let reply = client.hello(hello("unary")).await?;
    let names = vec![String::from("a")];
    if names.is_empty() {
        return Ok(());
    }
    let _ = reply;
    Ok(())
}

fn main() {
    let _ = (error_paths, read_to_the_end, match_arms, handed_on, opened, not_halves);
}
