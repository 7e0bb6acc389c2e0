//! Concurrency scaling: N sessions of one kind at once, over one HTTP/2 connection
//! or spread over 16, hand-written tonic against sessions in alternating turns of
//! the same run; aggregate messages per second of each side, and the ratio with its
//! quartiles over the rounds.
//!
//! Each turn moves about the same number of messages whatever N is (each session's
//! share, with a floor), so a turn of 10,000 sessions measures opening and ending
//! calls as much as streaming them: what a server with that many clients does.

use std::time::Instant;

use tokio::task::JoinSet;
use tonic::Status;
use tonic::transport::Channel;

use crate::benchpb::Variant;
use crate::benchpb::bench_client::BenchClient;
use crate::measure::{Mode, read_stream};
use crate::raw::{self, RawPingPong};
use crate::servers::{connect_scaled, start_scaled};
use crate::session;

/// One comparison: a session kind against the hand-written tonic it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A handler sending from its body, against an `async_stream!` generator.
    InlineVsAsyncStream,
    /// A sending half moved into a spawned task, against spawn + `mpsc`.
    SpawnedVsMpsc,
    /// An upload half, against a task feeding an `mpsc` request stream.
    ClientStreaming,
    /// Bidi round trips, against an `mpsc` request stream taken a turn at a time.
    PingPong,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::InlineVsAsyncStream,
        Kind::SpawnedVsMpsc,
        Kind::ClientStreaming,
        Kind::PingPong,
    ];

    /// The key of its ratios in the report.
    pub fn name(self) -> &'static str {
        match self {
            Kind::InlineVsAsyncStream => "server_stream_inline_vs_async_stream",
            Kind::SpawnedVsMpsc => "server_stream_spawned_vs_mpsc",
            Kind::ClientStreaming => "client_stream",
            Kind::PingPong => "ping_pong",
        }
    }

    /// Messages (round trips for ping-pong) a turn moves in all, and the floor of
    /// each session's share.
    fn budget(self, mode: Mode) -> (u64, u64) {
        let total = match (self, mode) {
            (Kind::PingPong, Mode::Quick) => 10_000,
            (Kind::PingPong, Mode::Full) => 40_000,
            (_, Mode::Quick) => 50_000,
            (_, Mode::Full) => 200_000,
        };
        let floor = if self == Kind::PingPong { 2 } else { 8 };
        (total, floor)
    }
}

/// Concurrent sessions measured.
pub const SESSIONS: [usize; 4] = [1, 64, 1_000, 10_000];
/// Connections the sessions are spread over.
pub const CONNECTIONS: [usize; 2] = [1, 16];

/// One session of `kind`, raw or not, moving `messages`; how many it moved.
async fn one(
    mut client: BenchClient<Channel>,
    kind: Kind,
    raw: bool,
    messages: u64,
) -> Result<u64, Status> {
    let client = &mut client;
    match (kind, raw) {
        (Kind::InlineVsAsyncStream, true) => {
            read_stream(client, Variant::AsyncStream, messages).await
        }
        (Kind::InlineVsAsyncStream, false) => read_stream(client, Variant::Inline, messages).await,
        (Kind::SpawnedVsMpsc, true) => read_stream(client, Variant::Mpsc, messages).await,
        (Kind::SpawnedVsMpsc, false) => read_stream(client, Variant::Spawned, messages).await,
        (Kind::ClientStreaming, true) => raw::upload(client, messages).await,
        (Kind::ClientStreaming, false) => session::upload(client, messages).await,
        (Kind::PingPong, true) => RawPingPong::run(client, messages).await,
        (Kind::PingPong, false) => session::ping_pongs(client, messages).await,
    }
}

/// One side of a turn: `sessions` sessions at once over `clients` (round robin);
/// messages per second in all.
async fn side(
    clients: &[BenchClient<Channel>],
    kind: Kind,
    raw: bool,
    sessions: usize,
    mode: Mode,
) -> Result<f64, crate::BoxError> {
    let (total, floor) = kind.budget(mode);
    let each = (total / sessions as u64).max(floor);
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for index in 0..sessions {
        let client = clients[index % clients.len()].clone();
        tasks.spawn(one(client, kind, raw, each));
    }
    let mut moved = 0;
    while let Some(joined) = tasks.join_next().await {
        let count = joined??;
        if count != each {
            return Err(format!("{} session moved {count} of {each}", kind.name()).into());
        }
        moved += count;
    }
    Ok(moved as f64 / started.elapsed().as_secs_f64())
}

/// The figures of one kind at one N over one number of connections.
#[derive(Clone, Debug)]
pub struct Point {
    pub kind: Kind,
    pub sessions: usize,
    pub connections: usize,
    /// Messages per second of each round, raw and session.
    pub raw: Vec<f64>,
    pub session: Vec<f64>,
}

impl Point {
    /// Quartiles of session / raw, round by round (both sides of a round ran back
    /// to back).
    pub fn ratio_quartiles(&self) -> [f64; 3] {
        let mut ratios: Vec<f64> = self
            .session
            .iter()
            .zip(&self.raw)
            .map(|(s, r)| s / r)
            .collect();
        ratios.sort_by(f64::total_cmp);
        [0.25, 0.5, 0.75].map(|q| crate::measure::quantile(&ratios, q))
    }

    /// The median messages per second of a side.
    pub fn median(rates: &[f64]) -> f64 {
        let mut rates = rates.to_vec();
        rates.sort_by(f64::total_cmp);
        crate::measure::quantile(&rates, 0.5)
    }
}

/// Rounds of each point.
fn rounds(mode: Mode) -> usize {
    match mode {
        Mode::Quick => 3,
        Mode::Full => 5,
    }
}

/// Every kind at every N over 1 and 16 connections, `rounds` rounds each, the side
/// that goes first alternating; prints each point as it is done.
pub async fn run(mode: Mode) -> Result<Vec<Point>, crate::BoxError> {
    let [raw_addr, session_addr] = start_scaled().await?;
    let mut points = Vec::new();
    for connections in CONNECTIONS {
        let raw_clients = connect_scaled(raw_addr, connections).await?;
        let session_clients = connect_scaled(session_addr, connections).await?;
        for kind in Kind::ALL {
            for sessions in SESSIONS {
                let mut point = Point {
                    kind,
                    sessions,
                    connections,
                    raw: Vec::new(),
                    session: Vec::new(),
                };
                for round in 0..rounds(mode) {
                    let order = if round % 2 == 0 {
                        [true, false]
                    } else {
                        [false, true]
                    };
                    for raw in order {
                        let clients = if raw { &raw_clients } else { &session_clients };
                        let rate = side(clients, kind, raw, sessions, mode).await?;
                        if raw {
                            point.raw.push(rate)
                        } else {
                            point.session.push(rate)
                        }
                    }
                }
                print_point(&point);
                points.push(point);
            }
        }
    }
    Ok(points)
}

fn print_point(point: &Point) {
    let [low, median, high] = point.ratio_quartiles();
    println!(
        "{} x{:>6} over {:>2} connection(s): raw {:>9.0}/s, session {:>9.0}/s, ratio {median:.2} ({low:.2}-{high:.2})",
        point.kind.name(),
        point.sessions,
        point.connections,
        Point::median(&point.raw),
        Point::median(&point.session),
    );
}
