//! The first phase of `#[tonic_session::service]`'s rewrite: each item of the impl
//! sorted into what it becomes (a session handler to generate, an inherent method
//! holding its body, an item kept as written), with the rules checked on the code
//! as written and the hand-written stream types collected.

use syn::{Attribute, ImplItem, ImplItemFn, ItemImpl};

use super::expand::{self, Body};
use super::handler::{self, Classified, Handler, Kind};
use super::method_options;
use super::naming::Generated;
use super::{cfg_attrs, check_rules};
use crate::allow::{self, Allowed, Rule};
use crate::errors::Errors;
use crate::rules::raw_stream;
use crate::rules::table::RawFound;

/// The impl's items, sorted.
pub(super) struct Sorted {
    /// The session handlers, with their `#[cfg]`s and what their trait method does.
    pub(super) handlers: Vec<(Handler, Vec<Attribute>, Body)>,
    /// The handlers' bodies, as inherent methods.
    pub(super) inherent: Vec<ImplItemFn>,
    /// What stays in the trait impl as written.
    pub(super) kept: Vec<ImplItem>,
    /// Hand-written `type XStream`s not allowed by `raw_stream`.
    stream_types: Vec<proc_macro2::Ident>,
}

/// Sorts the items of `item` (taking them out of it).
pub(super) fn items(
    item: &mut ItemImpl,
    desugared: bool,
    names: &Generated,
    for_all: Allowed,
    errors: &mut Errors,
) -> Sorted {
    let written_stream_types: Vec<proc_macro2::Ident> = item
        .items
        .iter()
        .filter_map(|impl_item| match impl_item {
            ImplItem::Type(ty) if ty.ident.to_string().ends_with("Stream") => {
                Some(ty.ident.clone())
            }
            _ => None,
        })
        .collect();
    let mut sorted = Sorted {
        handlers: Vec::new(),
        inherent: Vec::new(),
        kept: Vec::new(),
        stream_types: Vec::new(),
    };
    for impl_item in std::mem::take(&mut item.items) {
        let mut method = match impl_item {
            ImplItem::Fn(method) => method,
            ImplItem::Type(mut ty) => {
                let allowed = for_all.with(allow::take_reporting(&mut ty.attrs, errors));
                if ty.ident.to_string().ends_with("Stream") && !allowed.allows(Rule::RawStream) {
                    sorted.stream_types.push(ty.ident.clone());
                }
                sorted.kept.push(ImplItem::Type(ty));
                continue;
            }
            other => {
                sorted.kept.push(other);
                continue;
            }
        };
        let allowed = for_all.with(allow::take_reporting(&mut method.attrs, errors));
        check_rules(&mut method, allowed, &written_stream_types, errors);
        sorted.method(method, desugared, names, errors);
    }
    sorted
}

impl Sorted {
    /// A method: a session handler, or kept as written.
    fn method(
        &mut self,
        mut method: ImplItemFn,
        desugared: bool,
        names: &Generated,
        errors: &mut Errors,
    ) {
        match handler::classify(&method, desugared) {
            Ok(Classified::NotOurs) => {
                if let Some(option) = method
                    .attrs
                    .iter()
                    .find(|attr| method_options::is_option(attr))
                {
                    errors.push(syn::Error::new_spanned(
                        option,
                        "#[tonic_session(..)] goes on streaming session handlers only",
                    ));
                }
                method.attrs.retain(|attr| !method_options::is_option(attr));
                self.kept.push(ImplItem::Fn(method));
            }
            Ok(Classified::Handler(handler, mistakes)) => {
                let body = match mistakes.is_empty() {
                    true => Body::Call,
                    false => Body::Placeholder,
                };
                errors.append(mistakes);
                self.inherent.push(expand::inner_method(
                    &method,
                    names,
                    body == Body::Placeholder,
                ));
                self.handlers
                    .push((*handler, cfg_attrs(&method.attrs), body));
            }
            // Its trait method cannot be written: leave it out (one "missing item"
            // error at most) and keep its body in the inherent impl for the IDE.
            Err(err) => {
                errors.push_rule(err);
                self.inherent
                    .push(expand::inner_method(&method, names, true));
            }
        }
    }

    /// A hand-written stream type for a session handler would clash with ours:
    /// reported and left out, so the duplicate does not cascade. Any other
    /// hand-written response stream belongs to a raw handler: reported.
    pub(super) fn report_raw_stream_types(&mut self, errors: &mut Errors) {
        let handlers = &self.handlers;
        let stream_types = &mut self.stream_types;
        self.kept.retain(|impl_item| {
            let ImplItem::Type(ty) = impl_item else {
                return true;
            };
            let clash = handlers.iter().find(|(handler, _, _)| {
                handler.kind != Kind::ClientStreaming && handler.stream_type == ty.ident
            });
            let Some((handler, _, _)) = clash else {
                return true;
            };
            let (name, handler) = (ty.ident.to_string(), handler.name.to_string());
            errors.push_rule(raw_stream::error(
                ty.ident.span(),
                RawFound::ClashingStreamType(&name, &handler),
            ));
            stream_types.retain(|name| *name != ty.ident);
            false
        });
        for name in std::mem::take(&mut self.stream_types) {
            let written = name.to_string();
            errors.push_rule(raw_stream::error(
                name.span(),
                RawFound::StreamType(&written),
            ));
        }
    }
}
