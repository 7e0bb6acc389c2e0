//! Clean: helpers that take session halves (they are checked where they are made).
use tonic::Status;
use tonic_session::client::{Receiver, Sender};

pub async fn pump(tx: &mut Sender<Point>, points: &[Point]) -> Result<(), Status> {
    for point in points {
        tx.send(point.clone()).await?;
    }
    Ok(())
}

pub async fn count(rx: &mut Receiver<Feature>) -> Result<usize, Status> {
    let mut count = 0;
    while rx.message().await?.is_some() {
        count += 1;
    }
    Ok(count)
}
