//! Where a receiver's stream ends: the branches on which `rx.message()` returned
//! `None`, so `rx` was read to its end (its final status was OK).
//!
//! `rx.message().await?` is an `Option` (an error status took the `?` path);
//! `rx.message().await` is a `Result<Option<_>, Status>`, whose `Err` is the final
//! status too, but thrown away unless the code keeps it: `Ok(None)` ends it, and
//! `Err(e)` does where it binds the status to a name the code means to use
//! (`Err(_)` and `Err(_e)` throw it away).
//!
//! The value may be branched on where it is read or later, through an immutable
//! local that holds it (`let m = rx.message().await?; match m { .. }`): `held`
//! says which read such a local holds.

use syn::{Expr, Pat, UnOp};

use crate::syntax::bare_ident;

/// A `message()` call on a bare local, branched on: the receiver's name, and how
/// many `Result`s wrap the `Option` it returned, as the code sees the value (each
/// `?` or `.unwrap()` takes one off): 0 for `rx.message().await?`, 1 for
/// `rx.message().await` (`Result<Option<T>, Status>`), 2 under a timer,
/// `timeout(d, rx.message()).await` (`Result<Result<Option<T>, Status>, Elapsed>`).
#[derive(Clone, Debug)]
pub(super) struct Read {
    pub(super) name: String,
    results: usize,
}

/// The read a local named so holds, if it holds one (see [`held_by`]).
pub(super) type Held<'a> = &'a dyn Fn(&str) -> Option<Read>;

/// `rx.message().await?` or `rx.message().await`, or under a timer; `.unwrap()` or
/// `.expect(..)` in place of `?` (an error status panics there: an error path too);
/// with the error converted on the way (`.map_err(f)?`, anyhow's `.context(..)?`),
/// which leaves the `Option` as it is. Or a local that holds one of these.
fn read_of(expr: &Expr, held: Held) -> Option<Read> {
    if let Some(local) = bare_ident(expr) {
        return held(&local);
    }
    let mut peeled = 0;
    let mut expr = without_error_conversions(strip(expr));
    loop {
        expr = match expr {
            Expr::Try(tried) => strip(&tried.expr),
            Expr::MethodCall(call) if unwraps(call) => strip(&call.receiver),
            _ => break,
        };
        expr = without_error_conversions(expr);
        peeled += 1;
    }
    let Expr::Await(awaited) = expr else {
        return None;
    };
    let (name, results) = awaited_read(strip(&awaited.base))?;
    let results = results.checked_sub(peeled)?;
    Some(Read { name, results })
}

/// The future of a read: `rx.message()` (one `Result`), or `timeout(d, ..)` /
/// `timeout_at(at, ..)` of one (a `Result` more: the timer's).
fn awaited_read(future: &Expr) -> Option<(String, usize)> {
    match future {
        Expr::MethodCall(call) if call.method == "message" && call.args.is_empty() => {
            Some((bare_ident(&call.receiver)?, 1))
        }
        Expr::Call(call) if call.args.len() == 2 && is_timer(&call.func) => {
            let (name, results) = awaited_read(strip(call.args.last()?))?;
            Some((name, results + 1))
        }
        _ => None,
    }
}

/// tokio's `timeout` or `timeout_at`, however the path to it is spelled.
fn is_timer(func: &Expr) -> bool {
    matches!(func, Expr::Path(path) if path.path.segments.last().is_some_and(|last| {
        last.ident == "timeout" || last.ident == "timeout_at"
    }))
}

/// `expr` without the calls that convert only its error (`map_err`, anyhow's
/// `context` and `with_context`, eyre's `wrap_err` and `wrap_err_with`).
fn without_error_conversions(mut expr: &Expr) -> &Expr {
    const CONVERSIONS: [&str; 5] = [
        "map_err",
        "context",
        "with_context",
        "wrap_err",
        "wrap_err_with",
    ];
    while let Expr::MethodCall(call) = expr {
        let converts = CONVERSIONS.iter().any(|name| call.method == name);
        if !converts || call.args.len() != 1 {
            break;
        }
        expr = strip(&call.receiver);
    }
    expr
}

/// `.unwrap()` or `.expect(message)`.
fn unwraps(call: &syn::ExprMethodCall) -> bool {
    (call.method == "unwrap" && call.args.is_empty())
        || (call.method == "expect" && call.args.len() == 1)
}

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => strip(&paren.expr),
        Expr::Group(group) => strip(&group.expr),
        other => other,
    }
}

