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

/// What the value of a `message()` call is, as the code sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// After `?`: `Option<T>`.
    Option,
    /// Without: `Result<Option<T>, Status>`.
    Result,
}

/// A `message()` call on a bare local, branched on.
#[derive(Clone, Debug)]
pub(super) struct Read {
    pub(super) name: String,
    form: Form,
}

/// The read a local named so holds, if it holds one (see [`held_by`]).
pub(super) type Held<'a> = &'a dyn Fn(&str) -> Option<Read>;

/// `rx.message().await?` or `rx.message().await`; `.unwrap()` or `.expect(..)` in
/// place of `?` (an error status panics there: an error path too); with the error
/// converted on the way (`.map_err(f)?`, anyhow's `.context(..)?`), which leaves
/// the `Option` as it is. Or a local that holds one of these.
fn read_of(expr: &Expr, held: Held) -> Option<Read> {
    if let Some(local) = bare_ident(expr) {
        return held(&local);
    }
    let (form, awaited) = match strip(expr) {
        Expr::Try(tried) => (Form::Option, strip(&tried.expr)),
        Expr::MethodCall(call) if unwraps(call) => (Form::Option, strip(&call.receiver)),
        other => (Form::Result, other),
    };
    let awaited = match form {
        Form::Option => without_error_conversions(awaited),
        Form::Result => awaited,
    };
    let Expr::Await(awaited) = awaited else {
        return None;
    };
    let Expr::MethodCall(call) = strip(&awaited.base) else {
        return None;
    };
    if call.method != "message" || !call.args.is_empty() {
        return None;
    }
    let name = bare_ident(&call.receiver)?;
    Some(Read { name, form })
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
        match (self.form, pat) {
            (_, Pat::Or(or)) => or.cases.iter().any(|case| self.ends_at(case, some_handled)),
            (Form::Option, pat) if is_none(pat) => true,
            (Form::Option, Pat::Wild(_)) => some_handled,
            (Form::Option, Pat::Ident(ident)) => ident.subpat.is_none() && some_handled,
            (Form::Result, Pat::TupleStruct(ok)) if is_named(&ok.path, "Ok") => {
                ok.elems.len() == 1 && ok.elems.first().is_some_and(is_none)
            }
            (Form::Result, Pat::TupleStruct(err)) if is_named(&err.path, "Err") => {
                err.elems.len() == 1 && err.elems.first().is_some_and(keeps)
            }
            _ => false,
        }
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
            match read.form {
                Form::Option if is_some_pattern(&bound.pat) => (None, Some(read.name)),
                _ if read.ends_at(&bound.pat, false) => (Some(read.name), None),
                _ => (None, None),
            }
        }
        Expr::MethodCall(call) if call.args.is_empty() => {
            let Some(read) = read_of(&call.receiver, held).filter(|read| read.form == Form::Option)
            else {
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
    (read.form == Form::Option && is_some_pattern(pat)).then_some(read.name)
}
