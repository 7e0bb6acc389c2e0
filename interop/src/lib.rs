//! gRPC's interop `TestService` and its client test cases, written with
//! tonic-session: the contract every gRPC implementation is tried against
//! (grpc/grpc's `doc/interop-test-descriptions.md`).
//!
//! `interop-server` serves [`server::Interop`]; `interop-client` runs the cases of
//! [`cases`] against any server. Where tonic itself keeps a case from checking
//! everything the document asks, the case says so ([`cases::TONIC_GAPS`]).

#![forbid(unsafe_code)]

pub mod cases;
pub mod echo_metadata;
pub mod flags;
pub mod payloads;
pub mod run;
pub mod server;

/// Code generated from `proto/grpc/testing/`.
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("grpc.testing");
}
