//! The cleanup pass: may some path leave a binding owing its end (a sending half
//! neither finished nor cancelled, a receiver neither read to its end nor
//! cancelled, and neither handed on) at a normal exit, the end of its scope, a jump
//! out of it, or an explicit `drop`?
//!
//! A forward "may owe" dataflow over each graph, to a fixpoint. A binding that
//! leaks on a path where it left a reading loop early is reported at that `break`:
//! that is where the code stopped reading.

use std::collections::BTreeMap;

use super::graph::{Event, Graph, Point, Program};

/// Where, in the order of the code, an event stands: graph, node, event.
type Place = (usize, usize, usize);

/// The first point (in the order of the code) where binding `binding` may leak.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Leak {
    pub(crate) binding: usize,
    pub(crate) point: Point,
}

/// The bindings that may leak, each once, at its first leak.
pub(crate) fn leaks(program: &Program) -> Vec<Leak> {
    let mut first: BTreeMap<usize, Place> = BTreeMap::new();
    let width = program.bindings.len();
    for (index, graph) in program.graphs.iter().enumerate() {
        for (binding, (node, event)) in graph_leaks(graph, width) {
            let place = (index, node, event);
            // A container leaks the halves it carries, where it is dropped.
            let carried = program.bindings[binding].carries.iter().copied();
            for leaking in std::iter::once(binding).chain(carried) {
                let best = first.entry(leaking).or_insert(place);
                *best = (*best).min(place);
            }
        }
    }
    first
        .into_iter()
        .filter_map(|(binding, (graph, node, event))| {
            let point = match program.graphs[graph].nodes[node].events[event] {
                Event::Drop(_, point) | Event::LeftReading(_, point) | Event::Exit(point) => point,
                Event::Owe(_) | Event::Ended(_) => return None,
            };
            Some(Leak { binding, point })
        })
        .collect()
}

/// What holds before a node: which bindings may still owe their end, and for those
/// that left a reading loop early, the first `break` that did.
#[derive(Clone, PartialEq, Eq)]
struct State {
    owing: BitSet,
    left: BTreeMap<usize, (usize, usize)>,
}

impl State {
    /// Joins `other` into this state; whether it changed.
    fn join(&mut self, other: &State) -> bool {
        let before = self.clone();
        self.owing.union(&other.owing);
        for (&binding, &place) in &other.left {
            let mine = self.left.entry(binding).or_insert(place);
            *mine = (*mine).min(place);
        }
        *self != before
    }

    fn settle(&mut self, binding: usize) {
        self.owing.remove(binding);
        self.left.remove(&binding);
    }
}

/// Every (binding, event place in the graph) where a binding may leak.
fn graph_leaks(graph: &Graph, width: usize) -> Vec<(usize, (usize, usize))> {
    let mut found = Vec::new();
    if graph.nodes.is_empty() {
        return found;
    }
    let mut before: Vec<Option<State>> = vec![None; graph.nodes.len()];
    before[0] = Some(State {
        owing: BitSet::new(width),
        left: BTreeMap::new(),
    });
    let mut work = vec![0];
    while let Some(node) = work.pop() {
        let Some(mut state) = before[node].clone() else {
            continue;
        };
        for (index, event) in graph.nodes[node].events.iter().enumerate() {
            transfer(&mut state, *event, (node, index), &mut found);
        }
        for &next in &graph.nodes[node].next {
            let changed = match &mut before[next] {
                Some(known) => known.join(&state),
                slot @ None => {
                    *slot = Some(state.clone());
                    true
                }
            };
            if changed {
                work.push(next);
            }
        }
    }
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
            state.owing = BitSet::new(state.owing.width());
            state.left.clear();
        }
    }
}

/// A set of binding ids, one bit each.
#[derive(Clone, PartialEq, Eq)]
struct BitSet(Vec<u64>);

impl BitSet {
    fn new(width: usize) -> Self {
        BitSet(vec![0; width.div_ceil(64)])
    }

    fn width(&self) -> usize {
        self.0.len() * 64
    }

    fn insert(&mut self, bit: usize) {
        if let Some(word) = self.0.get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    fn remove(&mut self, bit: usize) {
        if let Some(word) = self.0.get_mut(bit / 64) {
            *word &= !(1 << (bit % 64));
        }
    }

    fn contains(&self, bit: usize) -> bool {
        self.0
            .get(bit / 64)
            .is_some_and(|word| word & (1 << (bit % 64)) != 0)
    }

    fn union(&mut self, other: &BitSet) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= theirs;
        }
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.width()).filter(|&bit| self.contains(bit))
    }
}
