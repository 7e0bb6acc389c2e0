//! The check the analysis puts where a binding breaks a rule (or may): a no-op for
//! any type but a session half, and for a half a compile error naming the rule.
//!
//! The runtime tells a half from anything else by type, and its side
//! (`tonic_session_kind()`, see its `rule_check`). The check's own traits answer
//! `created_here()` for each side of a half: where a rule applies, with a
//! method-level bound on the half's type, on a trait made here for this site alone:
//! its `#[diagnostic::on_unimplemented]` gives the rule's message, the label and the
//! fix; its name reads as the rule (`rx_must_be_read_to_its_end`), since rustc
//! names it; a `do_not_recommend` impl for `()` keeps rustc from suggesting to write
//! one. (A bound on the half's type itself, not on a projection: rustc then names
//! nothing else.) The call is spanned at the offending point (the error's primary
//! span), the bounds at the binding, so rustc's one note points where the half was
//! created.
//!
//! Where a binding is made by `let name = value;`, the check wraps `value`, which
//! passes through by value: no local and no borrow is added to the body (each one
//! costs the compiler time across every `.await` of an async body). Elsewhere it is
//! a statement looking at the binding by reference.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Expr, Stmt};

use crate::allow::{Allowed, Rule};
use crate::rules::findings::{Family, Finding};
use crate::rules::table::{Diagnostic, diagnostic, obligation, rules};

/// The sides of a half the sending and the receiving rule of `family` apply to (the
/// runtime's marker types). Server halves are ended by the `Finished` a
/// handler must return (and a server receiver needs no drain): the cleanup rules
/// are the client's.
fn covered(family: Family) -> (&'static [&'static str], &'static [&'static str]) {
    match family {
        Family::Cleanup => (&["ClientSending"], &["ClientReceiving"]),
        _ => (
            &["ClientSending", "ServerSending"],
            &["ClientReceiving", "ServerReceiving"],
        ),
    }
}

/// A rule of a finding that applies: the sides of a half it covers, and the name of
/// the trait that checks them.
type Applying = (Rule, &'static [&'static str], &'static str);

/// The rules of `finding` that apply.
fn applying(finding: Finding, allowed: Allowed) -> Vec<Applying> {
    let (sending_rule, receiving_rule) = rules(finding.family);
    let (sending_sides, receiving_sides) = covered(finding.family);
    let rules = [
        (sending_rule, sending_sides, "sending_half"),
        (receiving_rule, receiving_sides, "receiving_half"),
    ];
    let allowed = |rule: Option<Rule>| rule.filter(|rule| !allowed.allows(*rule));
    rules
        .into_iter()
        .filter_map(|(rule, sides, name)| Some((allowed(rule)?, sides, name)))
        .collect()
}

/// The trait a rule's bound names, with the rule's diagnostic, for `binding`.
fn bound_trait(binding: &Ident, rule: Rule, finding: Finding) -> Option<(Ident, TokenStream)> {
    let Diagnostic {
        message,
        label,
        help,
    } = diagnostic(rule, &binding.to_string(), finding.detail)?;
    let created = binding.span();
    let bound = format_ident!("{}_{}", binding, obligation(rule), span = created);
    let items = quote_spanned! {created=>
        #[allow(non_camel_case_types)]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #help)]
        trait #bound {}
        #[diagnostic::do_not_recommend]
        impl #bound for () {}
    };
    Some((bound, items))
}

/// The items of the check for `binding` at `finding`: the rules' traits, and a
/// trait answering `created_here()` for each side of a half (bound by the rule
/// where one applies, plain where none does). `None` when every rule it could break
/// is allowed.
fn check_items(binding: &Ident, finding: Finding, allowed: Allowed) -> Option<TokenStream> {
    let created = binding.span();
    let mut items = TokenStream::new();
    let mut traits: Vec<Ident> = Vec::new();
    let mut checked: Vec<&str> = Vec::new();
    for (rule, sides, name) in applying(finding, allowed) {
        let Some((bound, bound_items)) = bound_trait(binding, rule, finding) else {
            continue;
        };
        // detached_half and forgotten_half serve both sides with one trait.
        if !traits.contains(&bound) {
            items.extend(bound_items);
            traits.push(bound.clone());
        }
        checked.extend_from_slice(sides);
        items.extend(side_trait(name, sides, Some(&bound), created));
    }
    if traits.is_empty() {
        return None;
    }
    let unchecked: Vec<&str> = sides_seen(finding.family)
        .iter()
        .copied()
        .filter(|side| !checked.contains(side))
        .collect();
    if !unchecked.is_empty() {
        items.extend(side_trait("unchecked_half", &unchecked, None, created));
    }
    items.extend(quote_spanned! {created=>
        #[allow(unused_imports)]
        use ::tonic_session::__private::NotAHalfKind as _;
    });
    Some(items)
}

