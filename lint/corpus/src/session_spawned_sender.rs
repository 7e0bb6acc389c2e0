//! Clean: a session client whose sending half goes to a task it awaits.
use tonic::transport::Channel;
use tonic::Status;

#[tonic_session::client]
pub async fn chat(mut client: RouteGuideClient<Channel>, notes: Vec<RouteNote>) -> Result<usize, Status> {
    let (mut tx, mut rx) = client.route_chat(..).await?;
    let sender = tokio::spawn(async move {
        for note in notes {
            tx.send(note).await?;
        }
        let _half_closed = tx.finish();
        Ok::<(), Status>(())
    });
    let mut heard = 0;
    while rx.message().await?.is_some() {
        heard += 1;
    }
    sender.await.map_err(|err| Status::internal(err.to_string()))??;
    Ok(heard)
}
