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
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{FnArg, ImplItemFn, Receiver, ReturnType, Type};

use crate::errors::{Errors, RuleError};
use crate::rules::table::{Diagnostic, Shape, handler_shape};
use crate::service::method_options::{self, MethodOptions};
use crate::service::naming;
use crate::types::{boxed_future_output, first_generic, is_named, single_generic};

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
    /// tonic's associated stream type (`HelloServerStreamStream`); unused for
    /// client streaming.
    pub(crate) stream_type: Ident,
    /// Server streaming: the request type as written (`Request<Req>`).
    pub(crate) request: Option<Type>,
    /// Client and bidi streaming: `Req` of `Request<Receiver<Req>>`.
    pub(crate) request_message: Option<Type>,
    /// Server and bidi streaming: `Resp` of `Sender<Resp>`.
    pub(crate) response_message: Option<Type>,
    /// The handler's result type as written (for a desugared handler, the `Output`
    /// of its boxed future); `None` for `-> ()`.
    pub(crate) output: Option<Type>,
    pub(crate) span: Span,
}

/// What classification found.
pub(crate) enum Classified {
    /// Not a session handler: passes through untouched.
    NotOurs,
    /// A session handler; `errors` holds mistakes that still leave its kind and
    /// types clear (so the trait method can be generated and nothing cascades).
    Handler(Box<Handler>, Errors),
}

/// The `handler_shape` error for `shape`, at `at`.
fn shape_error(at: &dyn Spanned, shape: Shape) -> RuleError {
    let Diagnostic {
        message,
        label,
        help,
    } = handler_shape(shape);
    RuleError {
        span: at.span(),
        message,
        label,
        notes: vec![help],
        found: "session_handler",
        asks: "a_session_handler_has_a_shape_tonic_can_call",
    }
}

/// Whether the signature returns a `Finished` (`Result<Finished, Status>`): a
/// handler that sends.
fn returns_finished(output: &syn::ReturnType) -> bool {
    tonic_session_engine::syntax::names_any(
        &quote::ToTokens::to_token_stream(output),
        &["Finished"],
    )
}

/// A handler that returns `Finished` but takes no sending half to finish.
fn missing_sender(sig: &syn::Signature) -> RuleError {
    shape_error(&sig.ident, Shape::MissingSender(&sig.ident.to_string()))
}

/// Classifies `method`. `desugared`: `#[async_trait]` already ran on this impl, so
/// handlers are `fn name<'life0, 'async_trait>(..) -> Pin<Box<dyn Future ..>>`.
/// `Err` when it names a session half but fits no RPC kind.
pub(crate) fn classify(method: &ImplItemFn, desugared: bool) -> Result<Classified, RuleError> {
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
        return match returns_finished(&sig.output) {
            true => Err(missing_sender(sig)),
            false => Ok(Classified::NotOurs),
        };
    }
    let parameters = parameters(sig, &typed)?;
    let mut errors = Errors::default();
    if let Some(swapped) = parameters.swapped {
        errors.push_rule(swapped);
    }
    signature_mistakes(sig, desugared, &mut errors);
    let output = output_of(sig, desugared, parameters.kind, &mut errors);
    let (receiver, self_arg) = match self_arg(method) {
        Ok(found) => found,
        Err(err) => {
            errors.push_rule(err);
            (syn::parse_quote!(&self), SelfArg::Ref)
        }
    };
    let stream_type = stream_type_of(method, parameters.kind, &mut errors);
    let handler = Handler {
        kind: parameters.kind,
        stream_type,
        self_arg,
        receiver,
        name: sig.ident.clone(),
        request: parameters.request,
        request_message: parameters.request_message,
        response_message: parameters.response_message,
        output,
        span: sig.span(),
    };
    Ok(Classified::Handler(Box::new(handler), errors))
}

/// What a handler's parameters say: its kind and the types it names.
struct Parameters {
    kind: Kind,
    /// `Request<M>` of a server-streaming handler.
    request: Option<Type>,
    request_message: Option<Type>,
    response_message: Option<Type>,
    /// A bidi handler with its sender first: reported, and taken as meant.
    swapped: Option<RuleError>,
}

