//! Code generation for session handlers.
//!
//! For a handler `m`, the user's method moves, body and spans untouched, into an
//! inherent impl as `__tonic_session_m`; the trait impl gets the signature tonic
//! expects, which turns tonic's arguments into session halves and calls it.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ImplItemFn;

use crate::handler::{Handler, Kind, SelfArg};
use crate::naming::stream_type;

/// The name the user's method gets in the inherent impl.
pub(crate) fn inner_name(method: &Ident) -> Ident {
    let name = method.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    format_ident!("__tonic_session_{}", name, span = method.span())
}

/// The name of the generated inherent method that clones the service for a body.
pub(crate) fn owned_fn() -> Ident {
    format_ident!("__tonic_session_owned")
}

/// The user's method, renamed, for the inherent impl.
pub(crate) fn inner_method(method: &ImplItemFn) -> ImplItemFn {
    let mut inner = method.clone();
    inner.sig.ident = inner_name(&method.sig.ident);
    inner.vis = syn::Visibility::Inherited;
    inner.attrs.push(syn::parse_quote!(#[doc(hidden)]));
    inner
}

/// `type XStream = ResponseStream<Resp>;` for handlers that send.
pub(crate) fn stream_type_item(handler: &Handler, cfgs: &[syn::Attribute]) -> Option<TokenStream> {
    let response = handler.response_message.as_ref()?;
    let name = stream_type(&handler.name);
    Some(quote_spanned! {handler.span=>
        #(#cfgs)*
        type #name = ::tonic_session::server::ResponseStream<#response>;
    })
}

/// The trait method tonic calls.
pub(crate) fn trait_method(handler: &Handler, cfgs: &[syn::Attribute]) -> TokenStream {
    let private = quote!(::tonic_session::__private);
    let tonic = quote!(#private::tonic);
    let name = &handler.name;
    let inner = inner_name(name);
    let receiver = &handler.receiver;
    let owned = owned_fn();
    // The body outlives the trait call, so it owns a handle to the service.
    let (take_this, this) = match handler.self_arg {
        SelfArg::Ref => (quote!(let __this = Self::#owned(self);), quote!(&__this)),
        SelfArg::Arc => (quote!(let __this = self;), quote!(__this)),
    };
    let stream = stream_type(name);
    let sending_output = quote! {
        ::core::result::Result<#tonic::Response<Self::#stream>, #tonic::Status>
    };
    let body = match handler.kind {
        Kind::ServerStreaming => {
            let request = &handler.request;
            quote_spanned! {handler.span=>
                async fn #name(#receiver, request: #request) -> #sending_output {
                    #take_this
                    #private::server_streaming(move |tx| async move {
                        Self::#inner(#this, request, tx).await
                    })
                    .await
                }
            }
        }
        Kind::Bidi => {
            let message = &handler.request_message;
            quote_spanned! {handler.span=>
                async fn #name(
                    #receiver,
                    request: #tonic::Request<#tonic::Streaming<#message>>,
                ) -> #sending_output {
                    #take_this
                    #private::bidi_streaming(request, move |request, tx| async move {
                        Self::#inner(#this, request, tx).await
                    })
                    .await
                }
            }
        }
        Kind::ClientStreaming => {
            let message = &handler.request_message;
            let output = &handler.output;
            quote_spanned! {handler.span=>
                async fn #name(
                    #receiver,
                    request: #tonic::Request<#tonic::Streaming<#message>>,
                ) #output {
                    #private::client_streaming(request, |request| Self::#inner(self, request)).await
                }
            }
        }
    };
    quote!(#(#cfgs)* #body)
}

/// The inherent method every `&self` handler that sends calls for its own handle to
/// the service: one place, so a service that is not `Clone` gets one error.
pub(crate) fn owned_method(self_ty: &syn::Type) -> TokenStream {
    let owned = owned_fn();
    quote_spanned! {syn::spanned::Spanned::span(self_ty)=>
        #[doc(hidden)]
        fn #owned(&self) -> Self {
            ::tonic_session::__private::owned(self)
        }
    }
}
