//! Walking a file's items: what is annotated, what is allowed, and the findings of
//! the rest.

use syn::{ImplItem, Item};

use crate::allow::allowed;
use crate::coverage::{unannotated_client, unannotated_service};
use crate::finding::Raw;
use crate::hazards::hazards;
use crate::tokens::has_attribute;

/// The findings of a parsed file, with the allows of the items they are in applied.
pub fn scan(file: &syn::File) -> Vec<Raw> {
    let mut raws = Vec::new();
    items(&file.items, &[], &mut raws);
    raws.sort_by_key(|raw| raw.at);
    raws
}

fn items(list: &[Item], allowed_outside: &[String], raws: &mut Vec<Raw>) {
    for item in list {
        match item {
            Item::Fn(function) => {
                let allows = with_allows(&function.attrs, allowed_outside, raws);
                if has_attribute(&function.attrs, "client") {
                    continue;
                }
                let name = function.sig.ident.to_string();
                let mut found = Vec::new();
                found.extend(unannotated_client(&name, &function.sig, &function.block));
                found.extend(hazards(&function.sig, &function.block));
                keep(found, &allows, raws);
            }
            Item::Impl(block) => implementation(block, allowed_outside, raws),
            Item::Struct(_) | Item::Type(_) | Item::Enum(_) => {
                let allows = with_allows(item_attrs(item), allowed_outside, raws);
                keep(crate::hazards::shared_types(item), &allows, raws);
            }
            Item::Mod(module) => {
                let allows = with_allows(&module.attrs, allowed_outside, raws);
                if let Some((_, inner)) = &module.content {
                    items(inner, &allows, raws);
                }
            }
            _ => {}
        }
    }
}

fn implementation(block: &syn::ItemImpl, allowed_outside: &[String], raws: &mut Vec<Raw>) {
    let allows = with_allows(&block.attrs, allowed_outside, raws);
    if has_attribute(&block.attrs, "service") || has_attribute(&block.attrs, "client") {
        return;
    }
    let service = unannotated_service(block);
    let is_service = service.is_some();
    keep(service.into_iter().collect(), &allows, raws);
    for member in &block.items {
        let ImplItem::Fn(method) = member else {
            continue;
        };
        let method_allows = with_allows(&method.attrs, &allows, raws);
        let mut found = Vec::new();
        if !is_service {
            let name = method.sig.ident.to_string();
            found.extend(unannotated_client(&name, &method.sig, &method.block));
        }
        found.extend(hazards(&method.sig, &method.block));
        keep(found, &method_allows, raws);
    }
}

/// The rules allowed on an item inside `outside`; an allow without a reason is
/// itself a finding.
fn with_allows(attrs: &[syn::Attribute], outside: &[String], raws: &mut Vec<Raw>) -> Vec<String> {
    let (mut rules, missing) = allowed(attrs);
    raws.extend(missing);
    rules.extend(outside.iter().cloned());
    rules
}

fn keep(found: Vec<Raw>, allows: &[String], raws: &mut Vec<Raw>) {
    raws.extend(
        found
            .into_iter()
            .filter(|raw| !allows.iter().any(|rule| rule == raw.rule)),
    );
}

fn item_attrs(item: &Item) -> &[syn::Attribute] {
    match item {
        Item::Struct(item) => &item.attrs,
        Item::Type(item) => &item.attrs,
        Item::Enum(item) => &item.attrs,
        _ => &[],
    }
}