impl Read {
    /// Whether a `match` arm with `pat` is reached when the stream ended.
    /// `some_handled`: an earlier arm without a guard took every `Some`, so a
    /// catch-all here sees only `None`.
    pub(super) fn ends_at(&self, pat: &Pat, some_handled: bool) -> bool {
        ends_at(pat, self.results, some_handled)
    }

    /// Whether the value is the `Option` itself (every `Result` taken off).
    fn is_option(&self) -> bool {
        self.results == 0
    }
}

/// [`Read::ends_at`] for a value with `results` layers of `Result` around the
/// `Option`: `Ok(..)` takes one off; `Err(e)` of the innermost is the call's final
/// status (an end where kept), of an outer one a timer's (not an end).
fn ends_at(pat: &Pat, results: usize, some_handled: bool) -> bool {
    match pat {
        Pat::Or(or) => or
            .cases
            .iter()
            .any(|case| ends_at(case, results, some_handled)),
        Pat::Paren(paren) => ends_at(&paren.pat, results, some_handled),
        _ if results == 0 => match pat {
            _ if is_none(pat) => true,
            Pat::Wild(_) => some_handled,
            Pat::Ident(ident) => ident.subpat.is_none() && some_handled,
            _ => false,
        },
        Pat::TupleStruct(tuple) if tuple.elems.len() == 1 => {
            let inner = &tuple.elems[0];
            if is_named(&tuple.path, "Ok") {
                ends_at(inner, results - 1, false)
            } else {
                is_named(&tuple.path, "Err") && results == 1 && keeps(inner)
            }
        }
        _ => false,
    }
}

/// A pattern that keeps the status it matches in a binding the code means to use
/// (`e`, not `_` or `_e`).
fn keeps(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(ident) => !ident.ident.to_string().starts_with('_'),
        Pat::Paren(paren) => keeps(&paren.pat),
        _ => false,
    }
}

fn is_named(path: &syn::Path, name: &str) -> bool {
    path.segments
        .last()
        .is_some_and(|segment| segment.ident == name)
}

fn is_none(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(ident) => ident.ident == "None" && ident.subpat.is_none(),
        Pat::Path(path) => is_named(&path.path, "None"),
        Pat::Paren(paren) => is_none(&paren.pat),
        _ => false,
    }
}

/// `Some(..)`.
pub(super) fn is_some_pattern(pat: &Pat) -> bool {
    matches!(pat, Pat::TupleStruct(some) if is_named(&some.path, "Some"))
}

/// The receiver a `match` on `scrutinee` reads, if it is a `message()` call.
pub(super) fn of_scrutinee(scrutinee: &Expr, held: Held) -> Option<Read> {
    read_of(scrutinee, held)
}

/// `let m = rx.message().await?;`: the read the local `m` holds from here on, if it
/// holds it for good (see `syntax::holds_for_good`), so a later branch on `m` is a
/// branch on that read wherever control comes from.
pub(super) fn held_by(pat: &Pat, init: &Expr, held: Held) -> Option<Read> {
    crate::syntax::holds_for_good(pat).then(|| read_of(init, held))?
}

/// For an `if` or `while` condition: the receiver whose stream ended when the
/// condition held, and the one whose stream ended when it failed.
pub(super) fn of_condition(cond: &Expr, held: Held) -> (Option<String>, Option<String>) {
    match strip(cond) {
        Expr::Let(bound) => {
            let Some(read) = read_of(&bound.expr, held) else {
                return (None, None);
            };
            match read.is_option() {
                true if is_some_pattern(&bound.pat) => (None, Some(read.name)),
                _ if read.ends_at(&bound.pat, false) => (Some(read.name), None),
                _ => (None, None),
            }
        }
        Expr::MethodCall(call) if call.args.is_empty() => {
            let Some(read) = read_of(&call.receiver, held).filter(Read::is_option) else {
                return (None, None);
            };
            match call.method.to_string().as_str() {
                "is_some" => (None, Some(read.name)),
                "is_none" => (Some(read.name), None),
                _ => (None, None),
            }
        }
        Expr::Unary(negated) if matches!(negated.op, UnOp::Not(_)) => {
            let (then, otherwise) = of_condition(&negated.expr, held);
            (otherwise, then)
        }
        _ => (None, None),
    }
}

/// `let Some(m) = rx.message().await? else { .. }`: the receiver whose stream ended
/// when the `else` runs.
pub(super) fn let_else_end(pat: &Pat, init: &Expr, held: Held) -> Option<String> {
    let read = read_of(init, held)?;
    (read.is_option() && is_some_pattern(pat)).then_some(read.name)
}
