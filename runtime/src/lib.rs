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
//! The rules, with bad and good examples and how to allow each: [`rules`].
//!
//! See [`server`] for the handler shapes and [`service`] for the attribute, and
//! [`client`](mod@client) for the client halves and [`client`](macro@client) for its
//! attribute.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod already_a_session;
pub mod client;
mod deadline;
mod inline_stage;
mod outbox;
mod refused;
mod rule_check;
pub mod rules;
mod send_error;
pub mod server;
mod single_owner;
mod waker_id;
mod wire_status;

#[cfg(test)]
mod counting_task;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

/// Turns the streaming handlers of a tonic service impl into session handlers.
///
/// Put it on `impl <GeneratedServerTrait> for YourService`. Write each streaming
/// handler with session halves, in one of the shapes of the [`server`] module; the
/// attribute generates the signatures tonic's trait wants and the `type XStream`
/// items. Unary handlers (and anything else) pass through untouched.
/// `#[tonic::async_trait]` is optional, above or below.
///
/// The body of a handler that sends outlives tonic's call, so it owns a handle to
/// the service: the service is `Clone` (state behind `Arc`), or its server is
/// generated with tonic-build's `use_arc_self(true)` and the handlers take
/// `self: Arc<Self>`.
///
/// Serve it with [`server::SessionLayer`] on the server, so an aborted upload is an
/// error rather than a clean end and the client's deadline holds; without it, every
/// session handler fails its calls with `INTERNAL`, naming the layer.
///
/// ```
/// use tonic::codegen::tokio_stream::Stream;
/// use tonic::{Request, Response, Status};
/// use tonic_session::server::{Finished, Receiver, Sender};
///
/// // What tonic-build generates for `rpc Watch(Query) returns (stream Event)` and
/// // `rpc Upload(stream Event) returns (Summary)`, written out here.
/// #[tonic::async_trait]
/// pub trait Feed: Send + Sync + 'static {
///     type WatchStream: Stream<Item = Result<String, Status>> + Send + 'static;
///     async fn watch(&self, request: Request<u32>) -> Result<Response<Self::WatchStream>, Status>;
///     async fn upload(&self, request: Request<tonic::Streaming<String>>) -> Result<Response<u32>, Status>;
/// }
///
/// #[derive(Clone)]
/// struct MyFeed;
///
/// #[tonic_session::service]
/// impl Feed for MyFeed {
///     async fn watch(&self, request: Request<u32>, mut tx: Sender<String>) -> Result<Finished, Status> {
///         for i in 0..request.into_inner() {
///             tx.send(format!("event {i}")).await?;
///         }
///         Ok(tx.finish())
///     }
///
///     async fn upload(&self, request: Request<Receiver<String>>) -> Result<Response<u32>, Status> {
///         let mut rx = request.into_inner();
///         let mut count = 0;
///         while rx.message().await?.is_some() {
///             count += 1;
///         }
///         Ok(Response::new(count))
///     }
/// }
/// ```
///
/// When tonic's stream type name cannot be derived from the Rust method name
/// (tonic-build uses the proto name: `GetHTTPStatus` gives `GetHTTPStatusStream`),
/// name it on the handler: `#[tonic_session(stream_type = GetHTTPStatusStream)]`.
pub use tonic_session_macros::service;

