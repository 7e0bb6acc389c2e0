//! The rule table: for each rule, the message, the label at the offending use and
//! the fix, as every check the attributes generate says them, and what the rule
//! asks of a half, as rustc names the bound that carries it.

use crate::allow::Rule;
use crate::rules::findings::{Detail, Family};

/// The rules of a family for (sending, receiving) halves.
pub(crate) fn rules(family: Family) -> (Option<Rule>, Option<Rule>) {
    match family {
        Family::Concurrent => (Some(Rule::ConcurrentSend), Some(Rule::ConcurrentRecv)),
        Family::Detached => (Some(Rule::DetachedHalf), Some(Rule::DetachedHalf)),
        Family::Forgotten => (Some(Rule::ForgottenHalf), Some(Rule::ForgottenHalf)),
        Family::IgnoredSend => (Some(Rule::IgnoredSendError), None),
        Family::Cleanup => (Some(Rule::UnfinishedSender), Some(Rule::UndrainedReceiver)),
    }
}

/// A rule's diagnostic for binding `name`.
pub(crate) struct Diagnostic {
    pub(crate) message: String,
    pub(crate) label: String,
    pub(crate) help: String,
}

/// `None` for `raw_stream`: it is found in the code as written, not by a check.
pub(crate) fn diagnostic(rule: Rule, name: &str, detail: Detail) -> Option<Diagnostic> {
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
                "`{name}.finish().await?` reads on to the final status (an upload's pending reply: \
                 `{name}.await?`), so a trailing error is not lost; `{name}.cancel()` abandons the \
                 call on purpose; or hand it on to make it theirs"
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

/// What a rule asks of a half, as the tail of its bound trait's name.
pub(crate) fn obligation(rule: Rule) -> &'static str {
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
