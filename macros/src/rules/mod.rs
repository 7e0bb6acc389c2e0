//! The rules of the attributes: the engine's passes (`tonic_session_engine`: a
//! control-flow graph of each annotated body, dataflow over it), then the checks
//! the passes ask for.
//!
//! - [`place`] puts a check for each binding a pass found where it is initialised,
//!   spanned at the point it leaks; the compiler decides from its type whether it
//!   is a session half (see `checks`), so an ordinary value costs nothing.
//! - [`use_sites`], a walk of the syntax for the other use-site rules (sharing,
//!   detaching, forgetting, sends whose result is discarded where it is made);
//!   [`raw_stream`], on the code as written; [`checks`], what a finding becomes;
//!   [`table`], every rule's words.

pub(crate) mod checks;
pub(crate) mod findings;
pub(crate) mod place;
pub(crate) mod raw_stream;
pub(crate) mod table;
pub(crate) mod use_sites;

use syn::{Block, FnArg};

use crate::allow::Allowed;
use crate::rules::findings::{Detail, Family, Finding};
use tonic_session_engine::graph::LeakKind;
use tonic_session_engine::{cleanup, ignored, lower};

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
