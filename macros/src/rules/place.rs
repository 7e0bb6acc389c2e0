//! Putting the passes' checks into the code: around the value a plain `let`
//! binds, after another statement that initialises the binding found (there it is
//! certainly initialised), or first in its body (parameters, `move` captures), each
//! spanned at the offending point.

use std::collections::HashMap;

use proc_macro2::Ident;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprBlock, Local, Stmt};

use crate::allow::Allowed;
use crate::rules::checks::{check_stmt, check_value};
use crate::rules::findings::Finding;
use tonic_session_engine::graph::{Program, Site};
use tonic_session_engine::lower::address;

/// Puts the checks of `findings` (binding, finding) into `body` (the body `program`
/// was lowered from). Bindings named in `skip` get none.
pub(crate) fn place(
    body: &mut Block,
    program: &Program,
    findings: &[(usize, Finding)],
    skip: &[String],
) {
    let mut placer = Placer::default();
    for &(binding, finding) in findings {
        let binding = &program.bindings[binding];
        let name = binding.ident.to_string();
        if !binding.may_be_a_half || skip.contains(&name) {
            continue;
        }
        let Some(site) = binding.site else { continue };
        let check = (binding.ident.clone(), finding, binding.allowed);
        placer.at.entry(site).or_default().push(check);
    }
    if !placer.at.is_empty() {
        placer.visit_block_mut(body);
    }
}

/// A check to make: the binding, what it did, the rules allowed for it.
type Check = (Ident, Finding, Allowed);

#[derive(Default)]
struct Placer {
    at: HashMap<Site, Vec<Check>>,
}

impl Placer {
    /// The checks at `site`, as statements.
    fn take(&mut self, site: Site) -> Vec<Stmt> {
        let checks = self.at.remove(&site).unwrap_or_default();
        let checks = checks.iter();
        checks
            .filter_map(|(binding, finding, allowed)| check_stmt(binding, *finding, *allowed))
            .collect()
    }

    /// Wraps the initialiser of each `let` in `block` that has checks of its own.
    fn wrap_initialisers(&mut self, block: &mut Block, key: usize) {
        for (index, stmt) in block.stmts.iter_mut().enumerate() {
            let Some(checks) = self.at.remove(&Site::Init { block: key, index }) else {
                continue;
            };
            let Stmt::Local(Local {
                init: Some(init), ..
            }) = stmt
            else {
                continue;
            };
            for (binding, finding, allowed) in checks {
                check_value(&binding, finding, allowed, &mut init.expr);
            }
        }
    }
}

impl VisitMut for Placer {
    // Children first: putting statements into a block moves what it holds, and
    // with it the addresses of the blocks inside.
    fn visit_block_mut(&mut self, block: &mut Block) {
        let key = address(&*block);
        visit_mut::visit_block_mut(self, block);
        self.wrap_initialisers(block, key);
        let mut after: Vec<(usize, Vec<Stmt>)> = (0..block.stmts.len())
            .map(|index| (index, self.take(Site::AfterStmt { block: key, index })))
            .filter(|(_, checks)| !checks.is_empty())
            .collect();
        after.reverse();
        for (index, checks) in after {
            block.stmts.splice(index + 1..index + 1, checks);
        }
        let top = self.take(Site::BlockTop(key));
        block.stmts.splice(0..0, top);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let Expr::Closure(closure) = expr else {
            return visit_mut::visit_expr_mut(self, expr);
        };
        let key = address(&*closure.body);
        visit_mut::visit_expr_closure_mut(self, closure);
        let mut checks = self.take(Site::ExprTop(key));
        if checks.is_empty() {
            return;
        }
        let body = std::mem::replace(&mut *closure.body, Expr::PLACEHOLDER);
        checks.push(Stmt::Expr(body, None));
        *closure.body = Expr::Block(ExprBlock {
            attrs: Vec::new(),
            label: None,
            block: Block {
                brace_token: Default::default(),
                stmts: checks,
            },
        });
    }

    // Nested items have attributes of their own.
    fn visit_item_mut(&mut self, _item: &mut syn::Item) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_in_an_initialiser_adds_no_statement_and_keeps_the_value() {
        let mut function: syn::ItemFn = syn::parse_str(
            "async fn f(mut client: C) -> Result<(), Status> {
                let rx = client.watch(a).await?;
                Ok(())
            }",
        )
        .expect("a function");
        crate::rules::check(
            &function.sig.inputs,
            &mut function.block,
            Allowed::default(),
            true,
            &[],
        );
        assert_eq!(function.block.stmts.len(), 2);
        let Stmt::Local(Local {
            init: Some(init), ..
        }) = &function.block.stmts[0]
        else {
            panic!("the let is kept");
        };
        let value = quote::ToTokens::to_token_stream(&init.expr).to_string();
        assert!(
            value.contains("RuleCheck (client . watch (a) . await ?)"),
            "{value}"
        );
        assert!(value.contains("rx_must_be_read_to_its_end"), "{value}");
    }
}
