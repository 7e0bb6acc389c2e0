//! On an impl block: every method's streaming calls become sessions; a client
//! reached through `&mut self` works as tonic's own calls do.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

struct Greeter {
    client: GreetingServiceClient<Channel>,
}

#[tonic_session::client]
impl Greeter {
    async fn names(&mut self, names: &[&str]) -> Result<String, Status> {
        let mut upload = self.client.hello_client_stream(..).await?;
        for name in names {
            upload.send(hello(name)).await?;
        }
        Ok(upload.finish().await?.into_inner().message)
    }

    async fn greetings(&mut self, name: &str) -> Result<Vec<String>, Status> {
        let mut rx = self.client.hello_server_stream(hello(name)).await?;
        let mut all = Vec::new();
        while let Some(reply) = rx.message().await? {
            all.push(reply.message);
        }
        Ok(all)
    }
}

#[tonic_session::client]
async fn through_a_reference(client: &mut GreetingServiceClient<Channel>) -> Result<(), Status> {
    let (tx, rx) = client.hello_bi_streams(..).await?;
    let _cancelled = tx.cancel();
    let _cancelled = rx.cancel();
    Ok(())
}

fn main() {
    let _ = (Greeter::names, Greeter::greetings, through_a_reference);
}
