//! Helpers that read a raw stream someone else opened.
use tonic::{Status, Streaming};

pub async fn count(mut stream: Streaming<Point>) -> Result<u32, Status> { //~ unannotated_client
    let mut count = 0;
    while let Some(_point) = stream.message().await? {
        count += 1;
    }
    Ok(count)
}

pub fn wrap(stream: Streaming<Point>) -> Wrapped<Streaming<Point>> { //~ unannotated_client
    Wrapped(stream)
}
