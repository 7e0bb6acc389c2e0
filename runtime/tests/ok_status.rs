//! A handler's OK status: as the handler's error, the stream's trailers after its
//! sender finished and an error when it did not (an abandoned stream never ends
//! OK); through `finish_with_trailers`, the trailers of a clean end.

use std::future::{Future, poll_fn};
use std::pin::Pin;

use futures_core::Stream;
use tonic::metadata::MetadataMap;
use tonic::{Code, Status};
use tonic_session::server::{Finished, Sender};

/// Runs `handler` as a server-streaming body and reads what the client would: the
/// messages, then the status the stream ends with (`None`: a clean end, OK without
/// metadata).
async fn run<F, Fut>(handler: F) -> (Vec<u32>, Option<Status>)
where
    F: FnOnce(Sender<u32>) -> Fut,
    Fut: Future<Output = Result<Finished, Status>> + Send + 'static,
{
    let opened = tonic_session::__private::server_streaming(
        tonic_session::__private::as_layered(tonic::Request::new(())),
        |_request, tx: Sender<u32>| handler(tx),
    )
    .await;
    let mut stream = opened.expect("headers").into_inner();
    let mut messages = Vec::new();
    loop {
        match poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            Some(Ok(message)) => messages.push(message),
            Some(Err(status)) => return (messages, Some(status)),
            None => return (messages, None),
        }
    }
}

fn trailers() -> MetadataMap {
    let mut trailers = MetadataMap::new();
    trailers.insert("x-total", "1".parse().expect("ascii"));
    trailers
}

fn ok_with_trailers() -> Status {
    Status::with_metadata(Code::Ok, "", trailers())
}

fn assert_ok_with_trailers(end: Option<Status>) {
    let end = end.expect("the trailers, as an OK status");
    assert_eq!(end.code(), Code::Ok);
    assert_eq!(end.metadata().get("x-total").expect("kept"), "1");
}

#[tokio::test]
async fn an_ok_status_without_a_finish_is_an_error() {
    let (messages, end) = run(|mut tx| async move {
        tx.send(1).await?;
        // Returns as if all went well, and drops the sender unfinished.
        Err(ok_with_trailers())
    })
    .await;
    assert_eq!(messages, [1]);
    let end = end.expect("an error status");
    assert_eq!(end.code(), Code::Internal, "{end:?}");
}

#[tokio::test]
async fn an_ok_status_after_a_finish_carries_the_trailers() {
    let (messages, end) = run(|mut tx| async move {
        tx.send(1).await?;
        let _finished = tx.finish();
        Err(ok_with_trailers())
    })
    .await;
    assert_eq!(messages, [1]);
    assert_ok_with_trailers(end);
}

#[tokio::test]
async fn a_finish_with_trailers_ends_ok_with_them() {
    let (messages, end) = run(|mut tx| async move {
        tx.send(1).await?;
        Ok(tx.finish_with_trailers(trailers()))
    })
    .await;
    assert_eq!(messages, [1]);
    assert_ok_with_trailers(end);
}

#[tokio::test]
async fn an_ok_status_before_any_message_without_a_finish_fails_the_call() {
    let opened = tonic_session::__private::server_streaming(
        tonic_session::__private::as_layered(tonic::Request::new(())),
        |_request, _tx: Sender<u32>| async move { Err(ok_with_trailers()) },
    )
    .await;
    let status = opened.expect_err("the call's status");
    assert_eq!(status.code(), Code::Internal, "{status:?}");
}
