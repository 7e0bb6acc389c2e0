//! Code generation for session handlers.
//!
//! For a handler `m`, the user's method moves, body and spans untouched, into an
//! inherent impl as `__tonic_session_m`; the trait impl gets the signature tonic
//! expects, which turns tonic's arguments into session halves and calls it.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::ImplItemFn;
use syn::spanned::Spanned;

use crate::service::handler::{Handler, Kind, SelfArg};
use crate::service::method_options;
use crate::service::naming::Generated;

/// The user's method, renamed, for the inherent impl.
/// `reported`: an error was reported for this handler; its body is kept for the
/// IDE and type checking, but nothing may call it.
pub(crate) fn inner_method(method: &ImplItemFn, names: &Generated, reported: bool) -> ImplItemFn {
    let mut inner = method.clone();
    inner.sig.ident = names.handler(&method.sig.ident);
    inner.vis = syn::Visibility::Inherited;
    inner.attrs.retain(|attr| !method_options::is_option(attr));
    inner.attrs.push(syn::parse_quote!(#[doc(hidden)]));
    if reported {
        inner.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
    }
    inner
}

/// `type XStream = ResponseStream<Resp>;` for handlers that send.
pub(crate) fn stream_type_item(handler: &Handler, cfgs: &[syn::Attribute]) -> Option<TokenStream> {
    let response = handler.response_message.as_ref()?;
    let name = &handler.stream_type;
    Some(quote_spanned! {handler.span=>
        #(#cfgs)*
        type #name = ::tonic_session::server::ResponseStream<#response>;
    })
}

/// How to write the generated trait methods.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// `async fn`; the `#[async_trait]` on the impl desugars it.
    Async,
    /// `#[async_trait]` already ran: write its desugared form ourselves.
    Desugared,
}

/// What the trait method's body does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    /// Call the user's handler.
    Call,
    /// The handler had an error reported next to it: a body of the right type, so
    /// the trait impl stays whole and no error cascades. Never runs: the crate
    /// does not compile.
    Placeholder,
}

/// The trait method tonic calls.
pub(crate) fn trait_method(
    handler: &Handler,
    names: &Generated,
    cfgs: &[syn::Attribute],
    form: Form,
    body: Body,
) -> TokenStream {
    let (request, output, call) = request_output_and_call(handler, names);
    let call = match body {
        Body::Call => call,
        Body::Placeholder => quote! {
            let _ = (self, request);
            ::core::unreachable!()
        },
    };
    let name = &handler.name;
    let method = match form {
        Form::Async => {
            let receiver = &handler.receiver;
            quote_spanned! {handler.span=>
                async fn #name(#receiver, request: #request) -> #output {
                    #call
                }
            }
        }
        Form::Desugared => desugared_method(handler, &request, &output, &call),
    };
    quote!(#(#cfgs)* #method)
}

/// The trait method's request type, its output type, and the body that hands the
/// request to the runtime's entry point for the handler's kind, which calls the
/// user's handler (the inherent method).
fn request_output_and_call(
    handler: &Handler,
    names: &Generated,
) -> (TokenStream, TokenStream, TokenStream) {
    let private = quote!(::tonic_session::__private);
    let tonic = quote!(#private::tonic);
    let inner = names.handler(&handler.name);
    let message = &handler.request_message;
    let streaming_request = quote!(#tonic::Request<#tonic::Streaming<#message>>);
    let (request, entry) = match handler.kind {
        Kind::ClientStreaming => {
            let output = match &handler.output {
                Some(ty) => ty.to_token_stream(),
                None => quote!(()),
            };
            let call = quote! {
                #private::client_streaming(request, |request| Self::#inner(self, request)).await
            };
            return (streaming_request, output, call);
        }
        Kind::ServerStreaming => (handler.request.to_token_stream(), "server_streaming"),
        Kind::Bidi => (streaming_request, "bidi_streaming"),
    };
    // The body outlives the trait call, so it owns a handle to the service.
    let owned = names.owned();
    let (take_this, this) = match handler.self_arg {
        SelfArg::Ref => (quote!(let __this = Self::#owned(self);), quote!(&__this)),
        SelfArg::Arc => (quote!(let __this = self;), quote!(__this)),
    };
    let stream = &handler.stream_type;
    let returns = handler.output.as_ref().map_or(handler.span, |ty| ty.span());
    let entry = proc_macro2::Ident::new(entry, returns);
    let output = quote! {
        ::core::result::Result<#tonic::Response<Self::#stream>, #tonic::Status>
    };
    let call = quote_spanned! {returns=>
        #take_this
        ::tonic_session::__private::#entry(request, move |request, tx| async move {
            Self::#inner(#this, request, tx).await
        })
        .await
    };
    (request, output, call)
}

/// The trait method as `#[async_trait]` writes it, for an impl it already ran on.
fn desugared_method(
    handler: &Handler,
    request: &TokenStream,
    output: &TokenStream,
    call: &TokenStream,
) -> TokenStream {
    let name = &handler.name;
    let (generics, receiver, bounds) = match handler.self_arg {
        SelfArg::Ref => (
            quote!(<'life0, 'async_trait>),
            quote!(&'life0 self),
            quote!('life0: 'async_trait, Self: 'async_trait),
        ),
        SelfArg::Arc => {
            let receiver = &handler.receiver;
            (
                quote!(<'async_trait>),
                quote!(#receiver),
                quote!(Self: 'async_trait),
            )
        }
    };
    quote_spanned! {handler.span=>
        fn #name #generics(#receiver, request: #request) -> ::core::pin::Pin<
            ::std::boxed::Box<
                dyn ::core::future::Future<Output = #output> + ::core::marker::Send + 'async_trait,
            >,
        >
        where
            #bounds
        {
            ::std::boxed::Box::pin(async move { #call })
        }
    }
}

/// The inherent method every `&self` handler that sends calls for its own handle to
/// the service: one place, so a service that is not `Clone` gets one error.
pub(crate) fn owned_method(self_ty: &syn::Type, names: &Generated) -> TokenStream {
    let owned = names.owned();
    quote_spanned! {syn::spanned::Spanned::span(self_ty)=>
        #[doc(hidden)]
        fn #owned(&self) -> Self {
            <Self as ::tonic_session::server::OwnedByStreamingHandlers>::owned(self)
        }
    }
}
