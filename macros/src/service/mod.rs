//! `#[tonic_session::service]`: parse the impl, classify its methods, expand.
//!
//! Never panics: every rejection is a spanned `syn::Error`. On an error the item is
//! still emitted (the broken handler unchanged, the others expanded), so the IDE
//! and the compiler's other diagnostics keep working.

pub(crate) mod expand;
pub(crate) mod handler;
pub(crate) mod method_options;
pub(crate) mod naming;
mod sort;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::{Attribute, ImplItem, ItemImpl};

use crate::allow::{self, Allowed};
use crate::errors::Errors;
use crate::rules::raw_stream;
use crate::rules::use_sites::{Analysis, Side};
use expand::{Body, Form};
use handler::{Kind, SelfArg};
use naming::Generated;
use sort::Sorted;

/// Expands the attribute; never fails: the item is kept, and every error is
/// reported beside it.
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
    errors.after(tokens)
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
fn rewrite(mut item: ItemImpl) -> (TokenStream, Errors) {
    let mut errors = Errors::default();
    let desugared = desugared(&item);
    let names = generated_names(&item);
    let for_all = allow::take_reporting(&mut item.attrs, &mut errors);
    let mut sorted = sort::items(&mut item, desugared, &names, for_all, &mut errors);
    sorted.report_raw_stream_types(&mut errors);
    let form = if desugared {
        Form::Desugared
    } else {
        Form::Async
    };
    let mut generated = Vec::new();
    for (handler, cfgs, body) in &sorted.handlers {
        generated.extend(expand::stream_type_item(handler, cfgs));
        generated.push(expand::trait_method(handler, &names, cfgs, form, *body));
    }
    let needs_owned = sorted.handlers.iter().any(|(handler, _, body)| {
        *body == Body::Call
            && handler.self_arg == SelfArg::Ref
            && handler.kind != Kind::ClientStreaming
    });
    let owned = needs_owned.then(|| expand::owned_method(&item.self_ty, &names));
    let async_trait = async_trait_attribute(&item, desugared, &sorted);
    let inherent_impl = inherent_impl(&item, &sorted.inherent, owned);
    item.items = sorted.kept;
    (
        assemble(item, async_trait, &generated, inherent_impl),
        errors,
    )
}

/// The names of what is generated, from the trait's name.
fn generated_names(item: &ItemImpl) -> Generated {
    match item
        .trait_
        .as_ref()
        .and_then(|(_, path, _)| path.segments.last())
    {
        Some(segment) => Generated::for_trait(&segment.ident),
        None => Generated::for_trait(&proc_macro2::Ident::new(
            "Service",
            proc_macro2::Span::call_site(),
        )),
    }
}

/// tonic's server traits are `#[async_trait]` traits: an impl with `async fn`s
/// (session handlers or raw ones) needs the attribute, if it is not there yet.
fn async_trait_attribute(item: &ItemImpl, desugared: bool, sorted: &Sorted) -> Option<TokenStream> {
    let has_async_trait = item.attrs.iter().any(|attr| {
        attr.path()
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "async_trait")
    });
    let has_async_fn = sorted.kept.iter().any(
        |impl_item| matches!(impl_item, ImplItem::Fn(method) if method.sig.asyncness.is_some()),
    );
    let needed = !sorted.handlers.is_empty() || has_async_fn;
    (!has_async_trait && !desugared && needed)
        .then(|| quote!(#[::tonic_session::__private::async_trait]))
}

/// The inherent impl holding the users' handler bodies (and the owned-handle
/// method), if there is anything to hold.
fn inherent_impl(
    item: &ItemImpl,
    inherent: &[syn::ImplItemFn],
    owned: Option<TokenStream>,
) -> Option<TokenStream> {
    let impl_cfgs = cfg_attrs(&item.attrs);
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    (!inherent.is_empty() || owned.is_some()).then(|| {
        quote! {
            #(#impl_cfgs)*
            impl #impl_generics #self_ty #where_clause {
                #(#inherent)*
                #owned
            }
        }
    })
}

/// The trait impl as rewritten (its kept items, then the generated ones), and the
/// inherent impl after it.
fn assemble(
    mut item: ItemImpl,
    async_trait: Option<TokenStream>,
    generated: &[TokenStream],
    inherent_impl: Option<TokenStream>,
) -> TokenStream {
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
    quote! {
        #async_trait
        #(#attrs)*
        #defaultness #unsafety #impl_token #impl_generics #trait_ #self_ty #where_clause {
            #(#items)*
            #(#generated)*
        }
        #inherent_impl
    }
}

