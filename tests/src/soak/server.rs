//! The soak's server: session handlers that play the fault their request names and
//! write down how each call ended for them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tonic::metadata::MetadataMap;
use tonic::service::Routes;
use tonic::{Code, Request, Response, Status};
use tonic_session::server::{Finished, Receiver, Sender};

use crate::soak_pb::soak_server::{Soak, SoakServer};
use crate::soak_pb::{Item, Order, Tally};

/// The payload of a planned panic; the soak's panic hook keeps it off stderr.
pub const PLANNED_PANIC: &str = "soak: planned panic";

/// How a call ended for its handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Served {
    /// The handler saw a clean end and returned `Ok` after `count` messages.
    Clean { count: u32 },
    /// The handler returned this error.
    Failed(Code),
    /// The handler body was dropped before it returned (the client left, or the
    /// deadline passed).
    Dropped,
    /// The handler panicked.
    Panicked,
}

/// What every handler wrote down, by session id.
#[derive(Clone, Debug, Default)]
pub struct Ledger(Arc<Mutex<HashMap<u64, Served>>>);

impl Ledger {
    fn record(&self, id: u64, served: Served) {
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // One handler per session: a second entry would be a bug of its own.
        if let Some(previous) = entries.insert(id, served.clone()) {
            entries.insert(id, Served::Failed(Code::DataLoss));
            eprintln!("soak: session #{id} served twice: {previous:?}, then {served:?}");
        }
    }

    /// Takes what session `id`'s handler wrote down, if it has.
    pub fn take(&self, id: u64) -> Option<Served> {
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.remove(&id)
    }
}

/// Writes the handler's end to the ledger when the handler is gone, however it went.
struct Report {
    ledger: Ledger,
    id: u64,
    served: Option<Served>,
}

impl Report {
    fn clean(&mut self, count: u32) {
        self.served = Some(Served::Clean { count });
    }

    fn failed(&mut self, status: Status) -> Status {
        self.served = Some(Served::Failed(status.code()));
        status
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        let served = match self.served.take() {
            Some(served) => served,
            None if std::thread::panicking() => Served::Panicked,
            None => Served::Dropped,
        };
        self.ledger.record(self.id, served);
    }
}

/// What the handler does when it reaches the message the fault names.
#[derive(Clone, Copy, Debug)]
enum Act {
    Stall,
    Error,
    Panic,
    DropSender,
}

/// The server side of a session's fault: the act, and the message it happens at.
#[derive(Clone, Copy, Debug)]
struct Script(Option<(Act, u32)>);

impl Script {
    /// Parses `x-soak-fault` (`stall@3`, `error@3`, `panic@3`, `drop-sender@3`).
    fn parse(metadata: &MetadataMap) -> Result<Script, Status> {
        let Some(value) = metadata.get("x-soak-fault") else {
            return Ok(Script(None));
        };
        let bad = || Status::invalid_argument(format!("bad x-soak-fault: {value:?}"));
        let (act, at) = value
            .to_str()
            .map_err(|_| bad())?
            .split_once('@')
            .ok_or_else(bad)?;
        let act = match act {
            "stall" => Act::Stall,
            "error" => Act::Error,
            "panic" => Act::Panic,
            "drop-sender" => Act::DropSender,
            _ => return Err(bad()),
        };
        Ok(Script(Some((act, at.parse().map_err(|_| bad())?))))
    }

    fn at(self, seq: u32) -> Option<Act> {
        self.0.filter(|&(_, at)| at == seq).map(|(act, _)| act)
    }
}

/// The status of a planned handler error.
pub fn planned_error(at: u32) -> Status {
    Status::aborted(format!("soak: planned error at #{at}"))
}

/// The status a handler returns after its worker dropped the sending half.
pub fn sender_dropped() -> Status {
    Status::unavailable("soak: the worker dropped its sender")
}

/// Plays the acts that need no sending half; returns the status to end with.
async fn play(act: Act, at: u32) -> Status {
    match act {
        // The deadline ends the call; the body is dropped here.
        Act::Stall => std::future::pending().await,
        Act::Error => planned_error(at),
        Act::Panic => std::panic::panic_any(PLANNED_PANIC),
        Act::DropSender => Status::internal("soak: no sending half to drop"),
    }
}

