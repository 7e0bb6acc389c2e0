//! detached_half: a half moved into a spawned task whose handle is dropped, so
//! nobody observes how the half ended, client and server.
use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_ui_tests::{Echo, Tally};

type Client = GreetingServiceClient<Channel>;

// The sending task's handle is thrown away by the statement.
#[tonic_session::client]
async fn statement(mut client: Client) -> Result<(), Status> {
    let (mut tx, rx) = client.hello_bi_streams(..).await?;
    tokio::spawn(async move {
        tx.send(HelloRequest::default()).await?;
        Ok::<_, Status>(tx.finish())
    });
    let _ended = rx.finish().await?;
    Ok(())
}

// `let _ =` on the handle of the reading task.
#[tonic_session::client]
async fn let_underscore(mut client: Client) -> Result<(), Status> {
    let rx = client.hello_server_stream(HelloRequest::default()).await?;
    let _ = tokio::spawn(async move { rx.finish().await.map(drop) });
    Ok(())
}

#[derive(Clone)]
struct Reader;

// Server: the request's half read by a task nobody awaits.
#[tonic_session::service]
impl Echo for Reader {
    async fn chat(&self, request: Request<Receiver<String>>, mut tx: Sender<String>) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        tokio::spawn(async move {
            while let Some(line) = rx.message().await? {
                println!("{line}");
            }
            Ok::<_, Status>(())
        });
        tx.send("hello".to_owned()).await?;
        Ok(tx.finish())
    }
}

#[derive(Clone)]
struct Dropped;

// Server: `drop` of the handle.
#[tonic_session::service]
impl Tally for Dropped {
    async fn add(&self, request: Request<Receiver<u32>>) -> Result<Response<u64>, Status> {
        drop(tokio::spawn(count(request)));
        Ok(Response::new(0))
    }
}

async fn count(request: Request<Receiver<u32>>) -> Result<u64, Status> {
    let mut rx = request.into_inner();
    let mut total = 0;
    while let Some(n) = rx.message().await? {
        total += u64::from(n);
    }
    Ok(total)
}

fn main() {
    let _ = (statement, let_underscore);
}
