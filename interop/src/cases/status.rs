//! The status cases: a status the server is asked to end with, and calls nobody
//! implements.

use tonic::transport::Channel;
use tonic::{Code, Status};

use super::{Outcome, check, client, failed};
use crate::pb::unimplemented_service_client::UnimplementedServiceClient;
use crate::pb::{EchoStatus, Empty, SimpleRequest, StreamingOutputCallRequest};

/// The message of `special_status_message`: whitespace and Unicode, BMP and not.
const SPECIAL: &str =
    "\t\ntest with whitespace\r\nand Unicode BMP \u{263A} and non-BMP \u{1F608}\t\n";

fn check_status(got: Result<(), Status>, code: Code, message: &str, what: &str) -> Outcome {
    match got {
        Err(status) if status.code() == code && status.message() == message => Ok(()),
        Err(status) => Err(format!(
            "{what}: {}, expected {code:?}: {message:?}",
            failed(status)
        )),
        Ok(()) => Err(format!("{what}: OK, expected {code:?}")),
    }
}

#[tonic_session::client]
async fn both_ways(channel: Channel, status: EchoStatus) -> Outcome {
    let code = Code::from_i32(status.code);
    let message = status.message.clone();
    let request = SimpleRequest {
        response_status: Some(status.clone()),
        ..SimpleRequest::default()
    };
    let mut test = client(channel);
    let unary = test.unary_call(request).await.map(drop);
    check_status(unary, code, &message, "UnaryCall")?;
    let (mut tx, rx) = test.full_duplex_call(..).await.map_err(failed)?;
    let sent = tx
        .send(StreamingOutputCallRequest {
            response_status: Some(status),
            ..StreamingOutputCallRequest::default()
        })
        .await;
    let _half_closed = tx.finish();
    let ended = rx.finish().await.map(drop);
    check(sent.is_ok() || ended.is_err(), || {
        "a send failed, yet the call ended OK".into()
    })?;
    check_status(ended, code, &message, "FullDuplexCall")
}

pub async fn status_code_and_message(channel: Channel) -> Outcome {
    let status = EchoStatus {
        code: 2,
        message: "test status message".into(),
    };
    both_ways(channel, status).await
}

pub async fn special_status_message(channel: Channel) -> Outcome {
    let status = EchoStatus {
        code: 2,
        message: SPECIAL.into(),
    };
    let request = SimpleRequest {
        response_status: Some(status),
        ..SimpleRequest::default()
    };
    let unary = client(channel).unary_call(request).await.map(drop);
    check_status(unary, Code::Unknown, SPECIAL, "UnaryCall")
}

pub async fn unimplemented_method(channel: Channel) -> Outcome {
    match client(channel).unimplemented_call(Empty {}).await {
        Err(status) if status.code() == Code::Unimplemented => Ok(()),
        Err(status) => Err(failed(status)),
        Ok(_) => Err("OK from UnimplementedCall".into()),
    }
}

pub async fn unimplemented_service(channel: Channel) -> Outcome {
    match UnimplementedServiceClient::new(channel)
        .unimplemented_call(Empty {})
        .await
    {
        Err(status) if status.code() == Code::Unimplemented => Ok(()),
        Err(status) => Err(failed(status)),
        Ok(_) => Err("OK from UnimplementedService".into()),
    }
}
