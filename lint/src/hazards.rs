//! Hazards in raw tonic code, named after the catalogue's rules where they mean
//! the same thing. Conservative: a finding is made only where the code as written
//! shows it; what the checker cannot decide it does not report.
//!
//! The halves of raw code: an mpsc sender whose receiver the same function wraps in
//! a `ReceiverStream` (it feeds a response or request stream), with its clones; a
//! `Streaming<_>` (a parameter of that type, the `into_inner()` of a request of it,
//! or of an awaited call's response).

use std::collections::HashSet;

use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

use tonic_session_engine::misuse;

use crate::finding::{At, Raw};
use crate::flow::{RawHalves, path_hazards};
use crate::tokens::{bare_ident, find_ident, last_segment, mentions, path_has};

/// The hazards of one function body (with its parameters).
pub fn hazards(sig: &syn::Signature, body: &syn::Block) -> Vec<Raw> {
    let mut halves = Halves::default();
    halves.streams_from_params(sig);
    halves.visit_block(body);
    let feeding = halves.feeding();
    let on_paths = RawHalves {
        responses: halves.responses().collect(),
        feeding: feeding.iter().cloned().collect(),
    };
    let mut found = Found::with(feeding, halves.streams);
    found.visit_block(body);
    let mut raws = found.raws;
    for raw in path_hazards(sig, body, &on_paths) {
        let said = |other: &Raw| other.rule == raw.rule && other.at.line == raw.at.line;
        if !raws.iter().any(said) {
            raws.push(raw);
        }
    }
    raws
}

/// `concurrent_recv` in the types an item declares (a field
/// `Arc<Mutex<Streaming<_>>>`, an alias of one).
pub fn shared_types(item: &syn::Item) -> Vec<Raw> {
    let mut found = Found::with(HashSet::new(), Vec::new());
    match item {
        syn::Item::Struct(item) => found.visit_fields(&item.fields),
        syn::Item::Type(item) => found.visit_type(&item.ty),
        syn::Item::Enum(item) => item
            .variants
            .iter()
            .for_each(|variant| found.visit_fields(&variant.fields)),
        _ => {}
    }
    found.raws
}

/// What a body says about its halves.
#[derive(Default)]
struct Halves {
    /// (sender, receiver) of each mpsc channel made here.
    senders: Vec<(String, String)>,
    /// Receivers wrapped as a stream that goes to tonic here.
    wrapped: HashSet<String>,
    /// (local, receiver): `let local = ReceiverStream::new(receiver);`.
    wrappers: Vec<(String, String)>,
    /// (clone, of): `let clone = sender.clone();`.
    clones: Vec<(String, String)>,
    /// Locals that are raw receiving streams: where their name is written, and
    /// whether a call's response (a client's, which must be read to its end).
    streams: Vec<(String, At, bool)>,
    /// Locals read as a stream (`s.message()`): a unary call's `into_inner()` is a
    /// message, not a stream, and is never read so.
    read_as_streams: HashSet<String>,
}

impl Halves {
    /// Where the call responses among the streams are bound: those read as streams.
    fn responses(&self) -> impl Iterator<Item = At> + '_ {
        self.streams
            .iter()
            .filter(|(name, _, response)| *response && self.read_as_streams.contains(name))
            .map(|(_, at, _)| *at)
    }

    /// The senders that feed a stream going to tonic, and their clones.
    fn feeding(&self) -> HashSet<String> {
        let feeds = |sender: &String| {
            self.senders
                .iter()
                .any(|(made, receiver)| made == sender && self.wrapped.contains(receiver))
        };
        let clones = self
            .clones
            .iter()
            .filter(|(_, of)| feeds(of))
            .map(|(clone, _)| clone.clone());
        self.senders
            .iter()
            .map(|(sender, _)| sender.clone())
            .filter(|sender| feeds(sender))
            .chain(clones)
            .collect()
    }

    fn streams_from_params(&mut self, sig: &syn::Signature) {
        for input in &sig.inputs {
            if let syn::FnArg::Typed(typed) = input
                && let Pat::Ident(ident) = &*typed.pat
                && mentions(&typed.ty, "Streaming")
            {
                self.streams
                    .push((ident.ident.to_string(), At::of(ident.ident.span()), false));
            }
        }
    }
}

