//! `raw_stream`: tonic's raw streaming plumbing inside annotated code, which
//! bypasses the session halves (and with them every other rule).
//!
//! Found on the code as written: a mention of tonic's `Streaming`, or of the
//! `ReceiverStream` wrappers that mpsc plumbing feeds tonic with. In a service impl,
//! a hand-written response stream type too (see `service`).

use proc_macro2::{TokenStream, TokenTree};

use crate::allow::{Allowed, Rule};

/// The `raw_stream` error of a function or method as written, unless allowed: its
/// first mention (one violation: one function written against raw streams).
pub(crate) fn check(
    sig: &syn::Signature,
    body: &syn::Block,
    allowed: Allowed,
) -> Option<syn::Error> {
    if allowed.allows(Rule::RawStream) {
        return None;
    }
    let mut found = Vec::new();
    mentions(&quote::quote!(#sig #body), &mut found);
    found.into_iter().next()
}

fn mentions(tokens: &TokenStream, errors: &mut Vec<syn::Error>) {
    for token in tokens.clone() {
        match token {
            TokenTree::Ident(ident) => {
                let help = match ident.to_string().as_str() {
                    "Streaming" => {
                        "`tonic::Streaming` is the raw receiving stream. A handler takes \
                         `Request<Receiver<Req>>`; a client gets a `Receiver` from \
                         `client.method(req).await` or `client.method(..).await`"
                    }
                    "ReceiverStream" | "UnboundedReceiverStream" => {
                        "an mpsc channel wrapped as a stream is hand-made request or response \
                         plumbing. Send on the session's `Sender` (a handler's `tx`, or the one \
                         `client.method(..).await` returns)"
                    }
                    _ => continue,
                };
                errors.push(error(
                    ident.span(),
                    &format!("`{ident}` in session code bypasses the session halves"),
                    help,
                ));
            }
            TokenTree::Group(group) => mentions(&group.stream(), errors),
            _ => {}
        }
    }
}

/// A `raw_stream` error: the message, then its `help:` line.
pub(crate) fn error(span: proc_macro2::Span, message: &str, help: &str) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "raw_stream: {message}\n  = help: {help}\n  = note: allow it with a reason: \
             #[tonic_session::allow(raw_stream, reason = \"..\")]"
        ),
    )
}
