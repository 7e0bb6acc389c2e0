//! Recognisers for the code shapes the use-site rules look for, on the code as
//! written: which calls spawn a task, share a value, or leak it; which statements
//! discard a send's result; which macros run futures concurrently.
//!
//! They only say where to look. Whether the value there is a half is the front
//! end's to decide: the attributes leave it to the compiler (by type), the checker
//! to what raw code shows (an mpsc sender feeding a stream, a `Streaming`).

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::{Expr, ExprCall, ExprMethodCall, Pat};

/// The last two segments of a call's function path (`Arc::new` -> `("Arc", "new")`).
fn path_tail(call: &ExprCall) -> Option<(Option<String>, String)> {
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    let mut segments = path.path.segments.iter().rev();
    let last = segments.next()?.ident.to_string();
    let before = segments.next().map(|segment| segment.ident.to_string());
    Some((before, last))
}

/// `tokio::spawn(..)`, `task::spawn_local(..)`, `spawn_blocking(..)`, `spawn(..)`:
/// what its arguments mention runs in another task.
pub fn is_spawn(call: &ExprCall) -> bool {
    const SPAWNS: [&str; 3] = ["spawn", "spawn_local", "spawn_blocking"];
    path_tail(call).is_some_and(|(_, last)| SPAWNS.contains(&last.as_str()))
}

/// `Arc::new(x)`, `Mutex::new(x)`, `RefCell::new(x)`, ..: a value made shareable.
pub fn is_sharing(call: &ExprCall) -> bool {
    const SHARED: [&str; 8] = [
        "Arc", "Rc", "Mutex", "RwLock", "RefCell", "Cell", "OnceCell", "OnceLock",
    ];
    path_tail(call).is_some_and(|(before, last)| {
        before.is_some_and(|ty| SHARED.contains(&ty.as_str())) && (last == "new" || last == "from")
    })
}

/// `Mutex::new(x)`, `RwLock::new(x)`, `RefCell::new(x)` (or `from`): a value put
/// behind a lock, for more than one user to take out of turn.
pub fn is_locking(call: &ExprCall) -> bool {
    const LOCKS: [&str; 3] = ["Mutex", "RwLock", "RefCell"];
    path_tail(call).is_some_and(|(before, last)| {
        before.is_some_and(|ty| LOCKS.contains(&ty.as_str())) && (last == "new" || last == "from")
    })
}

/// `mem::forget(x)`, `ManuallyDrop::new(x)`, `Box::leak(..)`, `Box::into_raw(..)`.
pub fn is_forgetting(call: &ExprCall) -> bool {
    path_tail(call).is_some_and(|(before, last)| match before.as_deref() {
        Some("ManuallyDrop") => last == "new",
        Some("Box" | "Arc" | "Rc") => last == "leak" || last == "into_raw",
        _ => last == "forget",
    })
}

/// For a statement whose value is thrown away: if that value is (derived from) the
/// result of `x.send(..)` (or, on a raw channel, `try_send`, `blocking_send`: a
/// closed channel is an error there too), that send call. Covers `x.send(m).await;`, `.ok()`,
/// `.unwrap_or_default()`, `.unwrap_or_else(|_| ..)`, `.map_err(..)`, `.is_ok()` and
/// the like, and `drop(..)` around any of them.
pub fn discarded_send(expr: &Expr) -> Option<&ExprMethodCall> {
    const SENDS: [&str; 3] = ["send", "try_send", "blocking_send"];
    match expr {
        Expr::MethodCall(call) if SENDS.iter().any(|send| call.method == send) => Some(call),
        Expr::MethodCall(call)
            if [
                "ok",
                "err",
                "is_ok",
                "is_err",
                "unwrap_or_default",
                "unwrap_or",
                "unwrap_or_else",
                "map_err",
                "map",
                "or_else",
            ]
            .contains(&call.method.to_string().as_str()) =>
        {
            discarded_send(&call.receiver)
        }
        Expr::Await(awaited) => discarded_send(&awaited.base),
        Expr::Paren(paren) => discarded_send(&paren.expr),
        Expr::Call(call) if is_drop(call) => call.args.first().and_then(discarded_send),
        _ => None,
    }
}