impl Halves {
    /// `arg` goes to tonic (a response, a request, a client call): the receiver it
    /// wraps feeds a gRPC stream.
    fn handed_to_tonic(&mut self, arg: &Expr) {
        let arg = match arg {
            Expr::Call(pinned) if last_segment(&pinned.func).as_deref() == Some("pin") => {
                pinned.args.first().unwrap_or(arg)
            }
            other => other,
        };
        if let Some(receiver) = wrapped_receiver(arg) {
            self.wrapped.insert(receiver);
        } else if let Some(name) = bare_ident(arg)
            && let Some((_, receiver)) = self.wrappers.iter().find(|(wrapper, _)| *wrapper == name)
        {
            self.wrapped.insert(receiver.clone());
        } else if let Expr::Call(inner) = arg {
            inner
                .args
                .iter()
                .for_each(|inner| self.handed_to_tonic(inner));
        }
    }
}

/// `ReceiverStream::new(rx)` (or the unbounded one): `rx`.
fn wrapped_receiver(expr: &Expr) -> Option<String> {
    let Expr::Call(call) = expr else {
        return None;
    };
    let wraps = matches!(last_segment(&call.func).as_deref(), Some("new"))
        && (path_has(&call.func, "ReceiverStream")
            || path_has(&call.func, "UnboundedReceiverStream"));
    if !wraps {
        return None;
    }
    call.args.first().and_then(bare_ident)
}

