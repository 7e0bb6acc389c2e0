//! Small questions about syntax that the analyses ask: which identifiers a pattern
//! binds, whether an expression is a bare local, an `Err(..)`, or may yield a
//! session half.

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{Expr, Ident, Pat};

/// Every identifier in `tokens`, groups included, in order: what the analyses see of
/// code they cannot parse (macro arguments) or need only the names of.
pub fn idents(tokens: &TokenStream) -> Vec<Ident> {
    fn walk(tokens: &TokenStream, found: &mut Vec<Ident>) {
        for token in tokens.clone() {
            match token {
                TokenTree::Ident(ident) => found.push(ident),
                TokenTree::Group(group) => walk(&group.stream(), found),
                _ => {}
            }
        }
    }
    let mut found = Vec::new();
    walk(tokens, &mut found);
    found
}

/// Whether `tokens` name any of `names`.
pub fn names_any(tokens: &TokenStream, names: &[&str]) -> bool {
    idents(tokens)
        .iter()
        .any(|ident| names.iter().any(|name| ident == name))
}

/// Whether `expr` can produce a session half: it awaits something, moves a
/// binding (`let rx2 = rx;`), or takes a request apart (`request.into_inner()`).
pub fn may_yield_a_half(expr: &Expr) -> bool {
    let into_inner = matches!(expr, Expr::MethodCall(call) if call.method == "into_inner");
    into_inner || bare_ident(expr).is_some() || awaits(expr)
}

/// Whether `.await` appears anywhere in `expr`, macro arguments included. A walk of
/// the tree, not of its tokens: inside a proc macro every token made is a call to
/// the compiler, and this is asked of every `let`.
fn awaits(expr: &Expr) -> bool {
    struct Awaits(bool);
    impl<'a> Visit<'a> for Awaits {
        fn visit_expr_await(&mut self, _: &'a syn::ExprAwait) {
            self.0 = true;
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Verbatim(tokens) => self.0 |= names_any(tokens, &["await"]),
                other if !self.0 => visit::visit_expr(self, other),
                _ => {}
            }
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            self.0 |= names_any(&mac.tokens, &["await"]);
        }
    }
    let mut found = Awaits(false);
    found.visit_expr(expr);
    found.0
}

/// Whether a type or pattern names a session half (`Sender`, `Upload`, `Receiver`).
pub fn mentions_a_half(tokens: &TokenStream) -> bool {
    names_any(tokens, &["Sender", "Upload", "Receiver"])
}

/// The identifiers a pattern binds by value (`x`, `mut x`, `(a, b)`, `x: T`).
pub fn pattern_idents(pat: &Pat) -> Vec<Ident> {
    match pat {
        Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
            vec![ident.ident.clone()]
        }
        Pat::Tuple(tuple) => tuple.elems.iter().flat_map(pattern_idents).collect(),
        Pat::Type(typed) => pattern_idents(&typed.pat),
        Pat::Paren(paren) => pattern_idents(&paren.pat),
        Pat::TupleStruct(tuple) => tuple.elems.iter().flat_map(pattern_idents).collect(),
        _ => Vec::new(),
    }
}

/// The patterns of the `let`s in an `if` or `while` condition (`let` chains too).
pub fn collect_lets<'e>(expr: &'e Expr, lets: &mut Vec<&'e Pat>) {
    match expr {
        Expr::Let(bound) => lets.push(&bound.pat),
        Expr::Binary(binary) => {
            collect_lets(&binary.left, lets);
            collect_lets(&binary.right, lets);
        }
        Expr::Paren(paren) => collect_lets(&paren.expr, lets),
        _ => {}
    }
}

/// The name of a bare local (`x`, `(x)`).
pub fn bare_ident(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident().map(ToString::to_string),
        Expr::Paren(paren) => bare_ident(&paren.expr),
        _ => None,
    }
}

/// A binding that holds its value for good: a plain name, neither `mut` nor `ref`
/// (a type ascription allowed), so what it was given is what it has wherever it
/// is looked at.
pub fn holds_for_good(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Type(typed) => holds_for_good(&typed.pat),
        syn::Pat::Ident(ident) => {
            ident.mutability.is_none() && ident.by_ref.is_none() && ident.subpat.is_none()
        }
        _ => false,
    }
}

/// `Err(..)` (or `Err(..).into()`-free forms): a value that makes the path an
/// error exit.
pub fn is_err_value(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Err"))
        }
        Expr::Paren(paren) => is_err_value(&paren.expr),
        _ => false,
    }
}
