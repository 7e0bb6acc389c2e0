//! Session-typed gRPC streams for [tonic](https://docs.rs/tonic): grpc-go's stream
//! rules, enforced by the compiler.
//!
//! grpc-go documents rules for streams (never two concurrent senders or receivers on
//! one stream; one sender plus one receiver is fine; a stream must be ended, not
//! abandoned). `tonic-session` turns them into types: a streaming handler under
//! [`#[tonic_session::service]`](service) takes a sending half and a receiving half
//! instead of raw `Streaming<T>`, a hand-written `type XStream` and `mpsc` plumbing.
//!
//! ```
//! use tonic::{Request, Status};
//! use tonic_session::server::{Finished, Sender};
//!
//! // A server-streaming handler body: send, then finish. Forgetting `finish`
//! // leaves nothing to return as `Ok`.
//! async fn countdown(req: Request<u32>, mut tx: Sender<u32>) -> Result<Finished, Status> {
//!     for i in (0..=req.into_inner()).rev() {
//!         tx.send(i).await?;
//!     }
//!     Ok(tx.finish())
//! }
//! ```
//!
//! See [`server`] for the handler shapes and [`service`] for the attribute.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod server;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use tonic_session_macros::service;