/// The kind of handler `typed` (the parameters after `self`) make, or the error
/// of a shape that fits none.
fn parameters(sig: &syn::Signature, typed: &[&Type]) -> Result<Parameters, RuleError> {
    let found = |kind, request, request_message, response_message| Parameters {
        kind,
        request,
        request_message,
        response_message,
        swapped: None,
    };
    match typed {
        [sender, request]
            if single_generic(sender, "Sender").is_some()
                && receiving_request(request).is_some() =>
        {
            let response = single_generic(sender, "Sender").cloned();
            let message = receiving_request(request).cloned();
            Ok(Parameters {
                swapped: Some(shape_error(sender, Shape::SenderFirst)),
                ..found(Kind::Bidi, None, message, response)
            })
        }
        [request, sender] => {
            let response = single_generic(sender, "Sender")
                .ok_or_else(|| shape_error(sender, Shape::SecondNotSender))?;
            match receiving_request(request) {
                Some(message) => Ok(found(
                    Kind::Bidi,
                    None,
                    Some(message.clone()),
                    Some(response.clone()),
                )),
                None if single_generic(request, "Request").is_some() => Ok(found(
                    Kind::ServerStreaming,
                    Some((*request).clone()),
                    None,
                    Some(response.clone()),
                )),
                None => Err(shape_error(request, Shape::FirstNotRequest)),
            }
        }
        [request] => match receiving_request(request) {
            Some(message) => Ok(found(
                Kind::ClientStreaming,
                None,
                Some(message.clone()),
                None,
            )),
            None => Err(shape_error(request, Shape::SenderAlone)),
        },
        _ => Err(shape_error(&sig.inputs, Shape::Arity)),
    }
}

/// What a handler's signature may not have: no `async` (unless desugared),
/// generics of its own, a variadic.
fn signature_mistakes(sig: &syn::Signature, desugared: bool, errors: &mut Errors) {
    if sig.asyncness.is_none() && !desugared {
        errors.push_rule(shape_error(&sig.fn_token, Shape::NotAsync));
    }
    let foreign_generics = sig.generics.params.iter().any(|param| match param {
        syn::GenericParam::Lifetime(lifetime) => {
            !desugared || !is_async_trait_lifetime(&lifetime.lifetime)
        }
        _ => true,
    });
    if foreign_generics || (sig.generics.where_clause.is_some() && !desugared) {
        errors.push_rule(shape_error(&sig.generics, Shape::Generic));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push_rule(shape_error(variadic, Shape::Variadic));
    }
}

/// The handler's result type (the boxed future's output, desugared); a sending
/// handler's must be `Result<Finished, _>`.
fn output_of(
    sig: &syn::Signature,
    desugared: bool,
    kind: Kind,
    errors: &mut Errors,
) -> Option<Type> {
    let output = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) if desugared => Some(boxed_future_output(ty).unwrap_or(ty).clone()),
        ReturnType::Type(_, ty) => Some((**ty).clone()),
    };
    if kind != Kind::ClientStreaming
        && let Some(wrong) = not_finished(output.as_ref())
    {
        let at = wrong.map_or_else(|| sig.ident.to_token_stream(), ToTokens::to_token_stream);
        errors.push_rule(shape_error(&at, Shape::NotFinished));
    }
    output
}

/// The name of the handler's response stream type: its `#[tonic_session(stream_type
/// = ..)]`, or tonic-build's.
fn stream_type_of(method: &ImplItemFn, kind: Kind, errors: &mut Errors) -> syn::Ident {
    let options = match method_options::parse(&method.attrs) {
        Ok(options) => options,
        Err(err) => {
            errors.push(err);
            MethodOptions::default()
        }
    };
    if kind == Kind::ClientStreaming
        && let Some(name) = &options.stream_type
    {
        errors.push(syn::Error::new_spanned(
            name,
            "a client-streaming handler has no response stream, so no `stream_type`",
        ));
    }
    options
        .stream_type
        .unwrap_or_else(|| naming::stream_type(&method.sig.ident))
}

/// When a sending handler's result is visibly not `Result<Finished, _>`, the part
/// to point at (`None`: no return type at all). Aliases are left to the compiler.
fn not_finished(output: Option<&Type>) -> Option<Option<&Type>> {
    let Some(output) = output else {
        return Some(None);
    };
    let ok = first_generic(output, "Result")?;
    (!is_named(ok, "Finished")).then_some(Some(ok))
}

/// The lifetimes `#[async_trait]` adds to a method it desugars.
pub(crate) fn is_async_trait_lifetime(lifetime: &syn::Lifetime) -> bool {
    lifetime.ident == "async_trait" || lifetime.ident.to_string().starts_with("life")
}

/// `Req` of a request written `Request<Receiver<Req>>`.
fn receiving_request(ty: &Type) -> Option<&Type> {
    single_generic(single_generic(ty, "Request")?, "Receiver")
}

fn self_arg(method: &ImplItemFn) -> Result<(Receiver, SelfArg), RuleError> {
    let Some(receiver) = method.sig.receiver() else {
        return Err(shape_error(&method.sig.ident, Shape::NoReceiver));
    };
    let wrong = |what: &str| Err(shape_error(receiver, Shape::Receiver(what)));
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
