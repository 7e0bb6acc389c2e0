//! `..` stands for a request stream: a unary method has none. (The second error
//! follows from the first: the call is still typed as an upload, left unfinished.)
use tonic::Status;
use tonic::transport::Channel;
use tonic_session_examples::pb::HelloRequest;
use tonic_session_examples::pb::greeting_service_client::GreetingServiceClient;

fn hello(name: &str) -> HelloRequest {
    HelloRequest { name: name.to_owned() }
}

#[tonic_session::client]
async fn wrong(mut client: GreetingServiceClient<Channel>) -> Result<(), Status> {
    let _reply = client.hello(..).await?;
    Ok(())
}

fn main() {}
