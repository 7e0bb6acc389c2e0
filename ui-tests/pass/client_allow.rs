//! Exceptions with their reasons: on a `let`, on a function, on a method.
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

type Client = GreetingServiceClient<Channel>;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn first_reply(mut client: Client) -> Result<Option<String>, Status> {
    #[tonic_session::allow(undrained_receiver, reason = "only the first greeting matters; the drop cancels the call")]
    let mut rx = client.hello_server_stream(hello("ferris")).await?;
    Ok(rx.message().await?.map(|reply| reply.message))
}

#[tonic_session::client]
#[tonic_session::allow(unfinished_sender, undrained_receiver, reason = "a probe: the drop resets the call on purpose")]
async fn probe(mut client: Client) -> Result<(), Status> {
    let (mut tx, _rx) = client.hello_bi_streams(..).await?;
    tx.send(hello("ping")).await?;
    Ok(())
}

struct Greeter {
    client: Client,
}

#[tonic_session::client]
impl Greeter {
    #[tonic_session::allow(unfinished_sender, reason = "the upload is abandoned when the caller has nothing to send")]
    async fn maybe_upload(&mut self, names: Vec<String>) -> Result<Option<String>, Status> {
        let mut upload = self.client.hello_client_stream(..).await?;
        if names.is_empty() {
            return Ok(None);
        }
        for name in &names {
            upload.send(hello(name)).await?;
        }
        Ok(Some(upload.finish().await?.into_inner().message))
    }
}

fn main() {
    let _ = (first_reply, probe, Greeter::maybe_upload);
}
