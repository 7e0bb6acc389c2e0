//! The seed's `GreetingService` (package `hellopb`), served with tonic-session.
//!
//! Run `cargo run --example greeting` for the whole round trip on loopback, or
//! `greeting_server` / `greeting_client` to run the two sides apart.

pub mod client;
pub mod greeter;
pub mod serve;

/// Code generated from `proto/hellopb.proto`.
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("hellopb");
}

pub use greeter::Greeter;
