//! Running the interop server and the client's cases, for the binaries and the
//! tests.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Endpoint, Server};
use tonic_session::server::SessionLayer;

use crate::cases::{CASES, Case, TONIC_GAPS};
use crate::echo_metadata::EchoMetadataLayer;

/// Serves the interop service on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    Server::builder()
        .layer(SessionLayer::new())
        .layer(EchoMetadataLayer)
        .add_routes(crate::server::routes())
        .serve_with_incoming_shutdown(
            TcpIncoming::from(listener).with_nodelay(Some(true)),
            shutdown,
        )
        .await
}

/// The cases `name` selects: one by its name, or `all`.
pub fn select(name: &str) -> Result<Vec<&'static Case>, String> {
    if name == "all" {
        return Ok(CASES.iter().collect());
    }
    let case = CASES.iter().find(|case| case.name == name);
    case.map(|case| vec![case]).ok_or_else(|| {
        let names: Vec<&str> = CASES.iter().map(|case| case.name).collect();
        format!("no test case `{name}`; known: all, {}", names.join(", "))
    })
}

/// A channel to the server at `addr`.
pub async fn connect(addr: SocketAddr) -> Result<Channel, tonic::transport::Error> {
    Endpoint::from_shared(format!("http://{addr}"))?
        .connect()
        .await
}

/// Runs `cases` against `channel`; one line per case (`name: ok`, with the tonic
/// gap it has if any, or `name: FAILED: why`); whether all passed.
pub async fn run_cases(cases: &[&Case], channel: &Channel, mut line: impl FnMut(String)) -> bool {
    let mut passed = true;
    for case in cases {
        match case.run(channel.clone()).await {
            Ok(()) => {
                let gap = TONIC_GAPS.iter().find(|(name, _)| *name == case.name);
                match gap {
                    Some((_, gap)) => line(format!("{}: ok (not checked: {gap})", case.name)),
                    None => line(format!("{}: ok", case.name)),
                }
            }
            Err(why) => {
                passed = false;
                line(format!("{}: FAILED: {why}", case.name));
            }
        }
    }
    passed
}
