//! The check the analysis puts where a binding breaks a rule (or may): a no-op for
//! any type but a session half, and for a half a compile error naming the rule.
//!
//! The compiler picks the impl by the binding's type (autoref specialization on
//! `RuleCheck<&T>`). The impls for halves carry a method-level bound, on the half's
//! own type, on a trait made here for this site alone: its
//! `#[diagnostic::on_unimplemented]` gives the rule's message, the label and the fix;
//! its name reads as the rule (`rx_must_be_read_to_its_end`), since rustc names it;
//! a `do_not_recommend` impl for `()` keeps rustc from suggesting to write one. The
//! bound is checked only once that impl is chosen, so only a half fails. The call is
//! spanned at the offending point (the error's primary span), the bound at the
//! binding, so rustc's one note points where the half was created.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Stmt;

use crate::allow::{Allowed, Rule};

/// What a binding did wrong; one family per kind of finding, since whether it is the
/// sending or the receiving rule depends on the binding's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Family {
    /// Used from two tasks or futures, cloned, or shared through a lock or a count.
    Concurrent,
    /// Moved into a task whose handle is dropped.
    Detached,
    /// Leaked with `mem::forget` and the like.
    Forgotten,
    /// The result of a send discarded.
    IgnoredSend,
    /// May reach a normal exit unfinished or undrained (client halves).
    Cleanup,
}

/// One finding: `family`, at `at` (the primary span).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Finding {
    pub(crate) family: Family,
    pub(crate) at: Span,
    /// What the path says beyond the family, for the message.
    pub(crate) detail: Detail,
}

/// What a path-sensitive finding adds to its rule's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Nothing.
    Plain,
    /// A cleanup finding at a `break` out of the loop that read the receiver: the
    /// point where the code stopped reading, before the end.
    StoppedReading,
    /// A send reached after a failed send the code went on from.
    AfterFailedSend,
}

impl Finding {
    /// A finding of `family` at `at`.
    pub(crate) fn new(family: Family, at: Span) -> Self {
        Finding {
            family,
            at,
            detail: Detail::Plain,
        }
    }
}

/// The rules of a family for (sending, receiving) halves.
fn rules(family: Family) -> (Option<Rule>, Option<Rule>) {
    match family {
        Family::Concurrent => (Some(Rule::ConcurrentSend), Some(Rule::ConcurrentRecv)),
        Family::Detached => (Some(Rule::DetachedHalf), Some(Rule::DetachedHalf)),
        Family::Forgotten => (Some(Rule::ForgottenHalf), Some(Rule::ForgottenHalf)),
        Family::IgnoredSend => (Some(Rule::IgnoredSendError), None),
        Family::Cleanup => (Some(Rule::UnfinishedSender), Some(Rule::UndrainedReceiver)),
    }
}

/// A rule's diagnostic for binding `name`.
struct Diagnostic {
    message: String,
    label: String,
    help: String,
}

