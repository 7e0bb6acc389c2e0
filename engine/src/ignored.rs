//! The ignored-send pass: a path from a failed send to another send on the same
//! half goes on producing for a peer that is gone (`ignored_send_error`), whatever
//! syntax let the error go: `if let Err(_) = tx.send(m).await { log(..) }` in a loop,
//! a `match` whose `Err` arm falls through, `.is_err()` tested and forgotten.
//!
//! A forward "may have failed" dataflow over each graph: a failed send (the error
//! branch of a test of its result) marks the half; a later send on a marked half is
//! the finding. Discarded results (`let _ = tx.send(m).await`) are found where they
//! are discarded, by the use-site rules.

use std::collections::BTreeMap;

use proc_macro2::Span;

use crate::dataflow::{BitSet, forward, keep_first};
use crate::graph::{Event, Program};

/// A send on `binding` at `at` that may follow a failed send the code went on from.
#[derive(Clone, Copy, Debug)]
pub struct SendAfterFailure {
    pub binding: usize,
    pub at: Span,
}

/// The first such send per binding, in the order of the code.
pub fn sends_after_failure(program: &Program) -> Vec<SendAfterFailure> {
    let width = program.bindings.len();
    let mut first = BTreeMap::new();
    for (index, graph) in program.graphs.iter().enumerate() {
        forward(
            graph,
            BitSet::new(width),
            |failed, event, (node, at)| match *event {
                Event::SendFailed(binding) => failed.insert(binding),
                Event::Send(binding, _) if failed.contains(binding) => {
                    keep_first(&mut first, binding, (index, node, at));
                }
                // A binding declared anew has sent nothing yet.
                Event::Owe(binding) => failed.remove(binding),
                _ => {}
            },
        );
    }
    first
        .into_iter()
        .filter_map(|(binding, (graph, node, event))| {
            match program.graphs[graph].nodes[node].events[event] {
                Event::Send(_, at) => Some(SendAfterFailure { binding, at }),
                _ => None,
            }
        })
        .collect()
}
