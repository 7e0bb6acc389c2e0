//! The two sides of the big service (`big_service`): the impl and the client
//! functions, with tonic-session and with raw tonic, generated method by method
//! from one template per kind and side.
//!
//! In a template, `__m__` is the method's Rust name (`down3`), `__M__` its proto
//! name (`Down3`, which names the raw stream type) and `__i__` its number.

use crate::big_service::Kind;

const SESSION_HEADER: &str = "//! Generated: a big service with tonic-session.\n\
use tonic::transport::Channel;\n\
use tonic::{Request, Response, Status};\n\
use tonic_session::server::{Finished, Receiver, Sender};\n\n\
use crate::pb::big_client::BigClient;\n\
use crate::pb::big_server::Big;\n\
use crate::pb::{Item, Summary};\n\n\
#[derive(Clone, Debug, Default)]\npub struct Service;\n\n\
#[tonic_session::service]\nimpl Big for Service {\n";

const SESSION_DOWN: &str = r#"    async fn __m__(&self, request: Request<Item>, mut tx: Sender<Item>) -> Result<Finished, Status> {
        let item = request.into_inner();
        if item.n < 0 {
            return Err(Status::invalid_argument("n must not be negative"));
        }
        for k in 0..item.n {
            let text = match k % 3 {
                0 => "fizz".to_owned(),
                1 => item.text.clone(),
                _ => format!("{k}"),
            };
            tx.send(Item { n: k + __i__, text }).await?;
        }
        Ok(tx.finish())
    }
"#;

const SESSION_UP: &str = r#"    async fn __m__(&self, request: Request<Receiver<Item>>) -> Result<Response<Summary>, Status> {
        let mut rx = request.into_inner();
        let mut summary = Summary::default();
        while let Some(item) = rx.message().await? {
            summary.count += 1;
            summary.total += item.n + __i__;
        }
        Ok(Response::new(summary))
    }
"#;

const SESSION_CHAT: &str = r#"    async fn __m__(&self, request: Request<Receiver<Item>>, mut tx: Sender<Item>) -> Result<Finished, Status> {
        let mut rx = request.into_inner();
        loop {
            match rx.message().await? {
                Some(item) if item.n % 2 == 0 => tx.send(Item { n: item.n + __i__, text: item.text }).await?,
                Some(_) => continue,
                None => break,
            }
        }
        Ok(tx.finish())
    }
"#;

const SESSION_CALL_DOWN: &str = r#"#[tonic_session::client]
pub async fn call___m__(client: &mut BigClient<Channel>, n: i64) -> Result<i64, Status> {
    let mut rx = client.__m__(Item { n, text: "down".into() }).await?;
    let mut total = 0;
    while let Some(item) = rx.message().await? {
        if item.text.is_empty() {
            continue;
        }
        total += item.n;
    }
    Ok(total)
}
"#;

const SESSION_CALL_UP: &str = r#"#[tonic_session::client]
pub async fn call___m__(client: &mut BigClient<Channel>, items: Vec<Item>) -> Result<Summary, Status> {
    let mut upload = client.__m__(..).await?;
    for item in items {
        if item.n < 0 {
            let _cancelled = upload.cancel();
            return Err(Status::invalid_argument("n must not be negative"));
        }
        upload.send(item).await?;
    }
    Ok(upload.finish().await?.into_inner())
}
"#;

const SESSION_CALL_CHAT: &str = r#"#[tonic_session::client]
pub async fn call___m__(client: &mut BigClient<Channel>, n: i64) -> Result<Vec<i64>, Status> {
    let (mut tx, mut rx) = client.__m__(..).await?;
    let sending = tokio::spawn(async move {
        for k in 0..n {
            tx.send(Item { n: k, text: String::new() }).await?;
        }
        Ok::<_, Status>(tx.finish())
    });
    let mut seen = Vec::new();
    loop {
        match rx.message().await? {
            Some(item) => seen.push(item.n),
            None => break,
        }
    }
    let _half_closed = sending.await.map_err(|e| Status::internal(e.to_string()))??;
    Ok(seen)
}
"#;

const RAW_HEADER: &str = "//! Generated: a big service with raw tonic.\n\
use tokio::sync::mpsc;\n\
use tokio_stream::wrappers::ReceiverStream;\n\
use tonic::transport::Channel;\n\
use tonic::{Request, Response, Status, Streaming};\n\n\
use crate::pb::big_client::BigClient;\n\
use crate::pb::big_server::Big;\n\
use crate::pb::{Item, Summary};\n\n\
#[derive(Clone, Debug, Default)]\npub struct Service;\n\n\
#[tonic::async_trait]\nimpl Big for Service {\n";