impl Visit<'_> for Halves {
    fn visit_local(&mut self, local: &syn::Local) {
        let init = local.init.as_ref().map(|init| &*init.expr);
        if let (Some(wrapper), Some(receiver)) =
            (pat_name(&local.pat), init.and_then(wrapped_receiver))
        {
            self.wrappers.push((wrapper, receiver));
        }
        match (&local.pat, init) {
            (Pat::Tuple(tuple), Some(Expr::Call(call))) if is_channel(&call.func) => {
                let names: Vec<Option<String>> = tuple.elems.iter().map(pat_name).collect();
                if let [Some(sender), Some(receiver)] = names.as_slice() {
                    self.senders.push((sender.clone(), receiver.clone()));
                }
            }
            (pat, Some(Expr::MethodCall(call))) if call.method == "clone" => {
                if let (Some(clone), Some(of)) = (pat_name(pat), bare_ident(&call.receiver)) {
                    self.clones.push((clone, of));
                }
            }
            (pat, Some(Expr::MethodCall(call))) if call.method == "into_inner" => {
                let request = bare_ident(&call.receiver)
                    .is_some_and(|of| self.streams.iter().any(|(name, _, _)| *name == of));
                let response = init.is_some_and(crate::coverage::awaited_response);
                if let (true, Some(ident)) = (request || response, pat_ident(pat)) {
                    self.streams
                        .push((ident.to_string(), At::of(ident.span()), response));
                }
            }
            _ => {}
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_call(&mut self, call: &syn::ExprCall) {
        // `Response::new(..)` or `Request::new(..)`: what goes in goes to tonic.
        let to_tonic = matches!(last_segment(&call.func).as_deref(), Some("new"))
            && (path_has(&call.func, "Response") || path_has(&call.func, "Request"));
        if to_tonic {
            call.args.iter().for_each(|arg| self.handed_to_tonic(arg));
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &syn::ExprMethodCall) {
        if call.method == "message"
            && let Some(name) = bare_ident(&call.receiver)
        {
            self.read_as_streams.insert(name);
        }
        // A generated client's method takes the request stream itself.
        call.args.iter().for_each(|arg| self.handed_to_tonic(arg));
        visit::visit_expr_method_call(self, call);
    }

    fn visit_item(&mut self, _item: &syn::Item) {}
}

fn is_channel(func: &Expr) -> bool {
    matches!(
        last_segment(func).as_deref(),
        Some("channel" | "unbounded_channel")
    ) && path_has(func, "mpsc")
}

fn pat_name(pat: &Pat) -> Option<String> {
    pat_ident(pat).map(ToString::to_string)
}

fn pat_ident(pat: &Pat) -> Option<&syn::Ident> {
    match pat {
        Pat::Ident(ident) => Some(&ident.ident),
        Pat::Type(typed) => pat_ident(&typed.pat),
        _ => None,
    }
}

/// The findings, walking the body with the halves known.
struct Found {
    feeding: HashSet<String>,
    streams: Vec<(String, At, bool)>,
    raws: Vec<Raw>,
}

impl Found {
    fn with(feeding: HashSet<String>, streams: Vec<(String, At, bool)>) -> Found {
        Found {
            feeding,
            streams,
            raws: Vec::new(),
        }
    }

    fn ignored_send(&mut self, call: &syn::ExprMethodCall) {
        let sender = call.receiver.to_token_stream().to_string();
        self.raws.push(Raw {
            rule: "ignored_send_error",
            at: At::of(call.method.span()),
            message: format!(
                "the result of a send on `{sender}`, which feeds a stream, is discarded"
            ),
            help: "a failed send means the peer is gone: stop (`tx.send(m).await.map_err(..)?`, \
                   or `break` when it fails); with tonic-session, `tx.send(m).await?` on the \
                   session's `Sender`"
                .into(),
        });
    }
}

impl Visit<'_> for Found {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Local(local) if misuse::discards(&local.pat) => {
                if let Some(init) = &local.init {
                    self.discarded(&init.expr);
                }
            }
            Stmt::Expr(expr, Some(_)) => self.discarded(expr),
            _ => {}
        }
        visit::visit_stmt(self, stmt);
    }

    fn visit_expr_call(&mut self, call: &syn::ExprCall) {
        if misuse::is_forgetting(call)
            && let Some(name) = call.args.first().and_then(bare_ident)
            && (self.feeding.contains(&name)
                || self.streams.iter().any(|(stream, _, _)| *stream == name))
        {
            self.raws.push(Raw {
                rule: "forgotten_half",
                at: At::of(callee_span(&call.func)),
                message: format!("`{name}` is leaked"),
                help: "let it drop (or end it): a leaked stream half never ends its call".into(),
            });
        }
        if misuse::is_locking(call)
            && let Some(name) = call.args.first().and_then(bare_ident)
            && self.streams.iter().any(|(stream, _, _)| *stream == name)
        {
            self.shared(&name, At::of(callee_span(&call.func)));
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_type_path(&mut self, path: &syn::TypePath) {
        let lock = path
            .path
            .segments
            .last()
            .filter(|segment| segment.ident == "Mutex" || segment.ident == "RwLock");
        if let Some(lock) = lock
            && find_ident(lock.arguments.to_token_stream(), "Streaming").is_some()
        {
            self.shared("a `Streaming`", At::of(lock.ident.span()));
        }
        visit::visit_type_path(self, path);
    }

    fn visit_item(&mut self, _item: &syn::Item) {}
}

/// Where a called function is named: the last segment of its path (`spawn` in
/// `tokio::spawn`).
fn callee_span(func: &Expr) -> proc_macro2::Span {
    match func {
        Expr::Path(path) => path
            .path
            .segments
            .last()
            .map_or_else(proc_macro2::Span::call_site, |segment| segment.ident.span()),
        other => other
            .to_token_stream()
            .into_iter()
            .last()
            .map_or_else(proc_macro2::Span::call_site, |token| token.span()),
    }
}

impl Found {
    /// A statement whose value is thrown away (`x;`, `let _ = x;`, `let _x = x;`): a
    /// send's result on a feeding sender (`ignored_send_error`), or the handle of a
    /// task that uses one (`detached_half`).
    fn discarded(&mut self, value: &Expr) {
        if let Some(send) = misuse::discarded_send(value)
            && bare_ident(&send.receiver).is_some_and(|name| self.feeding.contains(&name))
        {
            self.ignored_send(send);
        }
        let Some(call) = misuse::discarded_spawn(value) else {
            return;
        };
        let moved = call
            .args
            .iter()
            .flat_map(|arg| {
                self.feeding
                    .iter()
                    .filter(move |sender| mentions(arg, sender))
            })
            .next()
            .cloned();
        if let Some(sender) = moved {
            self.raws.push(Raw {
                rule: "detached_half",
                at: At::of(callee_span(&call.func)),
                message: format!("`{sender}` is moved into a task whose handle is dropped"),
                help: "keep the `JoinHandle` and await it (or spawn into a `JoinSet`) so the \
                       producer's end is observed; with tonic-session, send from the handler \
                       through its `Sender`"
                    .into(),
            });
        }
    }

    fn shared(&mut self, what: &str, at: At) {
        self.raws.push(Raw {
            rule: "concurrent_recv",
            at,
            message: format!(
                "{what} is shared behind a lock: two tasks could receive from one stream"
            ),
            help: "read the stream in one task and hand the messages on (a channel per \
                   consumer); with tonic-session, a `Receiver` has one owner"
                .into(),
        });
    }
}
