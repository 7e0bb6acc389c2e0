//! Where a send failed and the code goes on: the error branches of a test of
//! `tx.send(m).await`'s result (`if let Err(_) = ..`, `.is_err()`, a `match`),
//! where it is sent or later, through a local that holds the result for good.

use syn::{Expr, Pat, UnOp};

use crate::syntax::bare_ident;

/// The sender whose send's result a local named so holds, if it holds one.
pub(super) type HeldSend<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `tx.send(..).await` (or a local holding its result), tested: the sender's name.
fn send_of(expr: &Expr, held: HeldSend) -> Option<String> {
    if let Some(local) = bare_ident(expr) {
        return held(&local);
    }
    let Expr::Await(awaited) = strip(expr) else {
        return None;
    };
    match strip(&awaited.base) {
        Expr::MethodCall(call) if call.method == "send" => bare_ident(&call.receiver),
        _ => None,
    }
}

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => strip(&paren.expr),
        Expr::Group(group) => strip(&group.expr),
        other => other,
    }
}

fn named(pat: &Pat, name: &str) -> bool {
    match pat {
        Pat::TupleStruct(tuple) => tuple.path.segments.last().is_some_and(|s| s.ident == name),
        Pat::Paren(paren) => named(&paren.pat, name),
        _ => false,
    }
}

/// For an `if` or `while` condition: the sender whose send failed when the
/// condition held, and the one whose send failed when it did not.
pub(super) fn of_condition(cond: &Expr, held: HeldSend) -> (Option<String>, Option<String>) {
    match strip(cond) {
        Expr::Let(bound) => match send_of(&bound.expr, held) {
            Some(tx) if named(&bound.pat, "Err") => (Some(tx), None),
            Some(tx) if named(&bound.pat, "Ok") => (None, Some(tx)),
            _ => (None, None),
        },
        Expr::MethodCall(call) if call.args.is_empty() => match send_of(&call.receiver, held) {
            Some(tx) if call.method == "is_err" => (Some(tx), None),
            Some(tx) if call.method == "is_ok" => (None, Some(tx)),
            _ => (None, None),
        },
        Expr::Unary(negated) if matches!(negated.op, UnOp::Not(_)) => {
            let (then, otherwise) = of_condition(&negated.expr, held);
            (otherwise, then)
        }
        _ => (None, None),
    }
}

/// A `match` on a send's result: the sender, if the scrutinee is one.
pub(super) fn of_scrutinee(scrutinee: &Expr, held: HeldSend) -> Option<String> {
    send_of(scrutinee, held)
}

/// `let sent = tx.send(m).await;`: the sender whose send's result `sent` holds
/// from here on, if it holds it for good.
pub(super) fn held_by(pat: &Pat, init: &Expr, held: HeldSend) -> Option<String> {
    crate::syntax::holds_for_good(pat).then(|| send_of(init, held))?
}

/// Whether a `match` arm with `pat` is reached when the send failed; `ok_handled`:
/// an earlier arm without a guard took `Ok`, so a catch-all sees only `Err`.
pub(super) fn fails_at(pat: &Pat, ok_handled: bool) -> bool {
    match pat {
        Pat::Or(or) => or.cases.iter().any(|case| fails_at(case, ok_handled)),
        Pat::Wild(_) => ok_handled,
        Pat::Ident(ident) => ident.subpat.is_none() && ok_handled,
        other => named(other, "Err"),
    }
}

/// Whether `pat` takes `Ok`.
pub(super) fn is_ok_pattern(pat: &Pat) -> bool {
    named(pat, "Ok")
}

/// `let Ok(..) = tx.send(..).await else { .. }`: the sender whose send failed when
/// the `else` runs.
pub(super) fn let_else_failure(pat: &Pat, init: &Expr, held: HeldSend) -> Option<String> {
    send_of(init, held).filter(|_| named(pat, "Ok"))
}
