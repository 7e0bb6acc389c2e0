//! Which methods of a service impl are session handlers, and of what RPC kind.
//!
//! The kind comes from the signature the user wrote:
//!
//! | arguments after the receiver | kind |
//! |---|---|
//! | `Request<Req>, Sender<Resp>` | server streaming |
//! | `Request<Receiver<Req>>` | client streaming |
//! | `Request<Receiver<Req>>, Sender<Resp>` | bidi streaming |
//!
//! Anything else that names no session half is not ours (unary handlers, raw tonic
//! handlers) and passes through untouched.

use proc_macro2::{Ident, Span};
use syn::spanned::Spanned;
use syn::{FnArg, ImplItemFn, Receiver, ReturnType, Type};

use crate::types::{is_named, single_generic};

/// The streaming RPC kinds a session handler can serve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    ServerStreaming,
    ClientStreaming,
    Bidi,
}

/// How the handler receives the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SelfArg {
    /// `&self`: the body owns a clone of the service.
    Ref,
    /// `self: Arc<Self>` (tonic-build's `use_arc_self(true)`): the body owns the `Arc`.
    Arc,
}

/// A session handler, classified and checked.
pub(crate) struct Handler {
    pub(crate) kind: Kind,
    pub(crate) self_arg: SelfArg,
    /// The receiver as written (`&self`, `self: Arc<Self>`), reused in the trait method.
    pub(crate) receiver: Receiver,
    pub(crate) name: Ident,
    /// Server streaming: the request type as written (`Request<Req>`).
    pub(crate) request: Option<Type>,
    /// Client and bidi streaming: `Req` of `Request<Receiver<Req>>`.
    pub(crate) request_message: Option<Type>,
    /// Server and bidi streaming: `Resp` of `Sender<Resp>`.
    pub(crate) response_message: Option<Type>,
    /// Client streaming: the return type as written.
    pub(crate) output: ReturnType,
    pub(crate) span: Span,
}

/// Classifies `method`: `Ok(None)` when it is not a session handler.
pub(crate) fn classify(method: &ImplItemFn) -> syn::Result<Option<Handler>> {
    let sig = &method.sig;
    let typed: Vec<&Type> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(pat) => Some(&*pat.ty),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let names_a_half = typed
        .iter()
        .any(|ty| is_named(ty, "Sender") || receiving_request(ty).is_some());
    if !names_a_half {
        return Ok(None);
    }

    let kind = match typed.as_slice() {
        [request, sender] => {
            let response = single_generic(sender, "Sender").ok_or_else(|| {
                syn::Error::new(
                    sender.span(),
                    "the second argument of a session handler is its sending half, \
                     `Sender<Resp>` (tonic_session::server::Sender)",
                )
            })?;
            match receiving_request(request) {
                Some(message) => (
                    Kind::Bidi,
                    None,
                    Some(message.clone()),
                    Some(response.clone()),
                ),
                None if single_generic(request, "Request").is_some() => (
                    Kind::ServerStreaming,
                    Some((*request).clone()),
                    None,
                    Some(response.clone()),
                ),
                None => {
                    return Err(syn::Error::new(
                        request.span(),
                        "the first argument of a streaming handler is its request: \
                         `Request<Req>` (server streaming) or `Request<Receiver<Req>>` (bidi)",
                    ));
                }
            }
        }
        [request] => match receiving_request(request) {
            Some(message) => (Kind::ClientStreaming, None, Some(message.clone()), None),
            None => {
                return Err(syn::Error::new(
                    request.span(),
                    "a server-streaming handler takes the request and its sending half: \
                     `(&self, req: Request<Req>, tx: Sender<Resp>)`",
                ));
            }
        },
        _ => {
            return Err(syn::Error::new(
                sig.inputs.span(),
                "a session handler takes `(req: Request<Req>, tx: Sender<Resp>)` (server streaming), \
                 `(req: Request<Receiver<Req>>)` (client streaming) or \
                 `(req: Request<Receiver<Req>>, tx: Sender<Resp>)` (bidi)",
            ));
        }
    };
    let (kind, request, request_message, response_message) = kind;

    if sig.asyncness.is_none() {
        return Err(syn::Error::new(
            sig.fn_token.span,
            "a session handler must be an `async fn`",
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new(
            sig.generics.span(),
            "a session handler cannot have generic parameters: tonic's trait methods have none",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(syn::Error::new(
            variadic.span(),
            "a session handler cannot be variadic",
        ));
    }
    let (receiver, self_arg) = self_arg(method)?;

    Ok(Some(Handler {
        kind,
        self_arg,
        receiver,
        name: sig.ident.clone(),
        request,
        request_message,
        response_message,
        output: sig.output.clone(),
        span: sig.span(),
    }))
}

/// `Req` of a request written `Request<Receiver<Req>>`.
fn receiving_request(ty: &Type) -> Option<&Type> {
    single_generic(single_generic(ty, "Request")?, "Receiver")
}

fn self_arg(method: &ImplItemFn) -> syn::Result<(Receiver, SelfArg)> {
    let Some(receiver) = method.sig.receiver() else {
        return Err(syn::Error::new(
            method.sig.ident.span(),
            "a session handler takes `&self` (or `self: Arc<Self>` with tonic-build's `use_arc_self(true)`)",
        ));
    };
    let wrong = |what: &str| {
        Err(syn::Error::new(
            receiver.span(),
            format!(
                "a session handler cannot take `{what}`: tonic calls handlers through `&self` \
                 (or `self: Arc<Self>` with tonic-build's `use_arc_self(true)`)"
            ),
        ))
    };
    if receiver.colon_token.is_none() {
        return match (&receiver.reference, &receiver.mutability) {
            (Some(_), None) => Ok((receiver.clone(), SelfArg::Ref)),
            (Some(_), Some(_)) => wrong("&mut self"),
            (None, _) => wrong("self"),
        };
    }
    if single_generic(&receiver.ty, "Arc").is_some() {
        return Ok((receiver.clone(), SelfArg::Arc));
    }
    match &*receiver.ty {
        Type::Reference(reference) if reference.mutability.is_none() => {
            Ok((receiver.clone(), SelfArg::Ref))
        }
        _ => wrong("this receiver"),
    }
}
