//! Attribute macros of [tonic-session](https://docs.rs/tonic-session). Depend on
//! `tonic-session` and use them from there; the generated code names its runtime.
#![forbid(unsafe_code)]

mod allow;
mod client;
mod errors;
#[cfg(test)]
mod never_panics;
mod rules;
mod service;
mod syntax;
mod types;

use proc_macro::TokenStream;

/// Rewrites the streaming handlers of a tonic service impl into session handlers.
/// Documented, with examples, where it is meant to be used: `tonic_session::service`.
#[proc_macro_attribute]
pub fn service(args: TokenStream, input: TokenStream) -> TokenStream {
    service::expand(args.into(), input.into()).into()
}

/// Turns calls of streaming RPCs into session halves.
/// Documented, with examples, where it is meant to be used: `tonic_session::client`.
#[proc_macro_attribute]
pub fn client(args: TokenStream, input: TokenStream) -> TokenStream {
    client::expand(args.into(), input.into()).into()
}

/// An exception to a rule, with its reason: `#[tonic_session::allow(unfinished_sender,
/// reason = "..")]`. Read by `#[tonic_session::client]` (on a `let`, a method, or
/// below the attribute on a function); anywhere else it is an error that says so.
#[proc_macro_attribute]
pub fn allow(args: TokenStream, input: TokenStream) -> TokenStream {
    let input = proc_macro2::TokenStream::from(input);
    let span = proc_macro2::TokenStream::from(args)
        .into_iter()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |token| token.span());
    let error = allow::misplaced(span).to_compile_error();
    quote::quote!(#input #error).into()
}