/// The rules on a method as written: raw streams in it (unless it is the raw handler
/// of a hand-written stream type, reported at that type), and the use-site rules on
/// its halves (checks put into its body).
fn check_rules(
    method: &mut syn::ImplItemFn,
    allowed: Allowed,
    stream_types: &[proc_macro2::Ident],
    errors: &mut Errors,
) {
    let output = method.sig.output.to_token_stream();
    let returns_stream_type = stream_types.iter().any(|name| {
        output
            .clone()
            .into_iter()
            .any(|token| *name == token.to_string())
    });
    if !returns_stream_type {
        errors.extend(raw_stream::check(&method.sig, &method.block, allowed));
    }
    let analysis =
        Analysis::of_function(&method.sig.inputs, &mut method.block, allowed, Side::Server);
    errors.append(analysis.errors);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn expands(input: &str) -> String {
        let input: TokenStream = input.parse().expect("test input tokenizes");
        expand(TokenStream::new(), input).to_string()
    }

    const GOOD: &str = "impl Greeter for G {
        async fn hello(&self, r: Request<A>) -> Result<Response<B>, Status> { todo!() }
        async fn watch(&self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) }
        async fn upload(&self, r: Request<Receiver<A>>) -> Result<Response<B>, Status> { todo!() }
        async fn chat(&self, r: Request<Receiver<A>>, tx: Sender<B>) -> Result<Finished, Status> { Ok(tx.finish()) }
    }";

    #[test]
    fn a_good_impl_expands_without_errors() {
        let out = expands(GOOD);
        assert!(!crate::errors::rejects(&out), "{out}");
        for generated in [
            "type WatchStream",
            "type ChatStream",
            "fn __tonic_session_greeter_watch",
            "async_trait",
        ] {
            assert!(out.contains(generated), "missing `{generated}` in {out}");
        }
        assert!(
            !out.contains("type UploadStream"),
            "client streaming has no stream type"
        );
    }

    #[test]
    fn unary_handlers_pass_through_token_for_token() {
        let unary = "# [doc = \" kept \"] async fn hello (& self , r : Request < A >) -> Result < Response < B > , Status > { todo ! () }";
        let out = expands(
            GOOD.replace("async fn hello", "#[doc = \" kept \"] async fn hello")
                .as_str(),
        );
        assert!(out.contains(unary), "unary handler changed: {out}");
    }

    #[test]
    fn bad_inputs_become_compile_errors_not_panics() {
        let bad = [
            "",
            "fn f() {}",
            "struct S;",
            "impl G {}",
            "impl !Greeter for G {}",
            "impl Greeter for G { async fn watch(&mut self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> {} }",
            "impl Greeter for G { async fn watch(r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> {} }",
            "impl Greeter for G { async fn watch<T>(&self, r: Request<T>, tx: Sender<B>) -> Result<Finished, Status> {} }",
            "impl Greeter for G { async fn watch(&self, r: Request<A>, tx: Sender<B>) -> Result<(), Status> {} }",
            "impl Greeter for G { async fn watch(&self, r: Request<A>, tx: Sender<B>) {} }",
            "impl Greeter for G { async fn watch(&self, tx: Sender<B>) -> Result<Finished, Status> {} }",
            "impl Greeter for G { async fn watch(&self, r: A, tx: Sender<B>) -> Result<Finished, Status> {} }",
            "impl Greeter for G { async fn watch(&self, r: Request<A>, tx: Sender) -> Result<Finished, Status> {} }",
            "impl Greeter for G { async fn watch(&self, a: Sender<B>, b: Sender<B>, c: Sender<B>) {} }",
            "impl Greeter for G { #[tonic_session(stream_type)] async fn watch(&self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> {} }",
            "impl Greeter for G { #[tonic_session(nope = 1)] async fn hello(&self, r: Request<A>) -> Result<Response<B>, Status> {} }",
            "impl Greeter for G { type WatchStream = (); async fn watch(&self, r: Request<A>, tx: Sender<B>) -> Result<Finished, Status> {} }",
        ];
        for input in bad {
            let out = expands(input);
            assert!(
                crate::errors::rejects(&out),
                "no error for `{input}`: {out}"
            );
        }
        // Truncations of a good impl: every prefix that still tokenizes.
        let tokens: Vec<proc_macro2::TokenTree> = GOOD
            .parse::<TokenStream>()
            .expect("tokenizes")
            .into_iter()
            .collect();
        for end in 0..tokens.len() {
            let prefix: TokenStream = tokens[..end].iter().cloned().collect();
            let out = expand(TokenStream::new(), prefix).to_string();
            assert!(crate::errors::rejects(&out), "no error for prefix {end}");
        }
    }

    #[test]
    fn arguments_are_refused() {
        let input: TokenStream = GOOD.parse().expect("tokenizes");
        let args: TokenStream = "client".parse().expect("tokenizes");
        assert!(
            expand(args, input)
                .to_string()
                .contains("takes no arguments")
        );
    }
}
