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

/// What `raw_stream` finds in the code as written.
#[derive(Clone, Copy)]
pub(crate) enum RawFound<'a> {
    /// tonic's `Streaming`, by this name.
    Streaming(&'a str),
    /// An mpsc receiver wrapped as a stream (`ReceiverStream`, ...), by this name.
    Channel(&'a str),
    /// A hand-written response stream type, by this name.
    StreamType(&'a str),
    /// A hand-written stream type of a session handler: (the type, the handler).
    ClashingStreamType(&'a str, &'a str),
}

/// The diagnostic of `raw_stream` for what it found; `fix:` and the way to allow
/// it are the notes.
pub(crate) fn raw_stream(found: RawFound) -> Diagnostic {
    let id = Rule::RawStream.name();
    let (message, label, help) = match found {
        RawFound::Streaming(name) => (
            format!("`{name}` in session code bypasses the session halves"),
            "tonic's raw receiving stream".to_owned(),
            "a handler takes `Request<Receiver<Req>>`; a client gets a `Receiver` from \
             `client.method(req).await` or `client.method(..).await`"
                .to_owned(),
        ),
        RawFound::Channel(name) => (
            format!("`{name}` in session code bypasses the session halves"),
            "an mpsc channel wrapped as a stream: hand-made request or response plumbing"
                .to_owned(),
            "send on the session's `Sender` (a handler's `tx`, or the one \
             `client.method(..).await` returns)"
                .to_owned(),
        ),
        RawFound::StreamType(name) => (
            format!("`type {name}` is a hand-written response stream in a session service"),
            "a raw response stream".to_owned(),
            "write the handler with a sending half, `tx: Sender<Resp>`, returning \
             `Result<Finished, Status>`; the attribute generates this type"
                .to_owned(),
        ),
        RawFound::ClashingStreamType(name, handler) => (
            format!("`type {name}` is written for the session handler `{handler}`"),
            format!("#[tonic_session::service] generates this type for `{handler}`"),
            format!("remove `type {name}`: `{handler}` sends through its `tx`"),
        ),
    };
    Diagnostic {
        message: format!("{id}: {message}"),
        label,
        help: format!("fix: {help}"),
    }
}

/// The id of the errors on a handler's signature: not a rule one can allow, the
/// shapes a session handler takes (`tonic_session::server`).
pub(crate) const HANDLER_SHAPE: &str = "handler_shape";

/// What is wrong with a handler's signature.
#[derive(Clone, Copy)]
pub(crate) enum Shape<'a> {
    /// Returns `Finished` but takes no `Sender`: the handler's name.
    MissingSender(&'a str),
    /// A bidi handler's `Sender` before its request.
    SenderFirst,
    /// A second argument that is not a `Sender<Resp>`.
    SecondNotSender,
    /// A first argument that is no `Request<..>`.
    FirstNotRequest,
    /// One argument that is no `Request<Receiver<Req>>`, with a `Sender` named.
    SenderAlone,
    /// Neither one nor two arguments.
    Arity,
    NotAsync,
    Generic,
    Variadic,
    /// A sending handler whose result is not `Result<Finished, _>`.
    NotFinished,
    /// A receiver tonic cannot call through: how it is written.
    Receiver(&'a str),
    /// No receiver at all.
    NoReceiver,
}

/// The diagnostic of a handler's signature.
pub(crate) fn handler_shape(shape: Shape) -> Diagnostic {
    const SERVER: &str = "`(&self, req: Request<Req>, tx: Sender<Resp>)` (server streaming)";
    const CLIENT: &str = "`(&self, req: Request<Receiver<Req>>)` (client streaming)";
    const BIDI: &str = "`(&self, req: Request<Receiver<Req>>, tx: Sender<Resp>)` (bidi)";
    const TAKE_SELF: &str =
        "take `&self` (or `self: Arc<Self>` with tonic-build's `use_arc_self(true)`)";
    let (message, label, help): (String, &str, String) = match shape {
        Shape::MissingSender(name) => (
            format!("`{name}` returns `Finished` but takes no sending half"),
            "this handler sends nothing it could finish",
            format!("add `tx: Sender<Resp>` after the request: {SERVER} or {BIDI}"),
        ),
        Shape::SenderFirst => (
            "a bidi handler takes its request first and its sending half second".to_owned(),
            "the sending half, before the request",
            format!("swap them: {BIDI}"),
        ),
        Shape::SecondNotSender => (
            "the second argument of a session handler is its sending half".to_owned(),
            "not a `Sender<Resp>`",
            "`tx: Sender<Resp>` (`tonic_session::server::Sender`)".to_owned(),
        ),
        Shape::FirstNotRequest => (
            "the first argument of a streaming handler is its request".to_owned(),
            "not a `Request<..>`",
            "`Request<Req>` (server streaming) or `Request<Receiver<Req>>` (bidi)".to_owned(),
        ),
        Shape::SenderAlone => (
            "a server-streaming handler takes the request and its sending half".to_owned(),
            "a sending half without its request",
            format!("take both: {SERVER}"),
        ),
        Shape::Arity => (
            "a session handler takes its request, and a sending half if it sends".to_owned(),
            "these fit no streaming kind",
            format!("{SERVER}, {CLIENT} or {BIDI}"),
        ),
        Shape::NotAsync => (
            "a session handler must be an `async fn`".to_owned(),
            "not `async`",
            "write `async fn`".to_owned(),
        ),
        Shape::Generic => (
            "a session handler cannot have generic parameters".to_owned(),
            "tonic's trait methods have none",
            "remove them".to_owned(),
        ),
        Shape::Variadic => (
            "a session handler cannot be variadic".to_owned(),
            "tonic's trait methods are not",
            "remove the `...`".to_owned(),
        ),
        Shape::NotFinished => (
            "a handler with a sending half returns `Result<Finished, Status>`".to_owned(),
            "not `Finished`",
            "return `Ok(tx.finish())`: the `Finished` from `tx.finish()` proves the stream \
             ended cleanly, so every `Ok` path must finish it"
                .to_owned(),
        ),
        Shape::Receiver(written) => (
            format!("a session handler cannot take `{written}`"),
            "tonic calls handlers through `&self`",
            TAKE_SELF.to_owned(),
        ),
        Shape::NoReceiver => (
            "a session handler takes `&self`".to_owned(),
            "a method without `self`",
            TAKE_SELF.to_owned(),
        ),
    };
    Diagnostic {
        message: format!("{HANDLER_SHAPE}: {message}"),
        label: label.to_owned(),
        help: format!("fix: {help}"),
    }
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
    fn errors_on_the_code_as_written_speak_like_the_rules() {
        assert!(CATALOGUE.contains(&format!("//! # `{HANDLER_SHAPE}`")));
        let shapes = [
            Shape::MissingSender("f"),
            Shape::SenderFirst,
            Shape::SecondNotSender,
            Shape::FirstNotRequest,
            Shape::SenderAlone,
            Shape::Arity,
            Shape::NotAsync,
            Shape::Generic,
            Shape::Variadic,
            Shape::NotFinished,
            Shape::Receiver("self"),
            Shape::NoReceiver,
        ];
        let raw = [
            RawFound::Streaming("Streaming"),
            RawFound::Channel("ReceiverStream"),
            RawFound::StreamType("XStream"),
            RawFound::ClashingStreamType("XStream", "x"),
        ];
        let said = shapes
            .into_iter()
            .map(|shape| (HANDLER_SHAPE, handler_shape(shape)))
            .chain(
                raw.into_iter()
                    .map(|found| ("raw_stream", raw_stream(found))),
            );
        for (id, said) in said {
            assert!(
                said.message.starts_with(&format!("{id}: ")),
                "{}",
                said.message
            );
            assert!(said.help.starts_with("fix: "), "{}", said.help);
            assert!(!said.label.is_empty() && !said.message.contains("help:"));
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
