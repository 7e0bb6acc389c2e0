//! The rules engine: a control-flow graph of each annotated body, then small
//! dataflow passes over it, then the checks the passes ask for.
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
//!   the end of its scope or an explicit `drop` with the binding still owing its end.
//! - [`place`] puts a check for each such binding where it is initialised, spanned
//!   at the point it leaks; the compiler decides from its type whether it is a
//!   session half (see `checks`), so an ordinary value costs nothing.
//!
//! The use-site rules (sharing, detaching, forgetting, discarded sends) still run in
//! `analysis`; they move here as passes of their own.

pub(crate) mod cleanup;
pub(crate) mod graph;
pub(crate) mod lower;
pub(crate) mod place;
#[cfg(test)]
mod tests;

use syn::{Block, FnArg};

use crate::allow::Allowed;

/// Checks the client cleanup rules (`unfinished_sender`, `undrained_receiver`) on
/// one function body and puts their checks into it. Bindings named in `skip` (found
/// shared, which is the error to fix there) get none.
pub(crate) fn check_cleanup<'a>(
    inputs: impl IntoIterator<Item = &'a FnArg>,
    body: &mut Block,
    allowed: Allowed,
    skip: &[String],
) {
    let program = lower::lower(inputs, body, allowed);
    let leaks = cleanup::leaks(&program);
    place::place(body, &program, &leaks, skip);
}
