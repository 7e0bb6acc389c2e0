//! Random bodies of the model, from a seeded generator (no dependency: a 64-bit
//! xorshift is enough to spread the shapes).

use super::Stmt;

/// A seeded xorshift64* generator.
pub(super) struct Random(u64);

impl Random {
    pub(super) fn new(seed: u64) -> Self {
        Random(seed.max(1))
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound
    }
}

/// What the generator knows where it stands: the loops around, innermost last.
struct Place {
    loops: Vec<usize>,
    next_label: usize,
    depth: usize,
}

/// A body of up to four statements, nested up to three deep.
pub(super) fn body(random: &mut Random) -> Vec<Stmt> {
    let mut place = Place {
        loops: Vec::new(),
        next_label: 0,
        depth: 0,
    };
    block(random, &mut place)
}

fn block(random: &mut Random, place: &mut Place) -> Vec<Stmt> {
    let length = random.below(4) + usize::from(place.depth == 0) as u64;
    (0..length).map(|_| statement(random, place)).collect()
}

fn statement(random: &mut Random, place: &mut Place) -> Stmt {
    let nesting = place.depth < 3;
    match random.below(if nesting { 21 } else { 12 }) {
        0 => Stmt::Finish,
        1 => Stmt::Cancel,
        2 => Stmt::Drop,
        3 => Stmt::Read,
        4 => Stmt::ReturnOk,
        5 => Stmt::ReturnErr,
        6 => Stmt::Try,
        7 => Stmt::Panic,
        8 | 9 => jump(random, place),
        10 => Stmt::Reopen,
        11 => Stmt::Lend,
        12 => Stmt::If(nested(random, place), nested(random, place)),
        13 => Stmt::Match {
            some: nested(random, place),
            none: nested(random, place),
        },
        14 => Stmt::IfLetOkSome(nested(random, place), nested(random, place)),
        15 => Stmt::MatchHeld {
            some: nested(random, place),
            none: nested(random, place),
        },
        16 => Stmt::MatchResult {
            some: nested(random, place),
            none: nested(random, place),
            err: nested(random, place),
        },
        17 => Stmt::MatchTimed {
            some: nested(random, place),
            none: nested(random, place),
            elapsed: nested(random, place),
        },
        kind => looped(random, place, kind),
    }
}

/// A `break` or `continue` to one of the loops around; a plain read outside any.
fn jump(random: &mut Random, place: &Place) -> Stmt {
    if place.loops.is_empty() {
        return Stmt::Read;
    }
    let target = place.loops[random.below(place.loops.len() as u64) as usize];
    if random.below(2) == 0 {
        Stmt::Break(target)
    } else {
        Stmt::Continue(target)
    }
}

fn nested(random: &mut Random, place: &mut Place) -> Vec<Stmt> {
    place.depth += 1;
    let block = block(random, place);
    place.depth -= 1;
    block
}

fn looped(random: &mut Random, place: &mut Place, kind: u64) -> Stmt {
    let label = place.next_label;
    place.next_label += 1;
    place.loops.push(label);
    let body = nested(random, place);
    place.loops.pop();
    match kind {
        18 => Stmt::Loop(label, body),
        19 => Stmt::WhileLet(label, body),
        _ => Stmt::For(label, body),
    }
}
