//! `#[tonic_session::allow(rule, .., reason = "..")]`: a visible, greppable exception
//! to a rule, with its reason. Read by the attributes that check the rules; on raw
//! code, kept for `cargo tonic-session check`.

use proc_macro2::{Span, TokenStream};
use syn::Attribute;

use crate::errors::Errors;

pub(crate) use tonic_session_engine::allow::{Allowed, Rule, is_allow, is_ours, parse};

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

/// A `#[tonic_session::allow(..)]` that no checking attribute took. Above
/// `#[tonic_session::client]` or `service` it is misplaced (it expands first, so the
/// attribute never reads it); on raw code it is an exception for `cargo tonic-session
/// check`, checked like any allow, and the item stays as written.
pub(crate) fn standalone(args: TokenStream, input: TokenStream) -> TokenStream {
    let span = args
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |token| token.span());
    let below = syn::parse::Parser::parse2(leading_attributes, input.clone()).unwrap_or_default();
    let annotated = below
        .iter()
        .any(|attr| is_ours(attr, "client") || is_ours(attr, "service"));
    let error = if annotated {
        Some(misplaced(span))
    } else {
        // Spanned at the user's words, so an error points there.
        let attr: Attribute = syn::parse_quote_spanned!(span=> #[tonic_session::allow(#args)]);
        tonic_session_engine::allow::check_on_raw_code(&attr).err()
    };
    let error = error.map(|err| err.to_compile_error());
    quote::quote!(#input #error)
}

/// The outer attributes an item starts with (the rest of it is not read).
fn leading_attributes(input: syn::parse::ParseStream) -> syn::Result<Vec<Attribute>> {
    let attrs = input.call(Attribute::parse_outer)?;
    input.parse::<TokenStream>()?;
    Ok(attrs)
}

/// The error of a `#[tonic_session::allow]` above a checking attribute.
fn misplaced(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "#[tonic_session::allow] is read by #[tonic_session::client] and #[tonic_session::service]: \
         put it below one of them, on a method or an associated type of an impl that carries \
         one, or on a `let` inside such code",
    )
}
