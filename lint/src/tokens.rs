//! Small questions about syntax, answered on tokens and paths.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
pub use tonic_session_engine::allow::is_ours;

/// The span of the first identifier `name` in `tokens`, at any depth.
pub fn find_ident(tokens: TokenStream, name: &str) -> Option<Span> {
    tokens.into_iter().find_map(|token| match token {
        TokenTree::Ident(ident) if ident == name => Some(ident.span()),
        TokenTree::Group(group) => find_ident(group.stream(), name),
        _ => None,
    })
}

/// Whether `node` mentions the identifier `name` anywhere.
pub fn mentions(node: &impl ToTokens, name: &str) -> bool {
    find_ident(node.to_token_stream(), name).is_some()
}

/// Whether `attrs` holds `#[tonic_session::<name>]` (or `#[<name>]` imported
/// from it is not assumed: the checker reads paths as written).
pub fn has_attribute(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|attr| is_ours(attr, name))
}

/// The last segment of a path expression's path (`tokio::spawn` -> `spawn`).
pub fn last_segment(expr: &syn::Expr) -> Option<String> {
    let syn::Expr::Path(path) = expr else {
        return None;
    };
    path.path
        .segments
        .last()
        .map(|segment| segment.ident.to_string())
}

/// Whether a path expression's path mentions `segment` (`mpsc::channel`).
pub fn path_has(expr: &syn::Expr, segment: &str) -> bool {
    let syn::Expr::Path(path) = expr else {
        return false;
    };
    path.path.segments.iter().any(|part| part.ident == segment)
}

/// The identifier of a bare local (`tx`, `(tx)`).
pub fn bare_ident(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Path(path) if path.qself.is_none() => {
            path.path.get_ident().map(ToString::to_string)
        }
        syn::Expr::Paren(paren) => bare_ident(&paren.expr),
        syn::Expr::Reference(reference) => bare_ident(&reference.expr),
        _ => None,
    }
}
