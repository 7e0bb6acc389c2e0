//! Collecting every error of an expansion, to report them all at once: plain
//! errors (a malformed attribute, a handler whose shape cannot be served) as
//! `compile_error!`, and the errors of the rules found on the code as written in
//! the style of the rules' checks.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};

/// The errors found so far.
#[derive(Default)]
pub(crate) struct Errors {
    plain: Option<syn::Error>,
    rules: Vec<RuleError>,
}

impl Errors {
    /// Adds one plain error.
    pub(crate) fn push(&mut self, err: syn::Error) {
        match &mut self.plain {
            Some(all) => all.combine(err),
            None => self.plain = Some(err),
        }
    }

    /// Adds one rule error.
    pub(crate) fn push_rule(&mut self, err: RuleError) {
        self.rules.push(err);
    }

    /// Adds all of `other`.
    pub(crate) fn append(&mut self, other: Errors) {
        if let Some(err) = other.plain {
            self.push(err);
        }
        self.rules.extend(other.rules);
    }

    /// Whether none was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.plain.is_none() && self.rules.is_empty()
    }

    /// The plain errors, if any (the rule errors of a caller that has none are
    /// dropped: only the attributes' own parsing uses this).
    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.plain
    }

    /// `tokens` followed by every error, as items beside them.
    pub(crate) fn after(self, tokens: TokenStream) -> TokenStream {
        let plain = self.plain.map(|err| err.to_compile_error());
        let rules = self.rules.iter().map(RuleError::to_tokens);
        quote!(#(#rules)* #tokens #plain)
    }
}

impl Extend<syn::Error> for Errors {
    fn extend<I: IntoIterator<Item = syn::Error>>(&mut self, errors: I) {
        errors.into_iter().for_each(|err| self.push(err));
    }
}

impl Extend<RuleError> for Errors {
    fn extend<I: IntoIterator<Item = RuleError>>(&mut self, errors: I) {
        errors.into_iter().for_each(|err| self.push_rule(err));
    }
}

/// A rule broken by the code as written, reported like the rules' checks:
/// `error[E0277]: <rule>: <message>`, the label at the offending code, then the
/// fix. rustc says it because a trait made for this error alone, whose
/// `#[diagnostic::on_unimplemented]` carries the words, is not implemented for
/// a type named after what was found (`found`), at the offending span: a
/// projection, so rustc adds no note about a bound.
pub(crate) struct RuleError {
    /// The offending code.
    pub(crate) span: Span,
    /// The rule's id and message: `raw_stream: ...`.
    pub(crate) message: String,
    pub(crate) label: String,
    /// The fix, then any further note.
    pub(crate) notes: Vec<String>,
    /// What was found, as rustc names it in its one line of its own: a type in
    /// `tonic_session::rules`.
    pub(crate) found: &'static str,
    /// What the rule asks, as the trait's name (`session_code_must_not_use_raw_streams`).
    pub(crate) asks: &'static str,
}

impl RuleError {
    fn to_tokens(&self) -> TokenStream {
        let span = self.span;
        let RuleError {
            message,
            label,
            notes,
            ..
        } = self;
        let asks = Ident::new(self.asks, span);
        let found = Ident::new(self.found, span);
        quote_spanned! {span=>
            const _: () = {
                #[allow(non_camel_case_types)]
                #[diagnostic::on_unimplemented(message = #message, label = #label, #(note = #notes),*)]
                trait #asks {
                    type Found;
                }
                #[diagnostic::do_not_recommend]
                impl #asks for () {
                    type Found = ();
                }
                #[allow(dead_code)]
                fn rule_error_found_here(_: <::tonic_session::rules::#found as #asks>::Found) {}
            };
        }
    }
}

/// Whether an expansion reports an error (for tests): a `compile_error!` or a
/// rule error.
#[cfg(test)]
pub(crate) fn rejects(expanded: &str) -> bool {
    expanded.contains("compile_error") || expanded.contains("rule_error_found_here")
}
