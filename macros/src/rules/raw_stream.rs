//! `raw_stream`: tonic's raw streaming plumbing inside annotated code, which
//! bypasses the session halves (and with them every other rule).
//!
//! Found on the code as written: a mention of tonic's `Streaming`, or of the
//! `ReceiverStream` wrappers that mpsc plumbing feeds tonic with. In a service impl,
//! a hand-written response stream type too (see `service`).

use proc_macro2::{Span, TokenStream, TokenTree};

use crate::allow::{Allowed, Rule};
use crate::errors::RuleError;
use crate::rules::table::{Diagnostic, RawFound, raw_stream};

/// The `raw_stream` error of a function or method as written, unless allowed: its
/// first mention (one violation: one function written against raw streams).
pub(crate) fn check(
    sig: &syn::Signature,
    body: &syn::Block,
    allowed: Allowed,
) -> Option<RuleError> {
    if allowed.allows(Rule::RawStream) {
        return None;
    }
    first_mention(&quote::quote!(#sig #body))
}

fn first_mention(tokens: &TokenStream) -> Option<RuleError> {
    tokens.clone().into_iter().find_map(|token| match token {
        TokenTree::Ident(ident) => {
            let name = ident.to_string();
            let found = match name.as_str() {
                "Streaming" => RawFound::Streaming(&name),
                "ReceiverStream" | "UnboundedReceiverStream" => RawFound::Channel(&name),
                _ => return None,
            };
            Some(error(ident.span(), found))
        }
        TokenTree::Group(group) => first_mention(&group.stream()),
        _ => None,
    })
}

/// A `raw_stream` error at `span`, for what was `found` there.
pub(crate) fn error(span: Span, found: RawFound) -> RuleError {
    let Diagnostic {
        message,
        label,
        help,
    } = raw_stream(found);
    RuleError {
        span,
        message,
        label,
        notes: vec![
            help,
            "or allow it with a reason: `#[tonic_session::allow(raw_stream, reason = \"..\")]`"
                .to_owned(),
        ],
        found: "raw_streaming_code",
        asks: "session_code_must_not_use_raw_streams",
    }
}