/// `None` for `raw_stream`: it is found in the code as written, not by a check.
fn diagnostic(rule: Rule, name: &str, detail: Detail) -> Option<Diagnostic> {
    let id = rule.name();
    let (message, label, help) = match rule {
        Rule::ConcurrentSend => (
            format!("`{name}` is used from a second task or future, or shared"),
            format!("`{name}` is shared here: two tasks could send on one stream at once"),
            format!(
                "a sending half has one owner: fan in through one channel (`tokio::sync::mpsc`) \
                 to the single task that owns `{name}`"
            ),
        ),
        Rule::ConcurrentRecv => (
            format!("`{name}` is used from a second task or future, or shared"),
            format!("`{name}` is shared here: two tasks could receive from one stream at once"),
            format!(
                "a receiving half has one owner: read `{name}` in one task and hand the messages \
                 on (a channel per consumer)"
            ),
        ),
        Rule::UnfinishedSender => (
            format!("`{name}` may reach this point neither finished nor cancelled (nor handed on)"),
            format!("`{name}` is dropped here unfinished: the call is reset, never completed"),
            format!(
                "end `{name}` on every path that returns normally: `{name}.finish()` (a clean \
                 half-close) or `{name}.cancel()`; or hand it on (to a task or a helper) to make it theirs"
            ),
        ),
        Rule::UndrainedReceiver => (
            format!(
                "`{name}` may reach this point neither read to its end nor cancelled (nor handed on)"
            ),
            if detail == Detail::StoppedReading {
                format!(
                    "`{name}` stops being read here, before its end: the call's final status is \
                     never read"
                )
            } else {
                format!("`{name}` is dropped here undrained: the call's final status is never read")
            },
            format!(
                "`{name}.finish().await?` reads on to the final status, so a trailing error is not \
                 lost; `{name}.cancel()` abandons the call on purpose; or hand it on to make it theirs"
            ),
        ),
        Rule::IgnoredSendError => ignored_send(name, detail),
        Rule::DetachedHalf => (
            format!("`{name}` is moved into a task whose handle is dropped"),
            format!("nobody awaits this task, so nobody learns how `{name}` ended"),
            "keep the `JoinHandle` and `.await` it (or spawn into a `JoinSet`), so the task's \
             result and the half's end are observed"
                .to_owned(),
        ),
        Rule::ForgottenHalf => (
            format!("`{name}` is leaked"),
            format!("`{name}` is never dropped: its call is neither ended nor reset"),
            format!(
                "end `{name}` (`finish`, `cancel`) or let it drop; never `mem::forget`, \
                 `ManuallyDrop` or leak a session half"
            ),
        ),
        Rule::RawStream => return None,
    };
    Some(Diagnostic {
        message: format!("{id}: {message}"),
        label,
        help: format!("fix: {help}"),
    })
}

/// The message, label and fix of `ignored_send_error` for binding `name`.
fn ignored_send(name: &str, detail: Detail) -> (String, String, String) {
    match detail {
        Detail::AfterFailedSend => (
            format!("`{name}` is sent on again after a send on it failed"),
            "this send follows a failed send the code went on from: the peer is gone, and the \
             producer keeps going"
                .to_owned(),
            format!(
                "stop when the peer is gone: `{name}.send(m).await?`, or `break`/`return` in the \
                 branch where the send failed"
            ),
        ),
        _ => (
            format!("the result of a send on `{name}` is discarded"),
            "a failed send (the peer left) is ignored here, so the producer keeps going".to_owned(),
            format!(
                "stop when the peer is gone: `{name}.send(m).await?`, or \
                 `if {name}.send(m).await.is_err() {{ break }}`"
            ),
        ),
    }
}

/// A half type, with the generics its impl declares.
struct HalfType {
    generics: TokenStream,
    ty: TokenStream,
}