/// For a statement whose value is thrown away: the spawn call whose handle that is
/// (`tokio::spawn(..);`, `drop(tokio::spawn(..))`).
pub fn discarded_spawn(expr: &Expr) -> Option<&ExprCall> {
    match expr {
        Expr::Call(call) if is_spawn(call) => Some(call),
        Expr::Call(call) if is_drop(call) => match call.args.first() {
            Some(Expr::Call(inner)) if is_spawn(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// `drop(x)`, `mem::drop(x)`.
fn is_drop(call: &ExprCall) -> bool {
    call.args.len() == 1 && path_tail(call).is_some_and(|(_, last)| last == "drop")
}

/// Whether a `let` pattern throws its value away: `_`, or a name starting with `_`.
pub fn discards(pat: &Pat) -> bool {
    match pat {
        Pat::Wild(_) => true,
        Pat::Ident(ident) => ident.ident.to_string().starts_with('_') && ident.subpat.is_none(),
        Pat::Type(typed) => discards(&typed.pat),
        _ => false,
    }
}

/// For `join!`, `try_join!` and `select!` (tokio's or futures'): the token groups
/// that run as concurrent futures. `join!(a, b)`: each argument; `select!`: the
/// future of each branch (`pattern = future => handler`), not its handler, which
/// runs alone.
pub fn concurrent_parts(name: &str, tokens: &TokenStream) -> Vec<TokenStream> {
    match name {
        "join" | "try_join" => split_top_level_commas(tokens),
        "select" | "select_biased" => select_futures(tokens),
        _ => Vec::new(),
    }
}

fn split_top_level_commas(tokens: &TokenStream) -> Vec<TokenStream> {
    let mut parts = vec![TokenStream::new()];
    for token in tokens.clone() {
        match &token {
            TokenTree::Punct(punct) if punct.as_char() == ',' => parts.push(TokenStream::new()),
            _ => {
                if let Some(part) = parts.last_mut() {
                    part.extend([token]);
                }
            }
        }
    }
    parts.retain(|part| !part.is_empty());
    parts
}

/// The tokens between each branch's lone `=` and its `=>`.
fn select_futures(tokens: &TokenStream) -> Vec<TokenStream> {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut futures = Vec::new();
    let mut current: Option<TokenStream> = None;
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        let next_is_gt =
            matches!(tokens.get(index + 1), Some(TokenTree::Punct(p)) if p.as_char() == '>');
        match token {
            TokenTree::Punct(punct)
                if punct.as_char() == '=' && punct.spacing() == Spacing::Joint && next_is_gt =>
            {
                futures.extend(current.take());
                index += 2;
                continue;
            }
            TokenTree::Punct(punct)
                if punct.as_char() == '='
                    && punct.spacing() == Spacing::Alone
                    && current.is_none() =>
            {
                current = Some(TokenStream::new());
            }
            _ => {
                if let Some(future) = current.as_mut() {
                    future.extend([token.clone()]);
                }
            }
        }
        index += 1;
    }
    futures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(name: &str, tokens: &str) -> Vec<String> {
        concurrent_parts(name, &tokens.parse().expect("tokenizes"))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn join_arguments_and_select_futures() {
        assert_eq!(
            parts("join", "a(&tx), async { tx.x() },"),
            ["a (& tx)", "async { tx . x () }"]
        );
        assert_eq!(
            parts(
                "select",
                "x = tx.send(m) => { tx.y() }, Some(v) = rx.message() => v, else => {}"
            ),
            ["tx . send (m)", "rx . message ()"]
        );
        assert!(parts("println", "a, b").is_empty());
    }

    #[test]
    fn recognised_calls() {
        let call = |text: &str| syn::parse_str::<ExprCall>(text).expect("a call");
        assert!(is_spawn(&call("tokio::spawn(f)")) && is_spawn(&call("spawn_local(f)")));
        assert!(is_spawn(&call("tokio::task::spawn_blocking(f)")));
        assert!(
            is_sharing(&call("std::sync::Arc::new(tx)")) && is_sharing(&call("Mutex::new(tx)"))
        );
        assert!(!is_sharing(&call("Box::new(tx)")) && !is_sharing(&call("Arc::clone(&a)")));
        assert!(
            is_forgetting(&call("std::mem::forget(tx)")) && is_forgetting(&call("Box::leak(b)"))
        );
        assert!(
            is_forgetting(&call("ManuallyDrop::new(tx)")) && !is_forgetting(&call("Box::new(tx)"))
        );
        let expr = |text: &str| syn::parse_str::<Expr>(text).expect("an expression");
        for discarded in [
            "tx.send(m).await",
            "tx.send(m).await.ok()",
            "drop(tx.send(m))",
            "(tx.send(m).await).is_err()",
            "tx.try_send(m).ok()",
            "tx.blocking_send(m)",
        ] {
            assert!(discarded_send(&expr(discarded)).is_some(), "{discarded}");
        }
        assert!(discarded_send(&expr("tx.send(m).await?")).is_none());
        assert!(discarded_send(&expr("tx.try_send(m)?")).is_none());
        assert!(discarded_send(&expr("tx.sent(m)")).is_none());
        assert!(discarded_spawn(&expr("drop(tokio::spawn(f))")).is_some());
        assert!(discarded_spawn(&expr("drop(handle)")).is_none());
    }
}
