//! The one solver the passes share: a forward dataflow over a graph, to a fixpoint.

use crate::graph::{Event, Graph};

/// What a pass knows at a program point; joining where paths meet.
pub trait Facts: Clone {
    /// Joins `other` into `self`; whether `self` changed.
    fn join(&mut self, other: &Self) -> bool;
}

/// Runs `transfer` over every event of `graph` (node by node, each event with its
/// node and index) until the facts before each node stop changing; `entry` holds at
/// the entry. An event may be seen more than once, with growing facts: what a pass
/// reports from it must not depend on which time.
pub fn forward<F: Facts>(
    graph: &Graph,
    entry: F,
    mut transfer: impl FnMut(&mut F, &Event, (usize, usize)),
) {
    if graph.nodes.is_empty() {
        return;
    }
    let mut before: Vec<Option<F>> = vec![None; graph.nodes.len()];
    before[0] = Some(entry);
    let mut work = vec![0];
    while let Some(node) = work.pop() {
        let Some(mut facts) = before[node].clone() else {
            continue;
        };
        for (index, event) in graph.nodes[node].events.iter().enumerate() {
            transfer(&mut facts, event, (node, index));
        }
        for &next in &graph.nodes[node].next {
            let changed = match &mut before[next] {
                Some(known) => known.join(&facts),
                slot @ None => {
                    *slot = Some(facts.clone());
                    true
                }
            };
            if changed {
                work.push(next);
            }
        }
    }
}

/// A set of binding ids, one bit each.
#[derive(Clone, PartialEq, Eq)]
pub struct BitSet(Vec<u64>);

impl BitSet {
    pub fn new(width: usize) -> Self {
        BitSet(vec![0; width.div_ceil(64)])
    }

    pub fn insert(&mut self, bit: usize) {
        if let Some(word) = self.0.get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    pub fn remove(&mut self, bit: usize) {
        if let Some(word) = self.0.get_mut(bit / 64) {
            *word &= !(1 << (bit % 64));
        }
    }

    pub fn contains(&self, bit: usize) -> bool {
        self.0
            .get(bit / 64)
            .is_some_and(|word| word & (1 << (bit % 64)) != 0)
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.0.iter_mut().for_each(|word| *word = 0);
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.0.len() * 64).filter(|&bit| self.contains(bit))
    }
}

impl Facts for BitSet {
    fn join(&mut self, other: &Self) -> bool {
        let mut changed = false;
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            changed |= *theirs & !*mine != 0;
            *mine |= theirs;
        }
        changed
    }
}

/// Where, in the order of the code, an event stands: graph, node, event. Passes
/// keep the first finding per binding by this order.
pub type Place = (usize, usize, usize);

/// Keeps, per binding, the earliest place seen.
pub fn keep_first(
    first: &mut std::collections::BTreeMap<usize, Place>,
    binding: usize,
    place: Place,
) {
    let best = first.entry(binding).or_insert(place);
    *best = (*best).min(place);
}
