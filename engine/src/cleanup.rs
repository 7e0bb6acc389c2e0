//! The cleanup pass: may some path leave a binding owing its end (a sending half
//! neither finished nor cancelled, a receiver neither read to its end nor
//! cancelled, and neither handed on) at a normal exit, the end of its scope, a jump
//! out of it, or an explicit `drop`?
//!
//! A forward "may owe" dataflow over each graph, to a fixpoint. A binding that
//! leaks on a path where it left a reading loop early is reported at that `break`:
//! that is where the code stopped reading.

use std::collections::BTreeMap;

use crate::dataflow::{BitSet, Facts, Place, forward, keep_first};
use crate::graph::{Event, Graph, Point, Program};

/// The first point (in the order of the code) where binding `binding` may leak.
#[derive(Clone, Copy, Debug)]
pub struct Leak {
    pub binding: usize,
    pub point: Point,
}

/// The bindings that may leak, each once, at its first leak.
pub fn leaks(program: &Program) -> Vec<Leak> {
    let mut first: BTreeMap<usize, Place> = BTreeMap::new();
    let width = program.bindings.len();
    for (index, graph) in program.graphs.iter().enumerate() {
        for (binding, (node, event)) in graph_leaks(graph, width) {
            let place = (index, node, event);
            // A container leaks the halves it carries, where it is dropped.
            let carried = program.bindings[binding].carries.iter().copied();
            for leaking in std::iter::once(binding).chain(carried) {
                keep_first(&mut first, leaking, place);
            }
        }
    }
    first
        .into_iter()
        .filter_map(|(binding, (graph, node, event))| {
            let point = match program.graphs[graph].nodes[node].events[event] {
                Event::Drop(_, point) | Event::LeftReading(_, point) | Event::Exit(point) => point,
                _ => return None,
            };
            Some(Leak { binding, point })
        })
        .collect()
}

/// What holds before a node: which bindings may still owe their end, and for those
/// that left a reading loop early, the first `break` that did.
#[derive(Clone)]
struct State {
    owing: BitSet,
    left: BTreeMap<usize, (usize, usize)>,
}

impl Facts for State {
    fn join(&mut self, other: &State) -> bool {
        let mut changed = self.owing.join(&other.owing);
        for (&binding, &place) in &other.left {
            let mine = self.left.entry(binding).or_insert(place);
            let joined = (*mine).min(place);
            changed |= joined != *mine;
            *mine = joined;
        }
        changed
    }
}

impl State {
    fn settle(&mut self, binding: usize) {
        self.owing.remove(binding);
        self.left.remove(&binding);
    }
}

/// Every (binding, event place in the graph) where a binding may leak.
fn graph_leaks(graph: &Graph, width: usize) -> Vec<(usize, (usize, usize))> {
    let mut found = Vec::new();
    let entry = State {
        owing: BitSet::new(width),
        left: BTreeMap::new(),
    };
    forward(graph, entry, |state, event, here| {
        transfer(state, *event, here, &mut found)
    });
    found
}

fn transfer(
    state: &mut State,
    event: Event,
    here: (usize, usize),
    found: &mut Vec<(usize, (usize, usize))>,
) {
    match event {
        Event::Owe(binding) => {
            state.settle(binding);
            state.owing.insert(binding);
        }
        Event::Ended(binding) => state.settle(binding),
        Event::Drop(binding, _) => {
            if state.owing.contains(binding) {
                found.push((binding, state.left.get(&binding).copied().unwrap_or(here)));
            }
            state.settle(binding);
        }
        Event::LeftReading(binding, _) => {
            if state.owing.contains(binding) {
                let first = state.left.entry(binding).or_insert(here);
                *first = (*first).min(here);
            }
        }
        Event::Exit(_) => {
            for binding in state.owing.iter() {
                found.push((binding, state.left.get(&binding).copied().unwrap_or(here)));
            }
            state.owing.clear();
            state.left.clear();
        }
        Event::Send(..) | Event::SendFailed(_) => {}
    }
}
