//! The rule catalogue: every stream rule tonic-session enforces, as a team's coding
//! standard.
//!
//! The rules come from grpc-go's documented stream rules (`Documentation/concurrency.md`,
//! `ClientConn.NewStream`), restated for tonic. Two rows say what must compile; the
//! others are compile errors inside [`#[tonic_session::client]`](macro@crate::client) and
//! [`#[tonic_session::service]`](crate::service) code, each with the rule's id in the
//! message, the offending use as the primary span, the place the half was created as
//! a secondary span, and a `help:` line. Rules that can be enforced by types alone
//! (`clone` on a half, a handler that must return [`Finished`](crate::server::Finished))
//! hold without the attributes too.
//!
//! Halves handed to a helper function are the helper's: put the attribute on the
//! helper too. Paths that end in `?`, `return Err(..)`, an `Err(..)` that the
//! function's value is (or an arm of the `match` or `if` it ends with) or a panic are
//! error paths: the runtime cancels what they drop, so they never need cleanup.
//!
//! **Allow with a reason.** Every error rule can be allowed where it is meant, with a
//! reason, on a `let`, a function or method, an impl, or an associated type:
//! `#[tonic_session::allow(rule_id, reason = "..")]`. An allow without a reason is an
//! error; `grep -rn 'tonic_session::allow'` lists every exception in a code base.
//!
//! Each rule links to its trybuild cases in the repository's `ui-tests/` (`fail/`
//! with the reviewed compiler output in `.stderr`, `pass/` for what must compile).
//!
//! | id | kind | grpc-go rule |
//! |---|---|---|
//! | [`shared_channel_ok`](#shared_channel_ok) | compiles | 1: a connection is safe to share |
//! | [`split_ok`](#split_ok) | compiles | 4: one sender and one receiver at once is fine |
//! | [`concurrent_send`](#concurrent_send) | error | 2: never `SendMsg` from two goroutines |
//! | [`concurrent_recv`](#concurrent_recv) | error | 3: never `RecvMsg` from two goroutines |
//! | [`unfinished_sender`](#unfinished_sender) | error | 5: a client must end what it opened |
//! | [`undrained_receiver`](#undrained_receiver) | error | 5, 7: only the final status says it worked |
//! | [`ignored_send_error`](#ignored_send_error) | error | 5: a failed send means the RPC is over |
//! | [`detached_half`](#detached_half) | error | 5, 7: someone must see how the stream ended |
//! | [`forgotten_half`](#forgotten_half) | error | 5: a leaked stream leaks its goroutine |
//! | [`raw_stream`](#raw_stream) | error | all: raw streams bypass the rules |
//!
//! # `shared_channel_ok`
//! A `Channel` or a generated client, cloned into many tasks, calls in parallel: one
//! HTTP/2 connection carries them all. Proven by `ui-tests/pass/client_shared_channel.rs`
//! and `cargo run --example shared_channel`.
//!
//! # `split_ok`
//! One task sends while another receives on the same call, with `tokio::spawn`, `join!`
//! or `select!`: the halves are separate values. Proven by `ui-tests/pass/client_split_ok.rs`
//! and the allowed snippets of grpc-go's concurrency rules, `pass/grpc_go_client_send_and_recv.rs`, `pass/grpc_go_server_send_and_recv.rs`.
//!
//! ```
//! use tonic::Status;
//! use tonic_session::client::{Receiver, Sender};
//!
//! #[tonic_session::client]
//! async fn split(mut tx: Sender<u32>, mut rx: Receiver<u32>) -> Result<usize, Status> {
//!     let sending = tokio::spawn(async move {
//!         tx.send(1).await?;
//!         Ok::<_, Status>(tx.finish())
//!     });
//!     let mut count = 0;
//!     while rx.message().await?.is_some() {
//!         count += 1;
//!     }
//!     sending.await.map_err(|err| Status::internal(err.to_string()))??;
//!     Ok(count)
//! }
//! ```
//!
//! # `concurrent_send`
//! **Prevents** one stream's sending half used from two tasks or futures: moved into two
//! spawned tasks or `move` blocks (or into one inside a loop that comes round again),
//! used by two futures of one `join!`/`select!`, cloned, or shared through `Arc`, `Rc`,
//! `Mutex`, `RwLock`, `RefCell`. **Why:** grpc-go rule 2; in raw tonic, cloned `mpsc`
//! senders interleave messages in arbitrary order and the stream only ends when the last
//! clone drops. **Fix:** fan in through one channel to the single task that owns the half.
//! Cases: `ui-tests/fail/concurrent_send.rs`, `fail/grpc_go_client_concurrent_send.rs`,
//! `fail/grpc_go_server_concurrent_send.rs`.
//!
//! ```compile_fail,E0277
//! use tonic::Status;
//! use tonic_session::client::Sender;
//!
//! #[tonic_session::client]
//! async fn fan_out(mut tx: Sender<u32>) -> Result<(), Status> {
//!     let a = tokio::spawn(async move { tx.send(1).await.map(|()| tx) });
//!     let b = tokio::spawn(async move { tx.send(2).await.map(|()| tx) }); // concurrent_send
//!     let _ = (a.await, b.await);
//!     Ok(())
//! }
//! ```
//! ```
//! use tonic::Status;
//! use tonic_session::client::Sender;
//!
//! #[tonic_session::client]
//! async fn fan_in(mut tx: Sender<u32>) -> Result<(), Status> {
//!     let (feed, mut produced) = tokio::sync::mpsc::channel(8);
//!     for i in 0..2 {
//!         let feed = feed.clone();
//!         tokio::spawn(async move { feed.send(i).await.ok() });
//!     }
//!     drop(feed);
//!     while let Some(i) = produced.recv().await {
//!         tx.send(i).await?;
//!     }
//!     let _half_closed = tx.finish();
//!     Ok(())
//! }
//! ```
//!
//! # `concurrent_recv`
//! **Prevents** the same for a receiving half, client or server (grpc-go rule 3): two
//! readers would each get an arbitrary part of the stream. **Fix:** read in one task and
//! hand messages on. Cases: `ui-tests/fail/concurrent_recv.rs`,
//! `fail/grpc_go_client_concurrent_recv.rs`, `fail/grpc_go_server_concurrent_recv.rs`.
//!
//! ```compile_fail,E0277
//! use std::sync::{Arc, Mutex};
//! use tonic::{Request, Status};
//! use tonic_session::server::Receiver;
//!
//! #[tonic_session::client]
//! async fn shared(request: Request<Receiver<u32>>) -> Result<(), Status> {
//!     let rx = request.into_inner();
//!     let _both = Arc::new(Mutex::new(rx)); // concurrent_recv
//!     Ok(())
//! }
//! ```
//!
//! # `unfinished_sender`
//! **Prevents** a client sending half that some normal path leaves neither finished
//! (`finish()`: a clean half-close) nor cancelled nor handed on. **Why:** grpc-go rule 5;
//! in raw tonic an abandoned request stream looks to the server exactly like a complete
//! upload (tonic #848). tonic-session resets such a call at run time; this rule makes
//! the choice explicit: `drop(tx)` and `let _ = tx;` are not ends (the first abandons
//! the call, say so with `tx.cancel()`; the second moves nothing). On the server, the
//! same rule is a type: a handler that sends returns `Result<Finished, Status>`, and
//! only `tx.finish()` makes a `Finished`.
//! Cases: `ui-tests/fail/client_unfinished_sender.rs`, `fail/client_half_dropped.rs`,
//! `fail/unfinished_sender.rs`, `fail/forged_finished.rs`.
//!
//! How the paths are followed (both cleanup rules): a control-flow graph of the
//! function, with `break` and `continue` following their labels, and error paths (`?`,
//! `return Err(..)`, an `Err(..)` arm of the value, `panic!`) ending with nothing owed,
//! since the runtime cancels what they drop. A half moved into a local container (`Some(tx)`, a tuple, a struct
//! literal, an array, `vec![..]`, `Box::new`) is still owed: the container must end
//! it, give it back, or be handed on, or the half leaks where the container is
//! dropped (`fail/client_half_in_container.rs`). A half handed to a function, a
//! closure, an async block or a macro other than the formatting ones, or lent to
//! one by `&mut` (a helper that drains it), is theirs: the
//! analysis cannot see what they do with it, and the runtime backs it (a half dropped
//! unended resets its call).
//!
//! ```compile_fail,E0277
//! use tonic::Status;
//! use tonic_session::client::Sender;
//!
//! #[tonic_session::client]
//! async fn upload(mut tx: Sender<u32>, items: Vec<u32>) -> Result<(), Status> {
//!     for item in items {
//!         tx.send(item).await?;
//!     }
//!     Ok(()) // unfinished_sender: `tx` is dropped here unfinished
//! }
//! ```
//! ```
//! use tonic::Status;
//! use tonic_session::client::Sender;
//!
//! #[tonic_session::client]
//! async fn upload(mut tx: Sender<u32>, items: Vec<u32>) -> Result<(), Status> {
//!     for item in items {
//!         tx.send(item).await?;
//!     }
//!     let _half_closed = tx.finish();
//!     Ok(())
//! }
//! ```
//!
//! # `undrained_receiver`
//! **Prevents** a client receiving half left, on some normal path, neither read to its end
//! (which yields the final status) nor cancelled. **Why:** grpc-go rules 5 and 7: only the
//! final status says the RPC succeeded; a client that reads the N messages it expected
//! never sees a trailing error. A receiver is read to its end exactly where
//! `rx.message()` returned `None`: the `None` arm of a `match`, the end of
//! `while let Some(..) = rx.message().await?`, the `else` of `let Some(..) = .. else`.
//! The same holds for a reply kept in a local that cannot be assigned again and
//! branched on later (`let reply = rx.message().await?; match reply { .. }`,
//! `if reply.is_none()`), and for a read under a timer (`match timeout(d,
//! rx.message()).await { Ok(Ok(None)) => .. }`, where the timer's `Err` is not an end).
//! Without `?`, an error status is the end too where the code keeps it in a binding
//! it uses (`Err(status) => ..`).
//! A `break` out of the reading loop on any other path stops reading early, and the
//! error points at it; `while let Ok(Some(..)) = rx.message().await` (or an
//! `Err(_)` / `Err(_e)` arm) stops at the final error too and throws it away. Cases:
//! `ui-tests/fail/client_undrained_receiver.rs`, `fail/client_stops_reading_early.rs`,
//! `fail/client_read_kept_in_a_local.rs`, `pass/client_stream_ends.rs`,
//! `pass/client_reads_kept_in_locals.rs`.
//!
//! ```compile_fail,E0277
//! use tonic::Status;
//! use tonic_session::client::Receiver;
//!
//! #[tonic_session::client]
//! async fn first(mut rx: Receiver<u32>) -> Result<Option<u32>, Status> {
//!     let first = rx.message().await?;
//!     Ok(first) // undrained_receiver
//! }
//! ```
//! ```compile_fail,E0277
//! use tonic::Status;
//! use tonic_session::client::Receiver;
//!
//! #[tonic_session::client]
//! async fn first(mut rx: Receiver<u32>) -> Result<(), Status> {
//!     loop {
//!         match rx.message().await? {
//!             Some(_first) => break, // undrained_receiver: stops reading here
//!             None => break,
//!         }
//!     }
//!     Ok(())
//! }
//! ```
//! ```
//! use tonic::Status;
//! use tonic_session::client::Receiver;
//!
//! #[tonic_session::client]
//! async fn first(mut rx: Receiver<u32>) -> Result<Option<u32>, Status> {
//!     let first = rx.message().await?;
//!     let _ended = rx.finish().await?; // the rest, and the final status
//!     Ok(first)
//! }
//! ```
//!
//! # `ignored_send_error`
//! **Prevents** the result of a send discarded (`let _ =`, `.ok()`, `.unwrap_or_default()`,
//! `.unwrap_or_else(|_| ..)`, `.map_err(..)`, a bare statement), and any path from a failed
//! send to another send on the same half, whatever syntax let the error go (`if let Err(_) =
//! tx.send(m).await { log(..) }` in a loop, a `match` whose `Err` arm falls through, the
//! result kept in a local and tested later: `let sent = tx.send(m).await;`).
//! **Why:** a failed send means the peer is gone; a producer that ignores it keeps running
//! (tonic issues #196, #377, #2438). At run time such sends still yield to the scheduler and
//! the half is logged once, but the producer's work is wasted. Cases:
//! `ui-tests/fail/ignored_send_error.rs`, `fail/ignored_send_error_goes_on.rs`,
//! `fail/ignored_send_error_kept_in_a_local.rs`.
//!
//! ```compile_fail,E0277
//! use tonic::{Request, Status};
//! use tonic_session::server::{Finished, Sender};
//!
//! #[tonic_session::client]
//! async fn ticks(_request: Request<()>, mut tx: Sender<u64>) -> Result<Finished, Status> {
//!     for i in 0.. {
//!         let _ = tx.send(i).await; // ignored_send_error
//!     }
//!     Ok(tx.finish())
//! }
//! ```
//! ```
//! use tonic::{Request, Status};
//! use tonic_session::server::{Finished, Sender};
//!
//! #[tonic_session::client]
//! async fn ticks(_request: Request<()>, mut tx: Sender<u64>) -> Result<Finished, Status> {
//!     for i in 0..1000 {
//!         tx.send(i).await?; // the client left: stop
//!     }
//!     Ok(tx.finish())
//! }
//! ```
//!
//! # `detached_half`
//! **Prevents** a half moved into a spawned task whose handle is dropped (`spawn(..);`,
//! `let _ = spawn(..)`, `drop(spawn(..))`). **Why:** nobody observes the task's result, so
//! nobody learns whether the half was finished or the RPC failed. **Fix:** keep the
//! `JoinHandle` and await it, or spawn into a `JoinSet`. Cases: `ui-tests/fail/detached_half.rs`.
//!
//! ```compile_fail,E0277
//! use tonic::Status;
//! use tonic_session::client::Receiver;
//!
//! #[tonic_session::client]
//! async fn log_all(mut rx: Receiver<String>) -> Result<(), Status> {
//!     tokio::spawn(async move { // detached_half
//!         while let Some(line) = rx.message().await? {
//!             println!("{line}");
//!         }
//!         Ok::<_, Status>(())
//!     });
//!     Ok(())
//! }
//! ```
//!
//! # `forgotten_half`
//! **Prevents** `mem::forget`, `ManuallyDrop::new`, `Box::leak` (or `into_raw`) on a half.
//! **Why:** a half that is never dropped neither ends nor resets its call: the peer waits
//! and the stream's resources stay. Cases: `ui-tests/fail/forgotten_half.rs`.
//!
//! ```compile_fail,E0277
//! use tonic::Status;
//! use tonic_session::client::Sender;
//!
//! #[tonic_session::client]
//! async fn quiet(tx: Sender<u32>) -> Result<(), Status> {
//!     std::mem::forget(tx); // forgotten_half
//!     Ok(())
//! }
//! ```
//!
//! # `raw_stream`
//! **Prevents** tonic's raw `Streaming<T>`, a hand-written `type XStream`, or mpsc plumbing
//! wrapped as a stream (`ReceiverStream`, `UnboundedReceiverStream`) inside annotated code:
//! they bypass the halves and with them every rule above. Allow it, with a reason, for a
//! handler or call still being migrated. Cases: `ui-tests/fail/raw_stream.rs`,
//! `fail/handwritten_stream_type.rs`; allowed forms: `pass/rules_allowed.rs`.
//!
//! ```compile_fail
//! use tonic::{Status, Streaming};
//!
//! #[tonic_session::client]
//! async fn count(mut stream: Streaming<u32>) -> Result<usize, Status> { // raw_stream
//!     let mut count = 0;
//!     while stream.message().await?.is_some() {
//!         count += 1;
//!     }
//!     Ok(count)
//! }
//! ```
//! ```
//! use tonic::{Status, Streaming};
//!
//! #[tonic_session::client]
//! #[tonic_session::allow(raw_stream, reason = "reads a stream a raw tonic client opened")]
//! async fn count(mut stream: Streaming<u32>) -> Result<usize, Status> {
//!     let mut count = 0;
//!     while stream.message().await?.is_some() {
//!         count += 1;
//!     }
//!     Ok(count)
//! }
//! ```
//!
//! # `handler_shape`
//! Not a rule one can allow: the signatures `#[tonic_session::service]` serves (see
//! [`server`](crate::server)). A handler that names a session half must be an
//! `async fn` taking `&self` (or `self: Arc<Self>`), its request, and its sending half
//! after the request if it sends, and a sending handler returns
//! `Result<Finished, Status>`. Each error names what is wrong, points at it, and shows
//! the shape. Cases: `ui-tests/fail/bad_handler_shapes.rs`,
//! `fail/handler_without_its_sender.rs`, `fail/mut_self_handler.rs`.
//!
//! # In raw code: `cargo tonic-session check`
//! Code without the attributes is not checked by the compiler. The checker
//! (`lint/`, `cargo tonic-session check`) finds it (`unannotated_service`,
//! `unannotated_client`) and reports, in raw tonic code, the hazards these rules
//! exist for under the same ids, with the same rules engine the attributes run on
//! the paths: [`ignored_send_error`](#ignored_send_error) for a discarded send into
//! an mpsc channel that feeds a `ReceiverStream`, or a path from a failed send on it
//! to another send,
//! [`detached_half`](#detached_half) for that channel's producer task spawned and
//! dropped, [`concurrent_recv`](#concurrent_recv) for a `Streaming<_>` behind a lock,
//! [`undrained_receiver`](#undrained_receiver) for a path that leaves a streaming
//! response before its end (a `break` out of the reading loop, a `return` after the
//! first reply), [`forgotten_half`](#forgotten_half) for `mem::forget` on either.
//!
//! # What the attributes cannot see, and what backs it at run time
//! The attributes read one item (a function or an impl) as written; the compiler
//! decides, by type, whether a binding they check is a half. Where they cannot
//! follow a half, they assume nothing wrong (no false error), and the runtime keeps
//! the promise that matters most: an abandoned half never looks like a clean end.
//!
//! - **A half handed on** (to a function, a closure, an async block, a macro other
//!   than the formatting ones), or lent to one by `&mut`, is theirs: its cleanup is not followed there. At run
//!   time a half dropped unended resets its call: the peer's receive is an error
//!   (`CANCELLED`), never a complete stream; a server handler cannot return
//!   `Ok` without the `Finished` only `tx.finish()` makes.
//! - **Names outside the item**: an import renamed at module level (`use
//!   std::mem::forget as leak;`, `use tonic::Streaming as Raw;`), a type alias or
//!   a helper that wraps a half in `Arc<Mutex<_>>`, `Handle::spawn` or a spawn
//!   inside a helper, a future named and spawned later, a `macro_rules!` macro
//!   that sends. The use-site rules (`concurrent_send`, `concurrent_recv`,
//!   `detached_half`, `forgotten_half`, a send whose result is discarded where it
//!   is made) see the names written in the item. Backing them: `clone` on a half is
//!   refused by type everywhere, annotated or not; a half shared behind a lock
//!   sends whole messages one at a time (the stream stays well-formed); a detached
//!   task's half that is dropped unended resets its call; a producer that goes on
//!   after a failed send gets every later send refused at once, yields to the
//!   runtime instead of spinning, and logs one warning naming the method. A half
//!   leaked by a call the attributes cannot see has no backstop but the call's
//!   deadline: set one.
//! - **A value whose type the compiler never learns** (an error elsewhere in the
//!   same expression) is not checked: rustc's own error is the one reported.

/// The bounds that refuse `clone` on a half: rustc names them in the error, so they
/// live here, under the rules they enforce.
#[doc(hidden)]
pub use crate::single_owner::{a_receiving_half_has_one_owner, a_sending_half_has_one_owner};

/// The bound that refuses `into_inner` on a client half (code ported from plain
/// tonic): rustc names it in the error.
#[doc(hidden)]
pub use crate::already_a_session::a_streaming_call_in_session_code_gives_its_half;

/// What the attributes report on the code as written, as rustc names it in the
/// rule's error ("the trait `session_code_must_not_use_raw_streams` is not
/// implemented for `raw_streaming_code`"). No values; never used otherwise.
#[doc(hidden)]
#[allow(
    non_camel_case_types,
    reason = "rustc prints it in a sentence about the rule"
)]
pub enum raw_streaming_code {}

/// A handler whose signature `#[tonic_session::service]` cannot serve, as rustc
/// names it in the `handler_shape` error. No values; never used otherwise.
#[doc(hidden)]
#[allow(
    non_camel_case_types,
    reason = "rustc prints it in a sentence about the rule"
)]
pub enum session_handler {}
