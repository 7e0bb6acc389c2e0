//! `#[tonic_session::service]`: parse the impl, classify its methods, expand.
//!
//! Never panics: every rejection is a spanned `syn::Error`. On an error the item is
//! still emitted (the broken handler unchanged, the others expanded), so the IDE
//! and the compiler's other diagnostics keep working.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Attribute, ImplItem, ItemImpl};

use crate::expand::{self, Body, Form};
use crate::handler::{self, Classified, Handler, Kind, SelfArg};
use crate::method_options;

/// Expands the attribute; never fails, errors become `compile_error!`s.
pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = match syn::parse2::<ItemImpl>(input.clone()) {
        Ok(item) => item,
        Err(err) => {
            let err = syn::Error::new(
                err.span(),
                format!(
                    "#[tonic_session::service] goes on an `impl <TonicServerTrait> for <YourService>` block: {err}"
                ),
            );
            return with_errors(input, err);
        }
    };
    if !args.is_empty() {
        let err = syn::Error::new(args.span(), "#[tonic_session::service] takes no arguments");
        return with_errors(item.into_token_stream(), err);
    }
    match check_impl(&item) {
        Ok(()) => {}
        Err(err) => return with_errors(item.into_token_stream(), err),
    }
    let (tokens, errors) = rewrite(item);
    match errors {
        Some(err) => with_errors(tokens, err),
        None => tokens,
    }
}

fn with_errors(tokens: TokenStream, err: syn::Error) -> TokenStream {
    let errors = err.to_compile_error();
    quote!(#tokens #errors)
}

/// Checks that the attribute sits on a tonic service trait impl it can rewrite.
fn check_impl(item: &ItemImpl) -> syn::Result<()> {
    if item.trait_.is_none() {
        return Err(syn::Error::new(
            item.self_ty.span(),
            "#[tonic_session::service] goes on the impl of a tonic-generated server trait \
             (`impl greeter_server::Greeter for MyGreeter`), not on an inherent impl",
        ));
    }
    if let Some((Some(bang), _, _)) = &item.trait_ {
        return Err(syn::Error::new(
            bang.span(),
            "#[tonic_session::service] cannot go on a negative impl",
        ));
    }
    Ok(())
}

/// Whether `#[async_trait]` already ran on this impl (it was written above ours):
/// it desugars methods to `fn name<'life0, 'async_trait>(..)`.
fn desugared(item: &ItemImpl) -> bool {
    item.items.iter().any(|item| match item {
        ImplItem::Fn(method) => method
            .sig
            .generics
            .lifetimes()
            .any(|lifetime| lifetime.lifetime.ident == "async_trait"),
        _ => false,
    })
}

/// Rewrites the impl; returns the tokens and the errors of handlers it could not
/// rewrite (those stay as written).
fn rewrite(mut item: ItemImpl) -> (TokenStream, Option<syn::Error>) {
    let mut errors: Option<syn::Error> = None;
    let mut push_error = |err: syn::Error| match &mut errors {
        Some(all) => all.combine(err),
        None => errors = Some(err),
    };

    let mut handlers: Vec<(Handler, Vec<Attribute>, Body)> = Vec::new();
    let mut inherent = Vec::new();
    let mut kept = Vec::new();
    let desugared = desugared(&item);
    for impl_item in std::mem::take(&mut item.items) {
        let ImplItem::Fn(method) = impl_item else {
            kept.push(impl_item);
            continue;
        };
        match handler::classify(&method, desugared) {
            Ok(Classified::NotOurs) => {
                let mut method = method;
                if let Some(option) = method
                    .attrs
                    .iter()
                    .find(|attr| method_options::is_option(attr))
                {
                    push_error(syn::Error::new_spanned(
                        option,
                        "#[tonic_session(..)] goes on streaming session handlers only",
                    ));
                }
                method.attrs.retain(|attr| !method_options::is_option(attr));
                kept.push(ImplItem::Fn(method));
            }
            Ok(Classified::Handler(handler, errors)) => {
                let body = match errors {
                    Some(err) => {
                        push_error(err);
                        Body::Placeholder
                    }
                    None => Body::Call,
                };
                inherent.push(expand::inner_method(&method, body == Body::Placeholder));
                handlers.push((*handler, cfg_attrs(&method.attrs), body));
            }
            // Its trait method cannot be written: leave it out (one "missing item"
            // error at most) and keep its body in the inherent impl for the IDE.
            Err(err) => {
                push_error(err);
                inherent.push(expand::inner_method(&method, true));
            }
        }
    }

    // A hand-written stream type for a session handler would clash with ours: report
    // it and leave it out, so the duplicate does not cascade.
    kept.retain(|impl_item| {
        let ImplItem::Type(ty) = impl_item else { return true };
        let clash = handlers.iter().find(|(handler, _, _)| {
            handler.kind != Kind::ClientStreaming && handler.stream_type == ty.ident
        });
        let Some((handler, _, _)) = clash else { return true };
        push_error(syn::Error::new(
            ty.ident.span(),
            format!(
                "remove this: #[tonic_session::service] generates `type {}` for the session handler `{}`",
                ty.ident, handler.name
            ),
        ));
        false
    });

    let form = if desugared {
        Form::Desugared
    } else {
        Form::Async
    };
    let mut generated = Vec::new();
    for (handler, cfgs, body) in &handlers {
        generated.extend(expand::stream_type_item(handler, cfgs));
        generated.push(expand::trait_method(handler, cfgs, form, *body));
    }
    let needs_owned = handlers.iter().any(|(handler, _, body)| {
        *body == Body::Call
            && handler.self_arg == SelfArg::Ref
            && handler.kind != Kind::ClientStreaming
    });
    let owned = needs_owned.then(|| expand::owned_method(&item.self_ty));

    let has_async_trait = item.attrs.iter().any(|attr| {
        attr.path()
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "async_trait")
    });
    let async_trait = (!has_async_trait && !desugared && !handlers.is_empty())
        .then(|| quote!(#[::tonic_session::__private::async_trait]));

    let impl_cfgs = cfg_attrs(&item.attrs);
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    let inherent_impl = (!inherent.is_empty() || owned.is_some()).then(|| {
        quote! {
            #(#impl_cfgs)*
            impl #impl_generics #self_ty #where_clause {
                #(#inherent)*
                #owned
            }
        }
    });

    item.items = kept;
    let attrs = std::mem::take(&mut item.attrs);
    let ItemImpl {
        defaultness,
        unsafety,
        impl_token,
        generics,
        trait_,
        self_ty,
        items,
        ..
    } = &item;
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let trait_ = trait_
        .as_ref()
        .map(|(_, path, for_token)| quote!(#path #for_token));
    let tokens = quote! {
        #async_trait
        #(#attrs)*
        #defaultness #unsafety #impl_token #impl_generics #trait_ #self_ty #where_clause {
            #(#items)*
            #(#generated)*
        }
        #inherent_impl
    };
    (tokens, errors)
}

/// The `#[cfg(..)]` attributes of an item, to copy onto what
/// is generated from it.
fn cfg_attrs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .cloned()
        .collect()
}
