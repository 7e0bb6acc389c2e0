//! Support for the end-to-end tests: a scriptable probe service that reports what
//! its handlers saw, and a loopback server.

pub mod loopback;
pub mod probe;
pub mod token_fetching;

/// Code generated from `proto/probe.proto`.
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("probe");
}
