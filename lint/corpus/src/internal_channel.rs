//! Clean: an mpsc channel between two tasks of the process, not a gRPC stream;
//! its sends may be fire-and-forget.
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

pub async fn fan_in(sources: Vec<Source>) -> Vec<Item> {
    let (tx, rx) = mpsc::channel(16);
    for source in sources {
        let tx = tx.clone();
        tokio::spawn(async move {
            let _ = tx.send(source.read().await).await;
        });
    }
    drop(tx);
    ReceiverStream::new(rx).collect().await
}
