//! The soak's client: plays one session's plan with the session client halves
//! (`tonic_session::client`) and reports what it saw.

use std::time::Duration;

use tonic::metadata::MetadataValue;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};
use tonic_session::client;

use super::plan::{Fault, Kind, Plan};
use super::proxy::{Cut, Proxy};
use crate::soak_pb::soak_client::SoakClient;
use crate::soak_pb::{Item, Order};

/// The deadline of a session whose handler stalls: short, since every batch waits
/// for its slowest session, yet long enough that most calls reach their handler
/// on a loaded 2-core machine.
pub const DEADLINE: Duration = Duration::from_millis(250);

/// How a call ended for the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// Status OK.
    Ok,
    /// An error status.
    Failed { code: Code, message: String },
    /// The client left on purpose (cancelled, or dropped the call).
    Left,
}

/// What the client saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// Messages received, all in order (downloads and chats).
    pub received: u32,
    /// The first message out of order, if any.
    pub out_of_order: Option<String>,
    /// The upload's reply: how many messages the server counted.
    pub reply: Option<u32>,
    pub end: End,
}

impl Seen {
    fn new() -> Seen {
        Seen {
            received: 0,
            out_of_order: None,
            reply: None,
            end: End::Left,
        }
    }

    fn receive(&mut self, item: &Item) {
        if item.seq != self.received && self.out_of_order.is_none() {
            self.out_of_order = Some(format!("expected #{}, got #{}", self.received, item.seq));
        }
        self.received += 1;
    }

    fn ended<T>(mut self, end: Result<T, Status>) -> Seen {
        self.end = match end {
            Ok(_) => End::Ok,
            Err(status) => End::Failed {
                code: status.code(),
                message: status.message().to_owned(),
            },
        };
        self
    }

    fn left(mut self) -> Seen {
        self.end = End::Left;
        self
    }
}

/// Plays `plan` over `channel`; `proxy` is the connection to cut, for that fault.
pub async fn play(plan: Plan, channel: Channel, proxy: Option<&Proxy>) -> Seen {
    let client = SoakClient::new(channel);
    match plan.kind {
        Kind::Download => download(plan, client, proxy).await,
        Kind::Upload => upload(plan, client, proxy).await,
        Kind::Chat => chat(plan, client, proxy).await,
    }
}

/// Puts the session id, the server's script and the deadline on the request.
fn decorate<T>(request: &mut Request<T>, plan: Plan) {
    let metadata = request.metadata_mut();
    metadata.insert("x-soak-id", MetadataValue::from(plan.id));
    if let Some(script) = plan.fault.server_header()
        && let Ok(value) = script.parse()
    {
        metadata.insert("x-soak-fault", value);
    }
    if let Fault::DeadlineExpires { .. } = plan.fault {
        request.set_timeout(DEADLINE);
    }
}

fn cut(proxy: Option<&Proxy>, how: Cut) {
    if let Some(proxy) = proxy {
        proxy.cut(how);
    }
}

async fn download(plan: Plan, mut client: SoakClient<Channel>, proxy: Option<&Proxy>) -> Seen {
    let seen = Seen::new();
    // A client fault needs a stream that cannot end before the client acts.
    let mut request = Request::new(Order {
        count: plan.count,
        forever: plan.fault.by_client(),
    });
    decorate(&mut request, plan);
    let call = |request| async move { client.download(request).await };
    let mut rx = match client::server_streaming(request, call).await {
        Ok(rx) => rx,
        Err(status) => return seen.ended::<()>(Err(status)),
    };
    let mut seen = seen;
    loop {
        if plan.fault.client_after() == Some(seen.received) {
            match plan.fault {
                Fault::ClientCancels { .. } => {
                    let _cancelled = rx.cancel();
                    return seen.left();
                }
                Fault::ClientDropsCall { .. } => {
                    drop(rx);
                    return seen.left();
                }
                // Then read on: what was in flight may still come, then an error.
                Fault::ConnectionCut { how, .. } => cut(proxy, how),
                _ => {}
            }
        }
        match rx.message().await {
            Ok(Some(item)) => seen.receive(&item),
            Ok(None) => return seen.ended(Ok(())),
            Err(status) => return seen.ended::<()>(Err(status)),
        }
    }
}

async fn upload(plan: Plan, client: SoakClient<Channel>, proxy: Option<&Proxy>) -> Seen {
    let seen = Seen::new();
    let mut request = Request::new(());
    decorate(&mut request, plan);
    let start = move |request| {
        let mut client = client;
        async move { client.upload(request).await }
    };
    let mut upload = match client::client_streaming(request, start).await {
        Ok(upload) => upload,
        Err(status) => return seen.ended::<()>(Err(status)),
    };
    for seq in 0..plan.count {
        if plan.fault.client_after() == Some(seq) {
            match plan.fault {
                Fault::ClientCancels { .. } => {
                    let _cancelled = upload.cancel();
                    return seen.left();
                }
                // The upload is the call's sending half.
                Fault::ClientDropsCall { .. } | Fault::ClientDropsSender { .. } => {
                    drop(upload);
                    return seen.left();
                }
                Fault::ConnectionCut { how, .. } => cut(proxy, how),
                _ => {}
            }
        }
        if upload.send(Item { seq }).await.is_err() {
            // The call is over; `finish` says how.
            break;
        }
    }
    match upload.finish().await {
        Ok(reply) => {
            let mut seen = seen;
            seen.reply = Some(reply.into_inner().count);
            seen.ended(Ok(()))
        }
        Err(status) => seen.ended::<()>(Err(status)),
    }
}

async fn chat(plan: Plan, client: SoakClient<Channel>, proxy: Option<&Proxy>) -> Seen {
    let mut seen = Seen::new();
    let mut request = Request::new(());
    decorate(&mut request, plan);
    let start = move |request| {
        let mut client = client;
        async move { client.chat(request).await }
    };
    let (mut tx, mut rx) = match client::bidi(request, start).await {
        Ok(halves) => halves,
        Err(status) => return seen.ended::<()>(Err(status)),
    };
    for seq in 0..plan.count {
        if plan.fault.client_after() == Some(seq) {
            match plan.fault {
                Fault::ClientCancels { .. } => {
                    let _cancelled = tx.cancel();
                    let _cancelled = rx.cancel();
                    return seen.left();
                }
                Fault::ClientDropsCall { .. } => {
                    drop(tx);
                    drop(rx);
                    return seen.left();
                }
                Fault::ClientDropsSender { .. } => {
                    drop(tx);
                    return seen.ended(rx.finish().await);
                }
                Fault::ConnectionCut { how, .. } => cut(proxy, how),
                _ => {}
            }
        }
        if tx.send(Item { seq }).await.is_err() {
            // The call is over: half-close (a drop would cancel) and read the status.
            let _half_closed = tx.finish();
            return seen.ended(rx.finish().await);
        }
        match rx.message().await {
            Ok(Some(item)) => seen.receive(&item),
            Ok(None) => {
                let _half_closed = tx.finish();
                return seen.ended(Ok(()));
            }
            Err(status) => {
                let _half_closed = tx.finish();
                return seen.ended::<()>(Err(status));
            }
        }
    }
    let _half_closed = tx.finish();
    seen.ended(rx.finish().await)
}
