//! Rule 4 (split_ok): one task sends while another receives on the same call, with
//! `tokio::spawn` and with `join!` / `select!`.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn spawned(mut client: GreetingServiceClient<Channel>) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    let sending = tokio::spawn(async move {
        tx.send(hello("a")).await?;
        Ok::<_, Status>(tx.finish())
    });
    let receiving = tokio::spawn(async move { rx.finish().await });
    let _half_closed = sending.await.expect("sending task")?;
    let _ended = receiving.await.expect("receiving task")?;
    Ok(())
}

#[tonic_session::client]
async fn joined(mut client: GreetingServiceClient<Channel>) -> Result<(), Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    let sending = async {
        tx.send(hello("a")).await?;
        Ok::<_, Status>(tx.finish())
    };
    let receiving = async {
        let mut count = 0;
        while rx.message().await?.is_some() {
            count += 1;
        }
        Ok::<_, Status>(count)
    };
    let (half_closed, count) = tokio::join!(sending, receiving);
    let (_half_closed, _count) = (half_closed?, count?);
    Ok(())
}

#[tonic_session::client]
async fn selected(mut client: GreetingServiceClient<Channel>) -> Result<(), Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    tokio::select! {
        sent = tx.send(hello("a")) => sent?,
        received = rx.message() => { received?; }
    }
    let _half_closed = tx.finish();
    let _ended = rx.finish().await?;
    Ok(())
}

fn main() {
    let _ = (spawned, joined, selected);
}
