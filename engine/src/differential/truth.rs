//! The model's ground truth: does some path reach a normal exit, or a `drop`, with
//! `rx` neither ended nor read to its end? An abstract interpreter over the model,
//! with conditions taken both ways; its only state is whether `rx` still owes its
//! end, so loops reach a fixpoint within two rounds.

use std::collections::BTreeSet;

use super::Stmt;

/// How a statement list can end, with whether `rx` still owes its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Next(bool),
    Break(usize, bool),
    Continue(usize, bool),
    /// A return or an error exit: the path is over.
    Over,
}

/// Whether some path leaks `rx`.
pub(super) fn leaks(body: &[Stmt]) -> bool {
    let mut leaked = false;
    let outcomes = run(body, true, &mut leaked);
    // The end of the function is a normal exit.
    leaked || outcomes.contains(&Outcome::Next(true))
}

fn run(stmts: &[Stmt], owing: bool, leaked: &mut bool) -> BTreeSet<Outcome> {
    let mut live = BTreeSet::from([owing]);
    let mut done = BTreeSet::new();
    for stmt in stmts {
        let mut next = BTreeSet::new();
        for &owing in &live {
            for outcome in step(stmt, owing, leaked) {
                match outcome {
                    Outcome::Next(owing) => {
                        next.insert(owing);
                    }
                    other => {
                        done.insert(other);
                    }
                }
            }
        }
        live = next;
    }
    done.extend(live.into_iter().map(Outcome::Next));
    done
}

fn step(stmt: &Stmt, owing: bool, leaked: &mut bool) -> BTreeSet<Outcome> {
    let both = |a: BTreeSet<Outcome>, b: BTreeSet<Outcome>| a.union(&b).copied().collect();
    match stmt {
        Stmt::Finish | Stmt::Cancel => BTreeSet::from([Outcome::Next(false)]),
        Stmt::Drop => {
            *leaked |= owing;
            BTreeSet::from([Outcome::Next(false)])
        }
        // `?` on a message: an error exit, or a message (the stream goes on).
        Stmt::Read => BTreeSet::from([Outcome::Next(owing), Outcome::Over]),
        // The new call may fail first (an error exit, the old call dropped with
        // it); if it opens, the old receiver is dropped there, the new one owes.
        Stmt::Reopen => {
            *leaked |= owing;
            BTreeSet::from([Outcome::Next(true), Outcome::Over])
        }
        // Lent to a helper: its end is the helper's; then the helper's `?`.
        Stmt::Lend => BTreeSet::from([Outcome::Next(false), Outcome::Over]),
        Stmt::If(then, otherwise) | Stmt::IfLetOkSome(then, otherwise) => {
            both(run(then, owing, leaked), run(otherwise, owing, leaked))
        }
        Stmt::Match { some, none } | Stmt::MatchHeld { some, none } => {
            let ended = run(none, false, leaked);
            both(
                both(run(some, owing, leaked), ended),
                BTreeSet::from([Outcome::Over]),
            )
        }
        // No `?`: the three arms are all the ways on.
        Stmt::MatchResult { some, none, err } => both(
            run(some, owing, leaked),
            both(run(none, false, leaked), run(err, false, leaked)),
        ),
        // The call's error returns it; the timer's leaves the stream going on.
        Stmt::MatchTimed {
            some,
            none,
            elapsed,
        } => both(
            both(run(some, owing, leaked), run(none, false, leaked)),
            both(run(elapsed, owing, leaked), BTreeSet::from([Outcome::Over])),
        ),
        Stmt::Loop(label, body) => looped(*label, body, owing, leaked, None),
        Stmt::WhileLet(label, body) => looped(*label, body, owing, leaked, Some(true)),
        Stmt::For(label, body) => looped(*label, body, owing, leaked, Some(false)),
        Stmt::Break(label) => BTreeSet::from([Outcome::Break(*label, owing)]),
        Stmt::Continue(label) => BTreeSet::from([Outcome::Continue(*label, owing)]),
        Stmt::ReturnOk => {
            *leaked |= owing;
            BTreeSet::from([Outcome::Over])
        }
        Stmt::ReturnErr | Stmt::Panic => BTreeSet::from([Outcome::Over]),
        Stmt::Try => BTreeSet::from([Outcome::Next(owing), Outcome::Over]),
    }
}

/// A loop labelled `label`. `exit`: `None` for `loop` (it ends only by `break`),
/// `Some(drains)` for a loop whose head may end it (`while let Some(..)` over
/// `rx`'s messages drains it there, and may also take the `?` error exit).
fn looped(
    label: usize,
    body: &[Stmt],
    owing: bool,
    leaked: &mut bool,
    exit: Option<bool>,
) -> BTreeSet<Outcome> {
    let mut heads = BTreeSet::from([owing]);
    let mut outcomes = BTreeSet::new();
    let mut seen = BTreeSet::new();
    while let Some(&head) = heads.iter().find(|head| !seen.contains(*head)) {
        seen.insert(head);
        if let Some(drains) = exit {
            outcomes.insert(Outcome::Next(head && !drains));
            if drains {
                outcomes.insert(Outcome::Over);
            }
        }
        for outcome in run(body, head, leaked) {
            match outcome {
                Outcome::Next(owing) => {
                    heads.insert(owing);
                }
                Outcome::Continue(l, owing) if l == label => {
                    heads.insert(owing);
                }
                Outcome::Break(l, owing) if l == label => {
                    outcomes.insert(Outcome::Next(owing));
                }
                other => {
                    outcomes.insert(other);
                }
            }
        }
    }
    outcomes
}
