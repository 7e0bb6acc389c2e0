//! The rules engine of [tonic-session](https://docs.rs/tonic-session): control-flow
//! graphs of Rust function bodies, and the dataflow passes that answer the stream
//! rules' questions over them. One analysis with two front ends: the attributes
//! (`tonic-session-macros`) put a check where a pass finds a leak, and the checker
//! (`cargo tonic-session check`) reports the same finding in raw tonic code.
//!
//! The pipeline, in the spirit of go vet's `lostcancel` over
//! `golang.org/x/tools/go/cfg`:
//!
//! - [`lower`] builds the graphs once: one per function body, and one per closure or
//!   async block (their `return`s and `?`s are their own). Nodes hold the events of
//!   straight-line code (a binding declared, consumed, dropped, a normal exit);
//!   edges follow branches, `match` arms, loops with labelled `break` and
//!   `continue`, `let else`, and error exits (`?`, `return Err(..)`, a panic),
//!   which end a path with nothing to check: the runtime cancels what they drop.
//! - [`cleanup`] asks, for each binding, whether some path reaches a normal exit,
//!   the end of its scope or an explicit `drop` with the binding still owing its end;
//!   [`ignored`] whether some path goes from a failed send to another send on the
//!   same half. Both run on [`dataflow`]'s one solver.
//!
//! Beside them, [`misuse`] recognises the shapes the use-site rules look for
//! (a spawn, a lock, a leak, a discarded send), on the code as written.
//!
//! What a binding is (a session half, a raw `Streaming`) is the front end's to say:
//! the engine follows every binding and reports by index into
//! [`graph::Program::bindings`].

#![forbid(unsafe_code)]

pub mod allow;
pub mod captures;
pub mod cleanup;
pub mod containers;
pub mod dataflow;
#[cfg(test)]
mod differential;
pub mod graph;
pub mod ignored;
pub mod lower;
pub mod misuse;
pub mod scopes;
pub mod sites;
pub mod syntax;
#[cfg(test)]
mod tests;
