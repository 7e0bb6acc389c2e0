//! `#[tonic_session::client]`: on an `fn` or an `impl` block, turns calls of
//! streaming RPCs into session halves (see `calls`).
//!
//! Never panics: every rejection is a spanned `syn::Error`, emitted with the item.

pub(crate) mod calls;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{ImplItem, Item};

use crate::allow::{self, Allowed};
use crate::client::calls::CallRewriter;
use crate::errors::Errors;
use crate::rules::raw_stream;
use crate::rules::use_sites::{Analysis, Side};

/// Expands the attribute; never fails: the item is kept, and every error is
/// reported beside it.
pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item = match syn::parse2::<Item>(input.clone()) {
        Ok(item) => item,
        Err(err) => return with_error(input, err),
    };
    if !args.is_empty() {
        let err = syn::Error::new(args.span(), "#[tonic_session::client] takes no arguments");
        return with_error(item.into_token_stream(), err);
    }
    let mut errors = Errors::default();
    match &mut item {
        Item::Fn(function) => {
            let allowed = allow::take_reporting(&mut function.attrs, &mut errors);
            rewrite(&function.sig, &mut function.block, allowed, &mut errors);
        }
        Item::Impl(block) => {
            let for_all = allow::take_reporting(&mut block.attrs, &mut errors);
            for member in &mut block.items {
                if let ImplItem::Fn(method) = member {
                    let allowed =
                        for_all.with(allow::take_reporting(&mut method.attrs, &mut errors));
                    rewrite(&method.sig, &mut method.block, allowed, &mut errors);
                }
            }
        }
        other => {
            let err = syn::Error::new(
                other.span(),
                "#[tonic_session::client] goes on a function, or an impl block whose methods call gRPC clients",
            );
            return with_error(other.into_token_stream(), err);
        }
    }
    errors.after(item.into_token_stream())
}

/// Checks cleanup on the code as written, then turns its calls into sessions.
fn rewrite(sig: &syn::Signature, body: &mut syn::Block, allowed: Allowed, errors: &mut Errors) {
    errors.extend(raw_stream::check(sig, body, allowed));
    let analysis = Analysis::of_function(&sig.inputs, body, allowed, Side::Client);
    CallRewriter::for_body(body).visit_block_mut(body);
    errors.append(analysis.errors);
}

fn with_error(tokens: TokenStream, err: syn::Error) -> TokenStream {
    let errors = err.to_compile_error();
    quote!(#tokens #errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "async fn f(mut client: C, flag: bool) -> Result<(), Status> {
        let (mut tx, rx) = client.chat(.., |r| r.set_timeout(d)).await?;
        let mut up = client.upload(..).await?;
        'outer: loop {
            while let Some(m) = rx.message().await? { if m.x { break 'outer; } continue; }
            for i in 0..3 { tx.send(i).await?; }
            break;
        }
        let Some(v) = maybe() else { return Err(Status::internal(\"\")); };
        tokio::spawn(async move { up.finish().await });
        match flag { true => { let _ = tx.finish(); } false => return Ok(()) }
        let c = || rx.cancel();
        println!(\"{}\", v);
        if let Ok(x) = client.watch(req).await { drop(x); }
        Ok(())
    }";

    #[test]
    fn every_prefix_expands_without_panicking() {
        let tokens: Vec<proc_macro2::TokenTree> = SAMPLE
            .parse::<TokenStream>()
            .expect("tokenizes")
            .into_iter()
            .collect();
        for end in 0..=tokens.len() {
            let prefix: TokenStream = tokens[..end].iter().cloned().collect();
            let _ = expand(TokenStream::new(), prefix);
        }
        let whole = expand(TokenStream::new(), SAMPLE.parse().expect("tokenizes")).to_string();
        assert!(!crate::errors::rejects(&whole), "{whole}");
        // `up` is moved into a task before any return, so it does not leak, but
        // the task's handle is dropped: one detached_half check. `tx` leaks on the
        // `false` arm. So does `rx`: `break 'outer` leaves its `while let` before
        // the end, and the `false` arm returns before the closure that cancels it.
        // Each check has one trait for a sending half, bound by the rule it names.
        let checks = |name: &str| {
            let sending = format!(
                "trait sending_half < H , V > {{ fn created_here (self) -> V where H : {name}_"
            );
            whole.matches(&sending).count()
        };
        assert_eq!((checks("tx"), checks("rx"), checks("up")), (1, 1, 1));
        assert!(whole.contains("detached_half: `up`"), "{whole}");
        assert!(!whole.contains("unfinished_sender: `up`"), "{whole}");
        // Plain values cannot be halves: `c` is a closure, `v` a pattern from a
        // call that is not awaited, `client` a parameter of some type `C`.
        assert_eq!((checks("c"), checks("v"), checks("client")), (0, 0, 0));
    }

    #[test]
    fn only_functions_and_impls() {
        let out = expand(TokenStream::new(), "struct S;".parse().expect("tokenizes")).to_string();
        assert!(crate::errors::rejects(&out));
        let out = expand(
            "x".parse().expect("tokenizes"),
            "fn f() {}".parse().expect("tokenizes"),
        )
        .to_string();
        assert!(out.contains("takes no arguments"));
    }
}
