//! The other ways to write a session service, served over loopback: handlers taking
//! `self: Arc<Self>` (tonic-build's `use_arc_self(true)`), and `#[tonic::async_trait]`
//! written above the session attribute.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use tonic::service::Routes;
use tonic::{Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};
use tonic_session_examples::pb;
use tonic_session_examples::pb_arc_self;
use tonic_session_tests::loopback::Loopback;

/// Not `Clone`: every call shares the one counter through the `Arc`.
struct Counting {
    calls: AtomicU32,
}

fn reply(message: String) -> pb_arc_self::HelloResponse {
    pb_arc_self::HelloResponse { message }
}

#[tonic_session::service]
impl pb_arc_self::greeting_service_server::GreetingService for Counting {
    async fn hello(
        self: Arc<Self>,
        request: Request<pb_arc_self::HelloRequest>,
    ) -> Result<Response<pb_arc_self::HelloResponse>, Status> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(Response::new(reply(format!(
            "{} {call}",
            request.into_inner().name
        ))))
    }

    async fn hello_server_stream(
        self: Arc<Self>,
        request: Request<pb_arc_self::HelloRequest>,
        mut tx: Sender<pb_arc_self::HelloResponse>,
    ) -> Result<Finished, Status> {
        let name = request.into_inner().name;
        for _ in 0..3 {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            tx.send(reply(format!("{name} {call}"))).await?;
        }
        Ok(tx.finish())
    }

    async fn hello_client_stream(
        self: Arc<Self>,
        request: Request<Receiver<pb_arc_self::HelloRequest>>,
    ) -> Result<Response<pb_arc_self::HelloResponse>, Status> {
        let mut rx = request.into_inner();
        let mut names = Vec::new();
        while let Some(request) = rx.message().await? {
            names.push(request.name);
        }
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(Response::new(reply(format!("{} {call}", names.join("+")))))
    }

    async fn hello_bi_streams(
        self: Arc<Self>,
        request: Request<Receiver<pb_arc_self::HelloRequest>>,
        mut tx: Sender<pb_arc_self::HelloResponse>,
    ) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        while let Some(request) = rx.message().await? {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            tx.send(reply(format!("{} {call}", request.name))).await?;
        }
        Ok(tx.finish())
    }
}

#[tonic_session::allow(
    unannotated_client,
    reason = "raw tonic clients call the handlers under test"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arc_self_handlers_share_one_service() {
    use pb::greeting_service_client::GreetingServiceClient;
    let service = pb_arc_self::greeting_service_server::GreetingServiceServer::new(Counting {
        calls: AtomicU32::new(0),
    });
    let server = Loopback::start(Routes::new(service)).await;
    let mut client = GreetingServiceClient::new(server.channel().await);
    let hello = |name: &str| pb::HelloRequest { name: name.into() };

    let reply = client.hello(hello("a")).await.unwrap().into_inner().message;
    assert_eq!(reply, "a 0");

    let mut stream = client
        .hello_server_stream(hello("s"))
        .await
        .unwrap()
        .into_inner();
    let mut replies = Vec::new();
    while let Some(reply) = stream.message().await.unwrap() {
        replies.push(reply.message);
    }
    assert_eq!(replies, ["s 1", "s 2", "s 3"]);

    let names = tokio_stream::iter(["x", "y"].map(hello));
    let reply = client
        .hello_client_stream(names)
        .await
        .unwrap()
        .into_inner()
        .message;
    assert_eq!(reply, "x+y 4");

    let names = tokio_stream::iter(["p", "q"].map(hello));
    let mut stream = client.hello_bi_streams(names).await.unwrap().into_inner();
    let mut replies = Vec::new();
    while let Some(reply) = stream.message().await.unwrap() {
        replies.push(reply.message);
    }
    assert_eq!(replies, ["p 5", "q 6"]);
}

#[derive(Clone)]
struct Outer;

#[tonic::async_trait]
#[tonic_session::service]
impl pb::greeting_service_server::GreetingService for Outer {
    async fn hello(
        &self,
        request: Request<pb::HelloRequest>,
    ) -> Result<Response<pb::HelloResponse>, Status> {
        Ok(Response::new(pb::HelloResponse {
            message: request.into_inner().name,
        }))
    }

    async fn hello_server_stream(
        &self,
        request: Request<pb::HelloRequest>,
        mut tx: Sender<pb::HelloResponse>,
    ) -> Result<Finished, Status> {
        let name = request.into_inner().name;
        for i in 0..2 {
            tx.send(pb::HelloResponse {
                message: format!("{name}{i}"),
            })
            .await?;
        }
        Ok(tx.finish())
    }

    async fn hello_client_stream(
        &self,
        request: Request<Receiver<pb::HelloRequest>>,
    ) -> Result<Response<pb::HelloResponse>, Status> {
        let mut rx = request.into_inner();
        let mut count = 0;
        while rx.message().await?.is_some() {
            count += 1;
        }
        Ok(Response::new(pb::HelloResponse {
            message: count.to_string(),
        }))
    }

    async fn hello_bi_streams(
        &self,
        request: Request<Receiver<pb::HelloRequest>>,
        mut tx: Sender<pb::HelloResponse>,
    ) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        while let Some(request) = rx.message().await? {
            tx.send(pb::HelloResponse {
                message: request.name,
            })
            .await?;
        }
        Ok(tx.finish())
    }
}

#[tonic_session::allow(
    unannotated_client,
    reason = "raw tonic clients call the handlers under test"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_trait_above_the_attribute_serves_every_kind() {
    use pb::greeting_service_client::GreetingServiceClient;
    let service = pb::greeting_service_server::GreetingServiceServer::new(Outer);
    let server = Loopback::start(Routes::new(service)).await;
    let mut client = GreetingServiceClient::new(server.channel().await);
    let hello = |name: &str| pb::HelloRequest { name: name.into() };

    let mut stream = client
        .hello_server_stream(hello("n"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stream.message().await.unwrap().unwrap().message, "n0");
    assert_eq!(stream.message().await.unwrap().unwrap().message, "n1");
    assert!(stream.message().await.unwrap().is_none());

    let names = tokio_stream::iter(["x", "y", "z"].map(hello));
    let reply = client
        .hello_client_stream(names)
        .await
        .unwrap()
        .into_inner()
        .message;
    assert_eq!(reply, "3");

    let names = tokio_stream::iter(["p"].map(hello));
    let mut stream = client.hello_bi_streams(names).await.unwrap().into_inner();
    assert_eq!(stream.message().await.unwrap().unwrap().message, "p");
    assert!(stream.message().await.unwrap().is_none());
}
