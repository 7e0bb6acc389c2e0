//! Realistic session code that breaks no rule: loops with early `?`, match arms,
//! helpers, a sending task joined at the end, a task per branch, `select!` against
//! a half's `closed()`, a half handed to one task from a loop that then stops.
use std::time::Duration;

use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;
use tonic_session_examples::pb::{HelloRequest, HelloResponse};
use tonic_session_ui_tests::{Echo, Feed, Tally};

#[derive(Clone)]
struct Service;

async fn pump(tx: &mut Sender<String>, count: u32) -> Result<(), Status> {
    for i in 0..count {
        tx.send(i.to_string()).await?;
    }
    Ok(())
}

#[tonic_session::service]
impl Feed for Service {
    async fn watch(&self, request: Request<u32>, mut tx: Sender<String>) -> Result<Finished, Status> {
        let count = request.into_inner();
        match count {
            0 => return Ok(tx.finish()),
            1..=10 => pump(&mut tx, count).await?,
            _ => {
                let task = tokio::spawn(async move {
                    pump(&mut tx, count).await?;
                    Ok::<_, Status>(tx.finish())
                });
                return task.await.map_err(|err| Status::internal(err.to_string()))?;
            }
        }
        loop {
            tokio::select! {
                () = tx.closed() => return Err(Status::cancelled("the client left")),
                () = tokio::time::sleep(Duration::from_millis(1)) => break,
            }
        }
        if tx.send("last".to_owned()).await.is_err() {
            return Err(Status::cancelled("the client left"));
        }
        Ok(tx.finish())
    }
}

#[tonic_session::service]
impl Tally for Service {
    async fn add(&self, request: Request<Receiver<u32>>) -> Result<Response<u64>, Status> {
        let mut rx = request.into_inner();
        let mut total = 0u64;
        while let Some(n) = rx.message().await? {
            if n == 0 {
                continue;
            }
            total = total
                .checked_add(u64::from(n))
                .ok_or_else(|| Status::out_of_range("overflow"))?;
        }
        Ok(Response::new(total))
    }
}

#[tonic_session::service]
impl Echo for Service {
    async fn chat(&self, request: Request<Receiver<String>>, mut tx: Sender<String>) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        // Echo until "bye", then hand the rest of the stream to one reader task.
        loop {
            let Some(line) = rx.message().await? else {
                return Ok(tx.finish());
            };
            if line == "bye" {
                let rest = tokio::spawn(async move {
                    let mut count = 0;
                    while rx.message().await?.is_some() {
                        count += 1;
                    }
                    Ok::<_, Status>(count)
                });
                let _count = rest.await.map_err(|err| Status::internal(err.to_string()))??;
                break;
            }
            tx.send(line).await?;
        }
        Ok(tx.finish())
    }
}

type Client = GreetingServiceClient<Channel>;

// A task on one branch or the other, never both.
#[tonic_session::client]
async fn one_task_per_branch(mut client: Client, upload: bool) -> Result<usize, Status> {
    let (mut tx, mut rx) = client.hello_bi_streams(..).await?;
    let sending = if upload {
        tokio::spawn(async move {
            tx.send(HelloRequest::default()).await?;
            Ok::<_, Status>(tx.finish())
        })
    } else {
        tokio::spawn(async move { Ok::<_, Status>(tx.finish()) })
    };
    let mut replies: Vec<HelloResponse> = Vec::new();
    while let Some(reply) = rx.message().await? {
        replies.push(reply);
    }
    let _half_closed = sending.await.map_err(|err| Status::internal(err.to_string()))??;
    Ok(replies.len())
}

// Halves collected into a `JoinSet`: every task observed.
#[tonic_session::client]
async fn many_calls(mut client: Client) -> Result<(), Status> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let mut rx = client.hello_server_stream(HelloRequest::default()).await?;
        tasks.spawn(async move {
            while rx.message().await?.is_some() {}
            Ok::<_, Status>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|err| Status::internal(err.to_string()))??;
    }
    Ok(())
}

fn main() {
    let _ = (one_task_per_branch, many_calls);
}
