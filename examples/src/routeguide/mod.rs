//! gRPC's RouteGuide (package `routeguide`), the service of its basic tutorials,
//! written with tonic-session: a unary, a server-streaming, a client-streaming and a
//! bidi method over points on a map.
//!
//! Run `cargo run --example routeguide` for the server and a client on loopback.

pub mod client;
pub mod data;
pub mod server;

/// Code generated from `proto/route_guide.proto`.
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("routeguide");
}

pub use server::RouteGuideService;
