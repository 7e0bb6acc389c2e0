//! Local containers of halves: `Some(tx)`, `(tx, rx)`, `Wrapper { tx }`, `[tx]`,
//! `vec![tx]`, `Box::new(tx)`. A half moved into one is not handed on: the container
//! takes over its end, and dropping the container unended leaks it.

use syn::punctuated::Punctuated;
use syn::{Expr, Token};

use crate::syntax::bare_ident;

/// Calls that wrap their argument in a container.
const WRAPPERS: [&str; 3] = ["Some", "Ok", "Err"];

/// The bare locals `init` moves into a container it builds (nested containers
/// included).
pub fn moved_in(init: &Expr) -> Vec<String> {
    let mut names = Vec::new();
    collect(init, &mut names, false);
    names
}

/// `inside`: whether `expr` is an element of a container being built.
fn collect(expr: &Expr, names: &mut Vec<String>, inside: bool) {
    if let (true, Some(name)) = (inside, bare_ident(expr)) {
        names.push(name);
        return;
    }
    match expr {
        Expr::Tuple(tuple) => tuple
            .elems
            .iter()
            .for_each(|elem| collect(elem, names, true)),
        Expr::Array(array) => array
            .elems
            .iter()
            .for_each(|elem| collect(elem, names, true)),
        Expr::Struct(object) => {
            for field in &object.fields {
                collect(&field.expr, names, true);
            }
        }
        Expr::Call(call) if is_wrapper(&call.func) => {
            call.args.iter().for_each(|arg| collect(arg, names, true));
        }
        Expr::Macro(mac) if mac.mac.path.is_ident("vec") => {
            let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
            if let Ok(elems) = mac.mac.parse_body_with(parser) {
                elems.iter().for_each(|elem| collect(elem, names, true));
            }
        }
        Expr::Paren(paren) => collect(&paren.expr, names, inside),
        _ => {}
    }
}

/// `Some(..)`, `Ok(..)`, `Err(..)`, `Box::new(..)`.
fn is_wrapper(func: &Expr) -> bool {
    let Expr::Path(path) = func else {
        return false;
    };
    let mut segments = path.path.segments.iter().rev();
    match (segments.next(), segments.next()) {
        (Some(last), None) => WRAPPERS.iter().any(|wrapper| last.ident == wrapper),
        (Some(last), Some(ty)) => last.ident == "new" && ty.ident == "Box",
        _ => false,
    }
}
