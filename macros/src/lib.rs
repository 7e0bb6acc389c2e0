//! Attribute macros of [tonic-session](https://docs.rs/tonic-session). Depend on
//! `tonic-session` and use them from there; the generated code names its runtime.
#![forbid(unsafe_code)]

mod expand;
mod handler;
mod method_options;
mod naming;
mod service;
mod types;

use proc_macro::TokenStream;

/// Rewrites the streaming handlers of a tonic service impl into session handlers.
///
/// See the `tonic_session::service` documentation for the handler shapes.
#[proc_macro_attribute]
pub fn service(args: TokenStream, input: TokenStream) -> TokenStream {
    service::expand(args.into(), input.into()).into()
}