/// The half types a rule of `family` applies to, sending then receiving.
fn half_types(family: Family) -> (Vec<HalfType>, Vec<HalfType>) {
    let client = quote!(::tonic_session::client);
    let server = quote!(::tonic_session::server);
    let half = |generics, ty| HalfType { generics, ty };
    let mut sending = vec![
        half(quote!(<T>), quote!(#client::Sender<T>)),
        half(quote!(<T, R>), quote!(#client::Upload<T, R>)),
    ];
    let mut receiving = vec![half(quote!(<U>), quote!(#client::Receiver<U>))];
    // Server halves are ended by the `Finished` a handler must return (and a server
    // receiver needs no drain): the cleanup rules are the client's.
    if family != Family::Cleanup {
        sending.push(half(quote!(<T>), quote!(#server::Sender<T>)));
        receiving.push(half(quote!(<U>), quote!(#server::Receiver<U>)));
        receiving.push(half(
            quote!(<U>),
            quote!(::tonic_session::__private::tonic::Request<#server::Receiver<U>>),
        ));
    }
    (sending, receiving)
}

/// What a rule asks of a half, as the tail of its bound trait's name.
fn obligation(rule: Rule) -> &'static str {
    match rule {
        Rule::ConcurrentSend => "must_have_one_sender",
        Rule::ConcurrentRecv => "must_have_one_receiver",
        Rule::UnfinishedSender => "must_be_finished_on_every_path",
        Rule::UndrainedReceiver => "must_be_read_to_its_end",
        Rule::IgnoredSendError => "send_errors_must_stop_the_sender",
        Rule::DetachedHalf => "must_end_where_someone_sees_it",
        Rule::ForgottenHalf => "must_not_be_leaked",
        Rule::RawStream => "must_not_be_raw",
    }
}

/// The check for `binding` at `finding`, unless every rule it could break is allowed.
pub(crate) fn check_stmt(binding: &Ident, finding: Finding, allowed: Allowed) -> Option<Stmt> {
    let (sending_rule, receiving_rule) = rules(finding.family);
    let sending_rule = sending_rule.filter(|rule| !allowed.allows(*rule));
    let receiving_rule = receiving_rule.filter(|rule| !allowed.allows(*rule));
    if sending_rule.is_none() && receiving_rule.is_none() {
        return None;
    }
    let created = binding.span();
    let name = binding.to_string();
    // One bound trait per rule (detached_half and forgotten_half serve both arms),
    // named as English about the binding: rustc names it in its help line.
    let bound = |rule: Rule| format_ident!("{}_{}", name, obligation(rule), span = created);
    let mut rules_used: Vec<Rule> = [sending_rule, receiving_rule]
        .into_iter()
        .flatten()
        .collect();
    rules_used.dedup();
    let bounds = rules_used.into_iter().filter_map(|rule| {
        let Diagnostic {
            message,
            label,
            help,
        } = diagnostic(rule, &name, finding.detail)?;
        let bound = bound(rule);
        // The impl for `()` only keeps rustc from suggesting to write one.
        Some(quote_spanned! {created=>
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #help)]
            trait #bound {}
            #[diagnostic::do_not_recommend]
            impl #bound for () {}
        })
    });
    let bounds: Vec<TokenStream> = bounds.collect();
    let (sending_types, receiving_types) = half_types(finding.family);
    let arm = |rule: Option<Rule>, types: Vec<HalfType>, side: &str| {
        let bound = bound(rule?);
        let generics = types.iter().map(|half| &half.generics);
        let types: Vec<&TokenStream> = types.iter().map(|half| &half.ty).collect();
        let half_trait = format_ident!("{}_half", side, span = created);
        Some(quote_spanned! {created=>
            trait #half_trait<H> {
                fn created_here(&self) where H: #bound;
            }
            #(
                impl #generics #half_trait<#types> for &::tonic_session::__private::RuleCheck<'_, #types> {
                    fn created_here(&self) where #types: #bound {}
                }
            )*
        })
    };
    let check = quote_spanned! {finding.at=>
        (&&::tonic_session::__private::RuleCheck(&#binding)).created_here()
    };
    // Each arm in a block of its own, with only its trait in scope: where the
    // binding's type is unknown (an error rustc reports already), one candidate
    // method is left, and rustc adds nothing; with both, it would add an ambiguity.
    let arms = [
        arm(sending_rule, sending_types, "sending"),
        arm(receiving_rule, receiving_types, "receiving"),
    ];
    let arms = arms.into_iter().flatten().map(|arm| {
        quote_spanned! {created=>
            {
                #arm
                #[allow(unused_imports)]
                use ::tonic_session::__private::NotAHalf as _;
                #check;
            }
        }
    });
    let stmt = quote_spanned! {created=>
        #[allow(non_camel_case_types, dead_code)]
        {
            #(#bounds)*
            #(#arms)*
        }
    };
    syn::parse2(stmt).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue users read (`tonic_session::rules`), as the runtime ships it.
    const CATALOGUE: &str = include_str!("../../../runtime/src/rules.rs");

    #[test]
    fn every_rule_has_a_section_in_the_catalogue_and_its_id_in_its_message() {
        for rule in Rule::ALL {
            let heading = format!("//! # `{}`", rule.name());
            assert!(
                CATALOGUE.contains(&heading),
                "no `{heading}` in runtime/src/rules.rs"
            );
            let Some(said) = diagnostic(rule, "x", Detail::Plain) else {
                continue;
            };
            let prefix = format!("{}: ", rule.name());
            assert!(said.message.starts_with(&prefix), "{}", said.message);
            assert!(said.help.starts_with("fix: "), "{}", said.help);
            assert!(!said.label.is_empty());
        }
    }

    #[test]
    fn every_rule_has_its_own_bound_name() {
        let names: Vec<&str> = Rule::ALL.iter().map(|rule| obligation(*rule)).collect();
        for (index, name) in names.iter().enumerate() {
            assert!(!names[index + 1..].contains(name), "{name} twice");
        }
    }
}
