//! `#[tonic_session::client]`: on an `fn` or an `impl` block, turns calls of
//! streaming RPCs into session halves (see `client_calls`).
//!
//! Never panics: every rejection is a spanned `syn::Error`, emitted with the item.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{ImplItem, Item};

use crate::client_calls::CallRewriter;

/// Expands the attribute; never fails, errors become `compile_error!`s.
pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item = match syn::parse2::<Item>(input.clone()) {
        Ok(item) => item,
        Err(err) => return with_error(input, err),
    };
    if !args.is_empty() {
        let err = syn::Error::new(args.span(), "#[tonic_session::client] takes no arguments");
        return with_error(item.into_token_stream(), err);
    }
    let mut rewriter = CallRewriter;
    match &mut item {
        Item::Fn(function) => rewriter.visit_block_mut(&mut function.block),
        Item::Impl(block) => {
            for member in &mut block.items {
                if let ImplItem::Fn(method) = member {
                    rewriter.visit_block_mut(&mut method.block);
                }
            }
        }
        other => {
            let err = syn::Error::new(
                other.span(),
                "#[tonic_session::client] goes on a function, or an impl block whose methods call gRPC clients",
            );
            return with_error(other.into_token_stream(), err);
        }
    }
    item.into_token_stream()
}

fn with_error(tokens: TokenStream, err: syn::Error) -> TokenStream {
    let errors = err.to_compile_error();
    quote!(#tokens #errors)
}
