//! Coverage: streaming code outside the attributes. `unannotated_service`, an impl
//! of a tonic-generated server trait with streaming handlers; `unannotated_client`,
//! a function that makes a streaming call or reads a raw stream.

use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Expr, ImplItem, ItemImpl};

use crate::finding::{At, Raw};
use crate::tokens::{bare_ident, find_ident};

/// Whether `item` is a server trait impl with streaming handlers (the shapes
/// tonic-build generates: a `Streaming<_>` request, or a `type XStream` the
/// handlers return); its finding if so.
pub fn unannotated_service(item: &ItemImpl) -> Option<Raw> {
    let (_, trait_path, _) = item.trait_.as_ref()?;
    let stream_types: Vec<String> = item
        .items
        .iter()
        .filter_map(|member| match member {
            ImplItem::Type(ty) if ty.ident.to_string().ends_with("Stream") => {
                Some(ty.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let streaming = item.items.iter().any(|member| match member {
        ImplItem::Fn(method) => {
            let inputs = method.sig.inputs.to_token_stream();
            let output = method.sig.output.to_token_stream();
            find_ident(inputs, "Streaming").is_some()
                || stream_types
                    .iter()
                    .any(|name| find_ident(output.clone(), name).is_some())
        }
        _ => false,
    });
    if !streaming {
        return None;
    }
    let service = trait_path
        .segments
        .last()
        .map(|segment| segment.ident.to_string());
    let service = service.unwrap_or_default();
    Some(Raw {
        rule: "unannotated_service",
        at: At::of(item.impl_token.span),
        message: format!(
            "`impl {service}` has streaming handlers but no `#[tonic_session::service]`"
        ),
        help: "add `#[tonic_session::service]` to the impl and write each streaming handler \
               with session halves: `tx: Sender<Resp>` returning `Result<Finished, Status>` in \
               place of `type XStream`, `Request<Receiver<Req>>` in place of `Streaming<Req>`"
            .into(),
    })
}

/// The first sign in a function that it makes or reads a streaming call outside
/// `#[tonic_session::client]`, as a finding about `name`.
pub fn unannotated_client(name: &str, sig: &syn::Signature, body: &syn::Block) -> Option<Raw> {
    if let Some(span) = find_ident(sig.to_token_stream(), "Streaming") {
        return Some(client_finding(
            name,
            At::of(span),
            "takes or returns tonic's raw `Streaming`",
        ));
    }
    let mut found = ClientSigns::default();
    found.visit_block(body);
    let (at, what) = found.first?;
    Some(client_finding(name, at, what))
}

fn client_finding(name: &str, at: At, what: &str) -> Raw {
    Raw {
        rule: "unannotated_client",
        at,
        message: format!("`{name}` {what} outside `#[tonic_session::client]`"),
        help: format!(
            "add `#[tonic_session::client]` to `{name}`: a server-streaming call then gives a \
             `Receiver` read to its status, `client.method(..)` a sending half in place of a \
             hand-built request stream"
        ),
    }
}

/// What marks a body as streaming client code.
#[derive(Default)]
struct ClientSigns {
    first: Option<(At, &'static str)>,
    /// Locals bound to `call(..).await?.into_inner()`: a response that may stream.
    responses: Vec<String>,
    /// Locals bound to a request stream built by hand (see `wraps_a_receiver`).
    hand_built: Vec<String>,
}

impl ClientSigns {
    fn found(&mut self, at: At, what: &'static str) {
        if self.first.is_none_or(|(first, _)| at < first) {
            self.first = Some((at, what));
        }
    }
}

/// Whether `expr` is, or wraps in calls (`Request::new(..)`), a request stream
/// built by hand: `ReceiverStream::new(..)`, or a stream of an iterator
/// (`tokio_stream::iter(..)`, `futures::stream::iter(..)`).
fn wraps_a_receiver(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    let Expr::Path(func) = &*call.func else {
        return false;
    };
    let segments = &func.path.segments;
    let wrapper = segments.iter().any(|segment| {
        segment.ident == "ReceiverStream" || segment.ident == "UnboundedReceiverStream"
    });
    let mut from_the_end = segments.iter().rev();
    let stream_of_iter = from_the_end.next().is_some_and(|last| last.ident == "iter")
        && from_the_end
            .next()
            .is_some_and(|module| module.ident == "stream" || module.ident == "tokio_stream");
    wrapper || stream_of_iter || call.args.iter().any(wraps_a_receiver)
}

/// The methods that read a streaming response: tonic's own, and the `Stream`
/// extensions' (tokio-stream's and futures' `next`, `try_next`).
const READS: [&str; 3] = ["message", "next", "try_next"];

/// Methods of the standard library that take a range, where `..` is just that.
const STD_RANGE_METHODS: [&str; 13] = [
    "drain",
    "splice",
    "get",
    "get_mut",
    "get_unchecked",
    "get_unchecked_mut",
    "replace_range",
    "copy_within",
    "range",
    "range_mut",
    "slice",
    "index",
    "index_mut",
];

/// Whether `expr` is `<call>.await[?].into_inner()`.
pub(crate) fn awaited_response(expr: &Expr) -> bool {
    let Expr::MethodCall(call) = expr else {
        return false;
    };
    if call.method != "into_inner" {
        return false;
    }
    let mut inner = &*call.receiver;
    if let Expr::Try(tried) = inner {
        inner = &tried.expr;
    }
    matches!(inner, Expr::Await(awaited) if matches!(&*awaited.base, Expr::MethodCall(_)))
}

impl Visit<'_> for ClientSigns {
    fn visit_local(&mut self, local: &syn::Local) {
        if let (syn::Pat::Ident(ident), Some(init)) = (&local.pat, &local.init) {
            if awaited_response(&init.expr) {
                self.responses.push(ident.ident.to_string());
            }
            if wraps_a_receiver(&init.expr) {
                self.hand_built.push(ident.ident.to_string());
            }
        }
        if let syn::Pat::Type(typed) = &local.pat
            && let Some(span) = find_ident(typed.ty.to_token_stream(), "Streaming")
        {
            self.found(At::of(span), "holds tonic's raw `Streaming`");
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_method_call(&mut self, call: &syn::ExprMethodCall) {
        let takes_ranges = STD_RANGE_METHODS.iter().any(|name| call.method == name);
        for arg in &call.args {
            match arg {
                Expr::Range(range)
                    if range.start.is_none() && range.end.is_none() && !takes_ranges =>
                {
                    self.found(
                        At::of(call.method.span()),
                        "calls with `..` (a session's request stream)",
                    );
                }
                other
                    if wraps_a_receiver(other)
                        || bare_ident(other)
                            .is_some_and(|name| self.hand_built.contains(&name)) =>
                {
                    self.found(
                        At::of(call.method.span()),
                        "passes a hand-built request stream",
                    );
                }
                _ => {}
            }
        }
        if READS.iter().any(|read| call.method == read)
            && let Some(name) = bare_ident(&call.receiver)
            && self.responses.contains(&name)
        {
            self.found(At::of(call.method.span()), "reads a streaming response");
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_item(&mut self, _item: &syn::Item) {}
}
