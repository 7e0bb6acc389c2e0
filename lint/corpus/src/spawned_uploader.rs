//! A client that uploads from a spawned task through a hand-built stream.
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::{Request, Status};

pub async fn record(mut client: RouteGuideClient<Channel>, points: Vec<Point>) -> Result<u32, Status> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move { //~ detached_half
        for point in points {
            tx.send(point).await.ok(); //~ ignored_send_error
        }
    });
    let summary = client
        .record_route(Request::new(ReceiverStream::new(rx))) //~ unannotated_client
        .await?;
    Ok(summary.into_inner().point_count)
}
