//! Putting the passes' checks into the code: after the statement that initialises
//! each binding found (there it is certainly initialised), or first in its body
//! (parameters, `move` captures), each spanned at the offending point.

use std::collections::HashMap;

use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprBlock, Stmt};

use super::graph::{Program, Site};
use super::lower::address;
use crate::rules::checks::{Finding, check_stmt};

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
        if let Some(check) = check_stmt(&binding.ident, finding, binding.allowed) {
            placer.at.entry(site).or_default().push(check);
        }
    }
    if !placer.at.is_empty() {
        placer.visit_block_mut(body);
    }
}

#[derive(Default)]
struct Placer {
    at: HashMap<Site, Vec<Stmt>>,
}

impl Placer {
    fn take(&mut self, site: Site) -> Vec<Stmt> {
        self.at.remove(&site).unwrap_or_default()
    }
}

impl VisitMut for Placer {
    // Children first: putting statements into a block moves what it holds, and
    // with it the addresses of the blocks inside.
    fn visit_block_mut(&mut self, block: &mut Block) {
        let key = address(&*block);
        visit_mut::visit_block_mut(self, block);
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
