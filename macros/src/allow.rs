//! `#[tonic_session::allow(rule, .., reason = "..")]`: a visible, greppable exception
//! to a rule, with its reason. Read by the attributes that check the rules.

use proc_macro2::Span;
use syn::Attribute;

use crate::errors::Errors;

pub(crate) use tonic_session_engine::allow::{Allowed, Rule, is_allow, parse};

/// Takes every `#[tonic_session::allow(..)]` out of `attrs`; returns what they
/// allow, or the errors of the malformed ones.
pub(crate) fn take(attrs: &mut Vec<Attribute>) -> syn::Result<Allowed> {
    let mut allowed = Allowed::default();
    let mut errors = Errors::default();
    attrs.retain(|attr| {
        if !is_allow(attr) {
            return true;
        }
        match parse(attr) {
            Ok(found) => allowed = allowed.with(found),
            Err(err) => errors.push(err),
        }
        false
    });
    match errors.into_error() {
        Some(err) => Err(err),
        None => Ok(allowed),
    }
}

/// Like [`take`], reporting malformed allows into `errors` (they allow nothing).
pub(crate) fn take_reporting(attrs: &mut Vec<Attribute>, errors: &mut Errors) -> Allowed {
    take(attrs).unwrap_or_else(|err| {
        errors.push(err);
        Allowed::default()
    })
}

/// The error of a `#[tonic_session::allow]` that no checking attribute consumed.
pub(crate) fn misplaced(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "#[tonic_session::allow] is read by #[tonic_session::client] and #[tonic_session::service]: \
         put it below one of them, on a method or an associated type of an impl that carries \
         one, or on a `let` inside such code",
    )
}
