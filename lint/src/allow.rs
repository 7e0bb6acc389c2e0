//! `#[tonic_session::allow(rule, .., reason = "..")]`, honoured on raw code as in
//! annotated code; without a reason it is itself a finding.

use crate::finding::{At, Raw};
use crate::tokens::is_ours;

/// The rules an item's attributes allow, and the finding of an allow without a
/// reason, if any.
pub fn allowed(attrs: &[syn::Attribute]) -> (Vec<String>, Option<Raw>) {
    let mut rules = Vec::new();
    let mut missing = None;
    for attr in attrs {
        if !is_ours(attr, "allow") {
            continue;
        }
        let mut reason = false;
        let parsed = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("reason") {
                let value: syn::LitStr = meta.value()?.parse()?;
                reason = !value.value().trim().is_empty();
            } else if let Some(rule) = meta.path.get_ident() {
                rules.push(rule.to_string());
            }
            Ok(())
        });
        if parsed.is_err() || !reason {
            missing = Some(Raw {
                rule: "allow_without_reason",
                at: At::of(attr.pound_token.span),
                message: "an allow of a tonic-session rule without a reason".into(),
                help: "say why: `#[tonic_session::allow(rule, reason = \"..\")]`, so a grep \
                       finds every exception and its cause"
                    .into(),
            });
        }
    }
    (rules, missing)
}
