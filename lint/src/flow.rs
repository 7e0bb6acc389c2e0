//! The hazards that hang on paths, answered by the rules engine the attributes run
//! (`tonic_session_engine`): the same control-flow graph and the same passes, with
//! the halves of raw code (a call's `Streaming` response, a sender feeding a
//! stream) in place of the session's.
//!
//! - `undrained_receiver`: a path leaves a call's `Streaming` response before
//!   `message()` returned `None` (a `break` out of the reading loop, a return after
//!   the first reply), so the call's final status is never read. Reported where the
//!   path leaves it, as the attribute does.
//! - `ignored_send_error`: a path goes from a failed send on a feeding sender (the
//!   error branch of a test of its result) to another send on it.
//!
//! What the engine cannot see (a half handed to a function, lent as `&mut`, named in
//! a macro) it takes as handed on, and nothing is reported.

use syn::{Block, Signature};
use tonic_session_engine::allow::{Allowed, Rule};
use tonic_session_engine::graph::{Binding, LeakKind, Program};
use tonic_session_engine::{cleanup, ignored, lower};

use crate::finding::{At, Raw};

/// The raw halves of one body, by where their binding's name is written.
pub struct RawHalves {
    /// Call responses (`let s = client.m(..).await?.into_inner();`).
    pub responses: Vec<At>,
    /// Senders that feed a stream going to tonic, by name (their clones too).
    pub feeding: Vec<String>,
}

/// The findings of the engine's passes over `body`.
pub fn path_hazards(sig: &Signature, body: &Block, halves: &RawHalves) -> Vec<Raw> {
    if halves.responses.is_empty() && halves.feeding.is_empty() {
        return Vec::new();
    }
    let program = lower::lower_naming_halves(
        &sig.inputs,
        body,
        Allowed::default(),
        halves.feeding.clone(),
    );
    let mut raws = Vec::new();
    for leak in cleanup::leaks(&program) {
        let binding = &program.bindings[leak.binding];
        let created = At::of(binding.ident.span());
        if halves.responses.contains(&created) && !allows(binding, Rule::UndrainedReceiver) {
            raws.push(undrained(binding, created, leak.point.kind, leak.point.at));
        }
    }
    for send in ignored::sends_after_failure(&program) {
        let binding = &program.bindings[send.binding];
        if is_feeding(&program, send.binding, halves) && !allows(binding, Rule::IgnoredSendError) {
            raws.push(send_after_failure(binding, send.at));
        }
    }
    raws
}

fn allows(binding: &Binding, rule: Rule) -> bool {
    binding.allowed.allows(rule)
}

fn is_feeding(program: &Program, binding: usize, halves: &RawHalves) -> bool {
    let name = program.bindings[binding].ident.to_string();
    halves.feeding.contains(&name)
}

fn undrained(binding: &Binding, created: At, kind: LeakKind, at: proc_macro2::Span) -> Raw {
    let name = &binding.ident;
    let line = created.line;
    let message = match kind {
        LeakKind::LeftReading => format!(
            "this `break` stops reading `{name}` (the response made on line {line}) before \
             its end: the call's final status is never read"
        ),
        LeakKind::Return => format!(
            "this `return` leaves `{name}` (the response made on line {line}) before its \
             end: the call's final status is never read"
        ),
        _ => format!(
            "`{name}` (the response made on line {line}) is dropped here before its end: \
             the call's final status is never read"
        ),
    };
    Raw {
        rule: "undrained_receiver",
        at: At::of(at),
        message,
        help: "read to `None` (`while let Some(m) = s.message().await? {..}`); with \
               tonic-session, `rx.finish().await?` after the messages you want"
            .into(),
    }
}

fn send_after_failure(binding: &Binding, at: proc_macro2::Span) -> Raw {
    let name = &binding.ident;
    Raw {
        rule: "ignored_send_error",
        at: At::of(at),
        message: format!(
            "a send on `{name}` after one failed: the code goes on producing for a peer \
             that is gone"
        ),
        help: "stop when a send fails (`break`, `return`, or `?` on the send); with \
               tonic-session, `tx.send(m).await?` on the session's `Sender`"
            .into(),
    }
}
