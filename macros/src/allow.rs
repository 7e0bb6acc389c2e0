//! `#[tonic_session::allow(rule, .., reason = "..")]`: a visible, greppable exception
//! to a rule, with its reason. Read by the attributes that check the rules.

use proc_macro2::Span;
use syn::{Attribute, LitStr, Token};

use crate::errors::Errors;

/// The rules an `allow` can name: the rule catalogue (`tonic_session::rules`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    ConcurrentSend,
    ConcurrentRecv,
    UnfinishedSender,
    UndrainedReceiver,
    IgnoredSendError,
    DetachedHalf,
    ForgottenHalf,
    RawStream,
}

impl Rule {
    pub(crate) const ALL: [Rule; 8] = [
        Rule::ConcurrentSend,
        Rule::ConcurrentRecv,
        Rule::UnfinishedSender,
        Rule::UndrainedReceiver,
        Rule::IgnoredSendError,
        Rule::DetachedHalf,
        Rule::ForgottenHalf,
        Rule::RawStream,
    ];

    /// The rule's id, as messages and `allow` spell it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Rule::ConcurrentSend => "concurrent_send",
            Rule::ConcurrentRecv => "concurrent_recv",
            Rule::UnfinishedSender => "unfinished_sender",
            Rule::UndrainedReceiver => "undrained_receiver",
            Rule::IgnoredSendError => "ignored_send_error",
            Rule::DetachedHalf => "detached_half",
            Rule::ForgottenHalf => "forgotten_half",
            Rule::RawStream => "raw_stream",
        }
    }

    fn bit(self) -> u16 {
        1 << self as u16
    }
}

/// The rules allowed at some place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Allowed(u16);

impl Allowed {
    pub(crate) fn allows(self, rule: Rule) -> bool {
        self.0 & rule.bit() != 0
    }

    fn insert(&mut self, rule: Rule) {
        self.0 |= rule.bit();
    }

    /// Both sets together.
    pub(crate) fn with(self, other: Allowed) -> Allowed {
        Allowed(self.0 | other.0)
    }
}

/// Whether `attr` is `#[tonic_session::allow(..)]`.
pub(crate) fn is_allow(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments == ["tonic_session", "allow"]
}

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

/// What the `#[tonic_session::allow(..)]`s in `attrs` allow, leaving them in place
/// for [`take`] to take (and to report if malformed: then, as there, they allow
/// nothing).
pub(crate) fn peek(attrs: &[Attribute]) -> Allowed {
    let mut allowed = Allowed::default();
    for attr in attrs.iter().filter(|attr| is_allow(attr)) {
        match parse(attr) {
            Ok(found) => allowed = allowed.with(found),
            Err(_) => return Allowed::default(),
        }
    }
    allowed
}

fn parse(attr: &Attribute) -> syn::Result<Allowed> {
    let mut allowed = Allowed::default();
    let mut named_any = false;
    let mut reason: Option<LitStr> = None;
    attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("reason") {
            meta.input.parse::<Token![=]>()?;
            let text: LitStr = meta.input.parse()?;
            if text.value().trim().is_empty() {
                return Err(syn::Error::new(
                    text.span(),
                    "the reason of an allow cannot be empty",
                ));
            }
            reason = Some(text);
            return Ok(());
        }
        let Some(rule) = Rule::ALL
            .into_iter()
            .find(|rule| meta.path.is_ident(rule.name()))
        else {
            let known: Vec<&str> = Rule::ALL.iter().map(|rule| rule.name()).collect();
            return Err(meta.error(format!(
                "no such rule; #[tonic_session::allow] takes {}, and `reason = \"..\"`",
                known.join(", ")
            )));
        };
        allowed.insert(rule);
        named_any = true;
        Ok(())
    })?;
    if !named_any {
        return Err(syn::Error::new_spanned(
            attr,
            "name the rule to allow: #[tonic_session::allow(unfinished_sender, reason = \"..\")]",
        ));
    }
    if reason.is_none() {
        return Err(syn::Error::new_spanned(
            attr,
            "an allow needs its reason, for the next reader: add `reason = \"..\"`",
        ));
    }
    Ok(allowed)
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
