//! A `GreetingService` with the four RPC kinds (package `hellopb`), served with
//! tonic-session.
//!
//! Run `cargo run --example greeting` for the whole round trip on loopback, or
//! `greeting_server` / `greeting_client` to run the two sides apart; `cargo run
//! --example routeguide` for gRPC's RouteGuide (see [`routeguide`]).

pub mod client;
pub mod greeter;
pub mod routeguide;
pub mod serve;

/// Code generated from `proto/hellopb.proto`.
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("hellopb");
}

/// The same service generated with tonic-build's `use_arc_self(true)` (server side
/// only): its handlers take `self: Arc<Self>`.
pub mod pb_arc_self {
    #![allow(missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/arc_self/hellopb.rs"));
}

pub use greeter::Greeter;
