//! Support for the end-to-end tests: a scriptable probe service that reports what
//! its handlers saw, a loopback server, and the fault soak.

pub mod loopback;
pub mod node_peer;
pub mod probe;
pub mod process;
pub mod python_peer;
pub mod raw_h2;
pub mod soak;
pub mod token_fetching;

/// Code generated from `proto/probe.proto`.
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("probe");
}

/// Code generated from `proto/soak.proto`.
pub mod soak_pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("soak");
}