/// Hands the sending half to a worker that drops it unfinished; the status to end
/// with. Legal: a handler that returns an error need not finish, and the abandoned
/// stream ends with that error, never cleanly.
async fn abandon(tx: Sender<Item>) -> Status {
    let worker = tokio::spawn(async move {
        let _abandoned = tx;
    });
    let _ = worker.await;
    sender_dropped()
}

/// The soak service; clones share one ledger.
#[derive(Clone, Debug, Default)]
pub struct SoakService {
    ledger: Ledger,
}

impl SoakService {
    /// A service and the ledger its handlers write to.
    pub fn new() -> (SoakService, Ledger) {
        let service = SoakService::default();
        let ledger = service.ledger.clone();
        (service, ledger)
    }

    /// The service as a tonic router.
    pub fn routes(self) -> Routes {
        Routes::new(SoakServer::new(self))
    }

    /// Reads the session id and script; the report writes down the handler's end.
    fn open(&self, metadata: &MetadataMap) -> Result<(Report, Script), Status> {
        let id = metadata
            .get("x-soak-id")
            .and_then(|id| id.to_str().ok()?.parse().ok())
            .ok_or_else(|| Status::invalid_argument("missing or bad x-soak-id"))?;
        let report = Report {
            ledger: self.ledger.clone(),
            id,
            served: None,
        };
        Ok((report, Script::parse(metadata)?))
    }
}

#[tonic_session::service]
impl Soak for SoakService {
    async fn download(
        &self,
        request: Request<Order>,
        mut tx: Sender<Item>,
    ) -> Result<Finished, Status> {
        let (mut report, script) = self.open(request.metadata())?;
        let order = request.into_inner();
        let mut seq = 0;
        while order.forever || seq < order.count {
            match script.at(seq) {
                Some(Act::DropSender) => return Err(report.failed(abandon(tx).await)),
                Some(act) => return Err(report.failed(play(act, seq).await)),
                None => {}
            }
            if let Err(unsent) = tx.send(Item { seq }).await {
                return Err(report.failed(unsent.into()));
            }
            seq += 1;
        }
        report.clean(seq);
        Ok(tx.finish())
    }

    async fn upload(&self, request: Request<Receiver<Item>>) -> Result<Response<Tally>, Status> {
        let (mut report, script) = self.open(request.metadata())?;
        let mut rx = request.into_inner();
        let mut count = 0;
        loop {
            if let Some(act) = script.at(count) {
                return Err(report.failed(play(act, count).await));
            }
            match rx.message().await {
                Ok(Some(item)) if item.seq == count => count += 1,
                Ok(Some(item)) => return Err(report.failed(out_of_order(count, &item))),
                Ok(None) => break,
                Err(status) => return Err(report.failed(status)),
            }
        }
        report.clean(count);
        Ok(Response::new(Tally { count }))
    }

    async fn chat(
        &self,
        request: Request<Receiver<Item>>,
        mut tx: Sender<Item>,
    ) -> Result<Finished, Status> {
        let (mut report, script) = self.open(request.metadata())?;
        let mut rx = request.into_inner();
        let mut count = 0;
        loop {
            let item = match rx.message().await {
                Ok(Some(item)) if item.seq == count => item,
                Ok(Some(item)) => return Err(report.failed(out_of_order(count, &item))),
                Ok(None) => break,
                Err(status) => return Err(report.failed(status)),
            };
            match script.at(count) {
                Some(Act::DropSender) => return Err(report.failed(abandon(tx).await)),
                Some(act) => return Err(report.failed(play(act, count).await)),
                None => {}
            }
            if let Err(unsent) = tx.send(item).await {
                return Err(report.failed(unsent.into()));
            }
            count += 1;
        }
        report.clean(count);
        Ok(tx.finish())
    }
}

fn out_of_order(expected: u32, item: &Item) -> Status {
    Status::data_loss(format!("expected #{expected}, got #{}", item.seq))
}
