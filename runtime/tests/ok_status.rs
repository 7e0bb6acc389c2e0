//! A handler that returns status OK as its error: the stream's trailers after its
//! sender finished, an error when it did not (an abandoned stream never ends OK).

use std::future::poll_fn;
use std::pin::Pin;

use futures_core::Stream;
use tonic::metadata::MetadataMap;
use tonic::{Code, Status};
use tonic_session::server::{ResponseStream, Sender};

/// What the client would read: the messages, then the status the stream ends with
/// (`None`: a clean end, OK without metadata).
async fn read_all(mut stream: ResponseStream<u32>) -> (Vec<u32>, Option<Status>) {
    let mut messages = Vec::new();
    loop {
        match poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            Some(Ok(message)) => messages.push(message),
            Some(Err(status)) => return (messages, Some(status)),
            None => return (messages, None),
        }
    }
}

fn ok_with_trailers() -> Status {
    let mut trailers = MetadataMap::new();
    trailers.insert("x-total", "1".parse().expect("ascii"));
    Status::with_metadata(Code::Ok, "", trailers)
}

#[tokio::test]
async fn an_ok_status_without_a_finish_is_an_error() {
    let response = tonic_session::__private::server_streaming(
        tonic::Request::new(()),
        |_request, mut tx: Sender<u32>| async move {
            tx.send(1).await?;
            // Returns as if all went well, and drops the sender unfinished.
            Err(ok_with_trailers())
        },
    )
    .await
    .expect("headers");
    let (messages, end) = read_all(response.into_inner()).await;
    assert_eq!(messages, [1]);
    let end = end.expect("an error status");
    assert_eq!(end.code(), Code::Internal, "{end:?}");
}

#[tokio::test]
async fn an_ok_status_after_a_finish_carries_the_trailers() {
    let response = tonic_session::__private::server_streaming(
        tonic::Request::new(()),
        |_request, mut tx: Sender<u32>| async move {
            tx.send(1).await?;
            let _finished = tx.finish();
            Err(ok_with_trailers())
        },
    )
    .await
    .expect("headers");
    let (messages, end) = read_all(response.into_inner()).await;
    assert_eq!(messages, [1]);
    let end = end.expect("the trailers");
    assert_eq!(end.code(), Code::Ok);
    assert_eq!(end.metadata().get("x-total").expect("kept"), "1");
}

#[tokio::test]
async fn a_finish_with_trailers_ends_ok_with_them() {
    let response = tonic_session::__private::server_streaming(
        tonic::Request::new(()),
        |_request, mut tx: Sender<u32>| async move {
            tx.send(1).await?;
            let mut trailers = MetadataMap::new();
            trailers.insert("x-total", "1".parse().expect("ascii"));
            Ok(tx.finish_with_trailers(trailers))
        },
    )
    .await
    .expect("headers");
    let (messages, end) = read_all(response.into_inner()).await;
    assert_eq!(messages, [1]);
    let end = end.expect("the trailers, as an OK status");
    assert_eq!(end.code(), Code::Ok);
    assert_eq!(end.metadata().get("x-total").expect("kept"), "1");
}

#[tokio::test]
async fn an_ok_status_before_any_message_without_a_finish_fails_the_call() {
    let opened = tonic_session::__private::server_streaming(
        tonic::Request::new(()),
        |_request, _tx: Sender<u32>| async move { Err(ok_with_trailers()) },
    )
    .await;
    let status = opened.expect_err("the call's status");
    assert_eq!(status.code(), Code::Internal, "{status:?}");
}