const RAW_DOWN: &str = r#"    type __M__Stream = ReceiverStream<Result<Item, Status>>;

    async fn __m__(&self, request: Request<Item>) -> Result<Response<Self::__M__Stream>, Status> {
        let item = request.into_inner();
        if item.n < 0 {
            return Err(Status::invalid_argument("n must not be negative"));
        }
        let (tx, rx) = mpsc::channel(128);
        tokio::spawn(async move {
            for k in 0..item.n {
                let text = match k % 3 {
                    0 => "fizz".to_owned(),
                    1 => item.text.clone(),
                    _ => format!("{k}"),
                };
                if tx.send(Ok(Item { n: k + __i__, text })).await.is_err() {
                    return;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
"#;

const RAW_UP: &str = r#"    async fn __m__(&self, request: Request<Streaming<Item>>) -> Result<Response<Summary>, Status> {
        let mut stream = request.into_inner();
        let mut summary = Summary::default();
        while let Some(item) = stream.message().await? {
            summary.count += 1;
            summary.total += item.n + __i__;
        }
        Ok(Response::new(summary))
    }
"#;

const RAW_CHAT: &str = r#"    type __M__Stream = ReceiverStream<Result<Item, Status>>;

    async fn __m__(&self, request: Request<Streaming<Item>>) -> Result<Response<Self::__M__Stream>, Status> {
        let mut stream = request.into_inner();
        let (tx, rx) = mpsc::channel(128);
        tokio::spawn(async move {
            loop {
                let reply = match stream.message().await {
                    Ok(Some(item)) if item.n % 2 == 0 => Ok(Item { n: item.n + __i__, text: item.text }),
                    Ok(Some(_)) => continue,
                    Ok(None) => break,
                    Err(status) => Err(status),
                };
                let failed = reply.is_err();
                if tx.send(reply).await.is_err() || failed {
                    break;
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
"#;

const RAW_CALL_DOWN: &str = r#"pub async fn call___m__(client: &mut BigClient<Channel>, n: i64) -> Result<i64, Status> {
    let mut stream = client.__m__(Item { n, text: "down".into() }).await?.into_inner();
    let mut total = 0;
    while let Some(item) = stream.message().await? {
        if item.text.is_empty() {
            continue;
        }
        total += item.n;
    }
    Ok(total)
}
"#;

const RAW_CALL_UP: &str = r#"pub async fn call___m__(client: &mut BigClient<Channel>, items: Vec<Item>) -> Result<Summary, Status> {
    if items.iter().any(|item| item.n < 0) {
        return Err(Status::invalid_argument("n must not be negative"));
    }
    let (tx, rx) = mpsc::channel(16);
    let sending = tokio::spawn(async move {
        for item in items {
            if tx.send(item).await.is_err() {
                break;
            }
        }
    });
    let summary = client.__m__(ReceiverStream::new(rx)).await?.into_inner();
    sending.await.map_err(|e| Status::internal(e.to_string()))?;
    Ok(summary)
}
"#;

const RAW_CALL_CHAT: &str = r#"pub async fn call___m__(client: &mut BigClient<Channel>, n: i64) -> Result<Vec<i64>, Status> {
    let (tx, rx) = mpsc::channel(16);
    let sending = tokio::spawn(async move {
        for k in 0..n {
            if tx.send(Item { n: k, text: String::new() }).await.is_err() {
                break;
            }
        }
    });
    let mut stream = client.__m__(ReceiverStream::new(rx)).await?.into_inner();
    let mut seen = Vec::new();
    loop {
        match stream.message().await? {
            Some(item) => seen.push(item.n),
            None => break,
        }
    }
    sending.await.map_err(|e| Status::internal(e.to_string()))?;
    Ok(seen)
}
"#;

/// The templates of one side: (handler, client function) per kind.
type Templates = [(&'static str, &'static str); 3];

const SESSION: Templates = [
    (SESSION_DOWN, SESSION_CALL_DOWN),
    (SESSION_UP, SESSION_CALL_UP),
    (SESSION_CHAT, SESSION_CALL_CHAT),
];

const RAW: Templates = [
    (RAW_DOWN, RAW_CALL_DOWN),
    (RAW_UP, RAW_CALL_UP),
    (RAW_CHAT, RAW_CALL_CHAT),
];

/// The session side's module for `methods` methods.
pub fn session(methods: usize) -> String {
    module(SESSION_HEADER, &SESSION, methods)
}

/// The raw side's module for `methods` methods.
pub fn raw(methods: usize) -> String {
    module(RAW_HEADER, &RAW, methods)
}

/// `header`, every handler, the impl's end, then every client function.
fn module(header: &str, templates: &Templates, methods: usize) -> String {
    let fill = |template: &str, i: usize| {
        let (proto_name, rust_name) = Kind::of(i).names(i);
        template
            .replace("__m__", &rust_name)
            .replace("__M__", &proto_name)
            .replace("__i__", &i.to_string())
    };
    let mut text = String::from(header);
    for i in 0..methods {
        text.push_str(&fill(templates[Kind::of(i) as usize].0, i));
    }
    text.push_str("}\n");
    for i in 0..methods {
        text.push('\n');
        text.push_str(&fill(templates[Kind::of(i) as usize].1, i));
    }
    text
}
