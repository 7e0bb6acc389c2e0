//! What a closure or async block captures from around it: the locals it names in
//! expression position (`tx`, not a field `x.tx` or a method `.tx()`), less the
//! names it declares itself (a `let tx` inside is its own), and the identifiers of
//! macro calls, which cannot be told apart.

use proc_macro2::{Span, TokenStream};
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

use crate::syntax::pattern_idents;

/// What a body names of the code around it.
pub struct Mentions {
    /// Every local it names (its own included), with its first mention: for the
    /// code around it, each may be handed on.
    pub named: Vec<(String, Span)>,
    /// Those it surely takes from around it (named, never declared inside): only
    /// these may be named again by a check outside or at its top, which must not
    /// capture or borrow anything the code did not.
    pub captured: Vec<String>,
}

/// What `body` names, first mention first, each once; `parameters` are the names
/// its closure binds.
pub fn of(body: &Expr, parameters: &[String]) -> Mentions {
    let mut names = Names::default();
    names.declared.extend(parameters.iter().cloned());
    names.visit_expr(body);
    let Names { used, declared } = names;
    let mut named: Vec<(String, Span)> = Vec::new();
    for (name, span) in used {
        if !named.iter().any(|(seen, _)| *seen == name) {
            named.push((name, span));
        }
    }
    let captured = named
        .iter()
        .map(|(name, _)| name)
        .filter(|name| !declared.contains(name))
        .cloned()
        .collect();
    Mentions { named, captured }
}

#[derive(Default)]
struct Names {
    used: Vec<(String, Span)>,
    declared: Vec<String>,
}

impl Names {
    fn declare(&mut self, pat: &Pat) {
        let idents = pattern_idents(pat).into_iter();
        self.declared.extend(idents.map(|ident| ident.to_string()));
    }

    fn tokens(&mut self, tokens: &TokenStream) {
        let idents = crate::syntax::idents(tokens).into_iter();
        self.used
            .extend(idents.map(|ident| (ident.to_string(), ident.span())));
    }
}

impl Visit<'_> for Names {
    fn visit_expr_path(&mut self, path: &syn::ExprPath) {
        if let (None, Some(ident)) = (&path.qself, path.path.get_ident()) {
            self.used.push((ident.to_string(), ident.span()));
        }
    }

    fn visit_pat(&mut self, pat: &Pat) {
        self.declare(pat);
        visit::visit_pat(self, pat);
    }

    fn visit_macro(&mut self, mac: &syn::Macro) {
        self.tokens(&mac.tokens);
    }

    // A struct literal's shorthand field (`Chat { tx }`) names the local `tx`.
    fn visit_field_value(&mut self, field: &syn::FieldValue) {
        if field.colon_token.is_none()
            && let syn::Member::Named(name) = &field.member
        {
            self.used.push((name.to_string(), name.span()));
        }
        visit::visit_field_value(self, field);
    }

    fn visit_item(&mut self, _item: &syn::Item) {}
}
