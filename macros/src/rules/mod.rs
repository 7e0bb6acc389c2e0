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
//!   the end of its scope or an explicit `drop` with the binding still owing its end;
//!   [`ignored`] whether some path goes from a failed send to another send on the
//!   same half. Both run on [`dataflow`]'s one solver.
//! - [`place`] puts a check for each such binding where it is initialised, spanned
//!   at the point it leaks; the compiler decides from its type whether it is a
//!   session half (see `checks`), so an ordinary value costs nothing.
//!
//! Beside them: [`use_sites`], a walk of the syntax for the other use-site rules
//! (sharing, detaching, forgetting, sends whose result is discarded where it is
//! made), which are to become passes of their own; [`raw_stream`], on the code as
//! written; [`checks`], what a finding becomes; and the leaves they share
//! ([`captures`], [`containers`], [`scopes`], [`misuse`]).

pub(crate) mod captures;
pub(crate) mod checks;
pub(crate) mod cleanup;
pub(crate) mod containers;
pub(crate) mod dataflow;
#[cfg(test)]
mod differential;
pub(crate) mod findings;
pub(crate) mod graph;
pub(crate) mod ignored;
pub(crate) mod lower;
pub(crate) mod misuse;
pub(crate) mod place;
pub(crate) mod raw_stream;
pub(crate) mod scopes;
pub(crate) mod table;
#[cfg(test)]
mod tests;
pub(crate) mod use_sites;

use syn::{Block, FnArg};

use crate::allow::Allowed;
use crate::rules::findings::{Detail, Family, Finding};
use graph::LeakKind;

/// Runs the rules engine on one function body and puts the checks its passes ask
/// for into it: the ignored-send pass always, the cleanup pass (`unfinished_sender`,
/// `undrained_receiver`) where `cleanup` (client code; server halves end by type).
/// Bindings named in `skip` (found shared, which is the error to fix there) get none.
pub(crate) fn check<'a>(
    inputs: impl IntoIterator<Item = &'a FnArg>,
    body: &mut Block,
    allowed: Allowed,
    cleanup: bool,
    skip: &[String],
) {
    let program = lower::lower(inputs, body, allowed);
    let mut findings = Vec::new();
    if cleanup {
        for leak in cleanup::leaks(&program) {
            let detail = match leak.point.kind {
                LeakKind::LeftReading => Detail::StoppedReading,
                _ => Detail::Plain,
            };
            let finding = Finding {
                detail,
                ..Finding::new(Family::Cleanup, leak.point.at)
            };
            findings.push((leak.binding, finding));
        }
    }
    for send in ignored::sends_after_failure(&program) {
        let finding = Finding {
            detail: Detail::AfterFailedSend,
            ..Finding::new(Family::IgnoredSend, send.at)
        };
        findings.push((send.binding, finding));
    }
    place::place(body, &program, &findings, skip);
}
