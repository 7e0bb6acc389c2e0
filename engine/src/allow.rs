//! `#[tonic_session::allow(rule, .., reason = "..")]`: a visible, greppable exception
//! to a rule, with its reason. The rules it can name, and what a set of attributes
//! allows; the attributes take them out of the code, the passes read them.

use syn::{Attribute, LitStr, Token};

/// The rules an `allow` can name: the rule catalogue (`tonic_session::rules`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
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
    pub const ALL: [Rule; 8] = [
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
    pub fn name(self) -> &'static str {
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
pub struct Allowed(u16);

impl Allowed {
    pub fn allows(self, rule: Rule) -> bool {
        self.0 & rule.bit() != 0
    }

    /// Adds `rule` to the set.
    pub fn insert(&mut self, rule: Rule) {
        self.0 |= rule.bit();
    }

    /// Both sets together.
    pub fn with(self, other: Allowed) -> Allowed {
        Allowed(self.0 | other.0)
    }
}

/// Whether `attr` is `#[tonic_session::allow(..)]`.
pub fn is_allow(attr: &Attribute) -> bool {
    is_ours(attr, "allow")
}

/// Whether `attr` is `#[tonic_session::<name>..]` (`client`, `service`, `allow`).
pub fn is_ours(attr: &Attribute, name: &str) -> bool {
    let segments = &attr.path().segments;
    segments.len() == 2 && segments[0].ident == "tonic_session" && segments[1].ident == name
}

/// What the `#[tonic_session::allow(..)]`s in `attrs` allow, leaving them in place
/// for the attribute to take (and to report if malformed: then, as there, they allow
/// nothing).
pub fn peek(attrs: &[Attribute]) -> Allowed {
    let mut allowed = Allowed::default();
    for attr in attrs.iter().filter(|attr| is_allow(attr)) {
        match parse(attr) {
            Ok(found) => allowed = allowed.with(found),
            Err(_) => return Allowed::default(),
        }
    }
    allowed
}

/// Rules only `cargo tonic-session check` reports (on raw code): an allow of them
/// stands on raw code, where no attribute reads it.
pub const CHECKER_RULES: [&str; 2] = ["unannotated_service", "unannotated_client"];

/// What one `#[tonic_session::allow(..)]` allows, or why it is malformed.
pub fn parse(attr: &Attribute) -> syn::Result<Allowed> {
    parse_naming(attr, &[])
}

/// Checks an allow on raw code, for the checker: it may also name
/// [`CHECKER_RULES`].
pub fn check_on_raw_code(attr: &Attribute) -> syn::Result<()> {
    parse_naming(attr, &CHECKER_RULES).map(drop)
}

/// What an allow allows of the catalogue's rules, where it may also name `extra`.
fn parse_naming(attr: &Attribute, extra: &[&str]) -> syn::Result<Allowed> {
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
        named_any = true;
        if let Some(rule) = Rule::ALL
            .into_iter()
            .find(|rule| meta.path.is_ident(rule.name()))
        {
            allowed.insert(rule);
            return Ok(());
        }
        if extra.iter().any(|name| meta.path.is_ident(name)) {
            return Ok(());
        }
        let known: Vec<&str> = Rule::ALL
            .iter()
            .map(|rule| rule.name())
            .chain(extra.iter().copied())
            .collect();
        Err(meta.error(format!(
            "no such rule; #[tonic_session::allow] takes {}, and `reason = \"..\"`",
            known.join(", ")
        )))
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