/// Turns the calls of streaming RPCs in a function (or the methods of an impl
/// block) into client session halves.
///
/// | call | RPC kind | yields |
/// |---|---|---|
/// | `client.method(request).await` | server streaming | [`client::Receiver`] |
/// | `client.method(..).await` | client streaming | [`client::Upload`] |
/// | `client.method(..).await` | bidi streaming | [`client::Sender`] and [`client::Receiver`] |
///
/// `..` stands for the request stream, which the session builds and feeds from its
/// sending half. The kind comes from tonic's own types (what the generated method
/// returns), so a call that is not a streaming RPC fails to compile at the call.
/// Unary calls, and every other call, are left as they are. A server-streaming call
/// awaited under tokio's `timeout(d, ..)` (or `timeout_at`) yields
/// `Ok(Ok(receiver))` once it opened in time. The call runs on its own clone of the
/// client (a cheap handle to its channel), so the halves may go to other tasks.
///
/// One rule for every kind: **inside the attribute, a streaming response is the
/// session's half**; the request stream is the session's where the call says `..`.
/// A request stream you build yourself (`client.chat(outbound)`) is yours and goes
/// to tonic as it is (rule `raw_stream` refuses the mpsc wrappers `ReceiverStream`
/// and `UnboundedReceiverStream`, which are hand-made plumbing a sending half
/// replaces); the bidi response is still a [`client::Receiver`]. Code ported from
/// plain tonic that calls `.into_inner()` on it gets an error saying so, with the
/// fix. To keep a call entirely plain tonic, make it in a function without the
/// attribute.
///
/// ```no_run
/// # mod pb { #[derive(Clone)] pub struct Client; impl Client {
/// #   pub async fn watch(&mut self, _: u32) -> Result<tonic::Response<tonic::Streaming<String>>, tonic::Status> { unimplemented!() }
/// #   pub async fn chat(&mut self, _: impl tonic::IntoStreamingRequest<Message = String>) -> Result<tonic::Response<tonic::Streaming<String>>, tonic::Status> { unimplemented!() }
/// # } }
/// use tonic::Status;
///
/// #[tonic_session::client]
/// async fn talk(mut client: pb::Client) -> Result<(), Status> {
///     let mut rx = client.watch(7).await?; // server streaming: a receiving half
///     while let Some(event) = rx.message().await? {
///         println!("{event}");
///     }
///
///     let (mut tx, mut rx) = client.chat(..).await?; // bidi: both halves
///     tx.send("hello".to_owned()).await?;
///     let _half_closed = tx.finish();
///     let _ended = rx.finish().await?; // drains to the final status
///     Ok(())
/// }
/// ```
///
/// The request of a `..` call is configured in a closure, before the call: metadata,
/// extensions, a deadline (which the session then holds to the end, on both halves).
///
/// ```no_run
/// # mod pb { #[derive(Clone)] pub struct Client; impl Client {
/// #   pub async fn chat(&mut self, _: impl tonic::IntoStreamingRequest<Message = String>) -> Result<tonic::Response<tonic::Streaming<String>>, tonic::Status> { unimplemented!() }
/// # } }
/// use std::time::Duration;
/// use tonic::Status;
///
/// #[tonic_session::client]
/// async fn traced(mut client: pb::Client, trace_id: &str) -> Result<(), Status> {
///     let trace = trace_id.parse().map_err(|_| Status::invalid_argument("trace id"))?;
///     let (tx, rx) = client
///         .chat(.., |request| {
///             request.metadata_mut().insert("x-trace-id", trace);
///             request.set_timeout(Duration::from_secs(5));
///         })
///         .await?;
///     let _half_closed = tx.finish();
///     let _ended = rx.finish().await?;
///     Ok(())
/// }
/// ```
pub use tonic_session_macros::client;

/// An exception to a rule, with its reason:
/// `#[tonic_session::allow(unfinished_sender, reason = "..")]`.
///
/// Read by [`#[tonic_session::client]`](macro@client) and
/// [`#[tonic_session::service]`](service): put it on a `let` inside such code, on a
/// function below the attribute, on an impl that carries it, or on a method or an
/// associated type of such an impl. The reason is required, so a grep for
/// `tonic_session::allow` lists every exception in a code base with why it was made.
/// The rules it can name are the error rules of the catalogue, [`rules`]:
/// `concurrent_send`, `concurrent_recv`, `unfinished_sender`, `undrained_receiver`,
/// `ignored_send_error`, `detached_half`, `forgotten_half`, `raw_stream`.
///
/// ```no_run
/// # mod pb { #[derive(Clone)] pub struct Client; impl Client {
/// #   pub async fn watch(&mut self, _: u32) -> Result<tonic::Response<tonic::Streaming<String>>, tonic::Status> { unimplemented!() } } }
/// #[tonic_session::client]
/// async fn first_event(mut client: pb::Client) -> Result<Option<String>, tonic::Status> {
///     #[tonic_session::allow(undrained_receiver, reason = "only the first event matters; dropping cancels the rest")]
///     let mut rx = client.watch(1).await?;
///     rx.message().await
/// }
/// ```
pub use tonic_session_macros::allow;