/// The sides of a half the runtime tells apart (its marker types).
const SIDES: [&str; 4] = [
    "ClientSending",
    "ClientReceiving",
    "ServerSending",
    "ServerReceiving",
];

/// Whether the rules of `family` apply to client halves alone: then the check asks
/// the runtime's client-only wrappers, to which a server half is nothing, and
/// needs no trait for server halves (fewer items: each costs the compiler time).
fn client_only(family: Family) -> bool {
    family == Family::Cleanup
}

/// The sides the check of `family` can meet.
fn sides_seen(family: Family) -> &'static [&'static str] {
    if client_only(family) {
        &SIDES[..2]
    } else {
        &SIDES
    }
}

/// The runtime's wrapper for a value (`by_ref`: a binding) checked for `finding`,
/// spanned at the offending point as the rest of the call.
fn wrapper(finding: Finding, by_ref: bool) -> Ident {
    let family = finding.family;
    let name = match (client_only(family), by_ref) {
        (false, false) => "RuleCheck",
        (false, true) => "RuleCheckRef",
        (true, false) => "ClientRuleCheck",
        (true, true) => "ClientRuleCheckRef",
    };
    Ident::new(name, finding.at)
}

/// A trait `name` answering `created_here()` for halves of `sides`, with the
/// half's type bound by `bound` if there is one.
fn side_trait(name: &str, sides: &[&str], bound: Option<&Ident>, created: Span) -> TokenStream {
    let private = quote!(::tonic_session::__private);
    let name = format_ident!("{}", name, span = created);
    let sides = sides
        .iter()
        .map(|side| format_ident!("{}", side, span = created));
    let bound = bound.map(|bound| quote_spanned!(created=> where H: #bound));
    quote_spanned! {created=>
        #[allow(non_camel_case_types, dead_code)]
        trait #name<H, V> {
            fn created_here(self) -> V #bound;
        }
        #(
            impl<H, V> #name<H, V> for #private::Half<#private::#sides, H, V> {
                fn created_here(self) -> V #bound { self.value() }
            }
        )*
    }
}

/// Wraps `value`, which a `let` binds to `binding`, in the check for `finding`; the
/// value passes through unchanged. Left as it is if every rule is allowed.
///
/// Built as syntax, not parsed from tokens: what rewrites the body's calls
/// afterwards must see the value inside, and parsing every check again would cost
/// the attribute more than all its analysis.
pub(crate) fn check_value(binding: &Ident, finding: Finding, allowed: Allowed, value: &mut Expr) {
    let Some(items) = check_items(binding, finding, allowed) else {
        return;
    };
    let private = quote!(::tonic_session::__private);
    let wrapper = wrapper(finding, false);
    let mut call: Expr = syn::parse_quote_spanned! {finding.at=>
        #private::#wrapper(()).tonic_session_kind().created_here()
    };
    let Some(slot) = value_slot(&mut call) else {
        return;
    };
    *slot = std::mem::replace(value, Expr::PLACEHOLDER);
    *value = Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block: syn::Block {
            brace_token: syn::token::Brace(binding.span()),
            stmts: vec![
                Stmt::Item(syn::Item::Verbatim(items)),
                Stmt::Expr(call, None),
            ],
        },
    });
}

/// The `()` in `RuleCheck(()).tonic_session_kind().created_here()`.
fn value_slot(call: &mut Expr) -> Option<&mut Expr> {
    let Expr::MethodCall(created_here) = call else {
        return None;
    };
    let Expr::MethodCall(kind) = &mut *created_here.receiver else {
        return None;
    };
    let Expr::Call(wrap) = &mut *kind.receiver else {
        return None;
    };
    wrap.args.first_mut()
}

/// The check for `binding` at `finding`, as a statement where the binding is in
/// scope, unless every rule it could break is allowed.
pub(crate) fn check_stmt(binding: &Ident, finding: Finding, allowed: Allowed) -> Option<Stmt> {
    let items = check_items(binding, finding, allowed)?;
    let private = quote!(::tonic_session::__private);
    let wrapper = wrapper(finding, true);
    let call = quote_spanned! {finding.at=>
        #private::#wrapper(&#binding).tonic_session_kind().created_here()
    };
    let stmt = quote_spanned! {binding.span()=>
        {
            #items
            #[allow(unused_imports)]
            use #private::HalfKindRef as _;
            #call;
        }
    };
    syn::parse2(stmt).ok()
}
