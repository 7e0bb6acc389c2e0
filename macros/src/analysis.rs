//! Which bindings may reach a normal exit unconsumed: an all-paths analysis in the
//! spirit of go vet's `lostcancel`, over one function body.
//!
//! It tracks every binding of a `let` statement (and every parameter) and asks, for
//! each, whether some path from its creation to a normal exit (a `return` that is
//! not `return Err(..)`, the end of its scope) leaves it unconsumed. It does not
//! know types: whether the binding is a session half is decided later by the
//! compiler (see `cleanup_check`), so a leaked `u8` costs nothing.
//!
//! Consumed means: `x.finish(..)` or `x.cancel(..)`; any by-value use (an argument,
//! a `return x`, `let y = x`, a tuple); any mention inside a closure, an async
//! block or a macro call (handed on, or out of sight); `x.message()` in a `loop` or
//! `while` loop, taken as read to its end once the loop exits (a `for` loop stops
//! on its own count, so it drains nothing). Paths that end in `?`,
//! `return Err(..)` or a panic are error paths: the runtime cancels what they drop.
//! Everything unknown leans towards "consumed", so the analysis has no false
//! positives of its own.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::{Block, Expr, FnArg, Ident, Local, Pat, Stmt};

use crate::allow::{self, Allowed};
use crate::cleanup_check::check_stmt;
use crate::errors::Errors;

/// A binding the analysis follows.
pub(crate) struct Binding {
    pub(crate) ident: Ident,
    /// Where it leaks first (the exit it may reach unconsumed), if anywhere.
    pub(crate) leak: Option<Span>,
    /// Whether it can hold a session half at all: halves come out of awaited calls,
    /// are moved from another binding, or arrive as parameters named as halves. Only
    /// those get a check (each check costs the compiler a few items).
    pub(crate) may_be_a_half: bool,
    /// Rules allowed for it (`#[tonic_session::allow]` on its `let` or function).
    pub(crate) allowed: Allowed,
}

/// Set of maybe-unconsumed binding ids; `None` when the point is unreachable.
type Flow = Option<BTreeSet<usize>>;

/// `flow` without the bindings in `ids` (they left scope, or were drained).
fn without(flow: Flow, ids: &BTreeSet<usize>) -> Flow {
    flow.map(|live| live.difference(ids).copied().collect())
}

fn union(a: Flow, b: Flow) -> Flow {
    match (a, b) {
        (None, other) | (other, None) => other,
        (Some(mut a), Some(b)) => {
            a.extend(b);
            Some(a)
        }
    }
}

struct LoopFrame {
    label: Option<String>,
    /// Scope depth at the loop: bindings deeper than this leave scope on `break`.
    depth: usize,
    breaks: Flow,
    /// Bindings read with `.message()` inside the loop: drained when it exits.
    drained: BTreeSet<usize>,
    /// Whether the loop can run until a stream says stop (`loop`, `while`), so a
    /// receiver read in it is taken as read to its end; a `for` loop stops on its own.
    drains: bool,
}

/// The analysis of one function body.
#[derive(Default)]
pub(crate) struct Analysis {
    pub(crate) bindings: Vec<Binding>,
    /// Name -> binding id, innermost scope last.
    scopes: Vec<Vec<(String, usize)>>,
    loops: Vec<LoopFrame>,
    /// Ids of the function's parameters.
    parameters: Vec<usize>,
    /// Rules the whole function allows.
    allowed: Allowed,
    /// Malformed `#[tonic_session::allow]`s.
    pub(crate) errors: Errors,
}

impl Analysis {
    /// Analyses `body`, with the by-value identifier parameters of its function.
    pub(crate) fn of_function<'a>(
        inputs: impl IntoIterator<Item = &'a FnArg>,
        body: &mut Block,
        allowed: Allowed,
    ) -> Analysis {
        let mut analysis = Analysis {
            allowed,
            ..Analysis::default()
        };
        analysis.scopes.push(Vec::new());
        let mut flow = BTreeSet::new();
        for input in inputs {
            if let FnArg::Typed(typed) = input {
                let named_as_half = mentions_a_half(&quote::ToTokens::to_token_stream(&typed.ty));
                for ident in pattern_idents(&typed.pat) {
                    let id = analysis.declare(ident, named_as_half);
                    analysis.parameters.push(id);
                    flow.insert(id);
                }
            }
        }
        let (end, declared) = analysis.function_body(body, Some(flow));
        analysis.leave_scope(end, body.brace_token.span.close());
        let parameters = analysis.parameters.clone();
        analysis.insert_checks(body, declared, parameters);
        analysis
    }

    /// Puts a check right after each `let` (and at the top for parameters) whose
    /// bindings may leak: there the binding is certainly initialised; the check is
    /// spanned at the exit where it leaks.
    fn insert_checks(
        &self,
        block: &mut Block,
        declared: Vec<(usize, Vec<usize>)>,
        parameters: Vec<usize>,
    ) {
        for (index, ids) in declared.into_iter().rev() {
            let checks = ids.iter().filter_map(|&id| check_stmt(&self.bindings[id]));
            let at = (index + 1).min(block.stmts.len());
            block.stmts.splice(at..at, checks.collect::<Vec<_>>());
        }
        let checks: Vec<Stmt> = parameters
            .iter()
            .filter_map(|&id| check_stmt(&self.bindings[id]))
            .collect();
        block.stmts.splice(0..0, checks);
    }

    fn declare(&mut self, ident: Ident, may_be_a_half: bool) -> usize {
        let id = self.bindings.len();
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((ident.to_string(), id));
        }
        self.bindings.push(Binding {
            ident,
            leak: None,
            may_be_a_half,
            allowed: self.allowed,
        });
        id
    }

    fn resolve(&self, name: &str) -> Option<usize> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(bound, _)| bound == name)
            .map(|(_, id)| *id)
    }

    /// Records that every live binding in `ids` may reach `exit` unconsumed.
    fn leak(&mut self, flow: &Flow, ids: impl Fn(usize) -> bool, exit: Span) {
        let Some(live) = flow else { return };
        for &id in live {
            if ids(id) && self.bindings[id].leak.is_none() {
                self.bindings[id].leak = Some(exit);
            }
        }
    }

    /// Ids declared in scopes deeper than `depth`.
    fn deeper_than(&self, depth: usize) -> BTreeSet<usize> {
        self.scopes
            .iter()
            .skip(depth)
            .flatten()
            .map(|(_, id)| *id)
            .collect()
    }

    /// Pops the innermost scope: what it declared and is still live leaks at `end`.
    fn leave_scope(&mut self, flow: Flow, end: Span) -> Flow {
        let ids = self.pop_scope();
        self.leak(&flow, |id| ids.contains(&id), end);
        without(flow, &ids)
    }

    /// Pops the innermost scope; the ids it declared.
    fn pop_scope(&mut self) -> BTreeSet<usize> {
        let scope = self.scopes.pop().unwrap_or_default();
        scope.into_iter().map(|(_, id)| id).collect()
    }

    fn consume(&self, flow: &mut Flow, name: &str) {
        if let (Some(live), Some(id)) = (flow.as_mut(), self.resolve(name)) {
            live.remove(&id);
        }
    }

    /// The function body: a tail `Err(..)` is an error exit.
    fn function_body(&mut self, body: &mut Block, flow: Flow) -> (Flow, Vec<(usize, Vec<usize>)>) {
        let (flow, declared) = self.block_inner(body, flow);
        match body.stmts.last() {
            Some(Stmt::Expr(tail, None)) if is_err_value(tail) => (None, declared),
            _ => (flow, declared),
        }
    }

    fn block(&mut self, block: &mut Block, flow: Flow) -> Flow {
        self.scopes.push(Vec::new());
        let (flow, declared) = self.block_inner(block, flow);
        let flow = self.leave_scope(flow, block.brace_token.span.close());
        self.insert_checks(block, declared, Vec::new());
        flow
    }

    /// The statements of a block; returns the flow out and, per `let`, the ids
    /// it declared.
    fn block_inner(
        &mut self,
        block: &mut Block,
        mut flow: Flow,
    ) -> (Flow, Vec<(usize, Vec<usize>)>) {
        let mut declared = Vec::new();
        for (index, stmt) in block.stmts.iter_mut().enumerate() {
            flow = match stmt {
                Stmt::Local(local) => {
                    let allowed = match allow::take(&mut local.attrs) {
                        Ok(allowed) => allowed,
                        Err(err) => {
                            self.errors.push(err);
                            Allowed::default()
                        }
                    };
                    let may_be_a_half = local
                        .init
                        .as_ref()
                        .is_some_and(|init| may_yield_a_half(&init.expr))
                        || mentions_a_half(&quote::ToTokens::to_token_stream(&local.pat));
                    let flow = self.local(local, flow);
                    let ids = self.declare_pattern_as(&local.pat, may_be_a_half);
                    for &id in &ids {
                        self.bindings[id].allowed = self.bindings[id].allowed.with(allowed);
                    }
                    if !ids.is_empty() {
                        declared.push((index, ids.clone()));
                    }
                    flow.map(|mut live| {
                        live.extend(ids);
                        live
                    })
                }
                Stmt::Expr(expr, _) => self.expr(expr, flow),
                Stmt::Macro(mac) => self.tokens(&mac.mac.tokens, flow),
                Stmt::Item(_) => flow,
            };
        }
        (flow, declared)
    }

    fn local(&mut self, local: &mut Local, flow: Flow) -> Flow {
        let Some(init) = &mut local.init else {
            return flow;
        };
        let flow = self.expr(&mut init.expr, flow);
        match &mut init.diverge {
            // `let .. else { .. }`: the else block must diverge; analyse it for its
            // returns, and go on with the path where the pattern matched.
            Some((_, diverge)) => {
                let _ = self.expr(diverge, flow.clone());
                flow
            }
            None => flow,
        }
    }

    fn declare_pattern(&mut self, pat: &Pat) -> Vec<usize> {
        self.declare_pattern_as(pat, false)
    }

    fn declare_pattern_as(&mut self, pat: &Pat, may_be_a_half: bool) -> Vec<usize> {
        pattern_idents(pat)
            .into_iter()
            .map(|ident| self.declare(ident, may_be_a_half))
            .collect()
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e mut Expr>, mut flow: Flow) -> Flow {
        for expr in exprs {
            flow = self.expr(expr, flow);
        }
        flow
    }

    fn expr(&mut self, expr: &mut Expr, mut flow: Flow) -> Flow {
        match expr {
            Expr::Path(path) => {
                if let Some(ident) = path.path.get_ident()
                    && path.qself.is_none()
                {
                    self.consume(&mut flow, &ident.to_string());
                }
                flow
            }
            Expr::MethodCall(call) => {
                match bare_ident(&call.receiver) {
                    Some(receiver) => {
                        let method = call.method.to_string();
                        if method == "finish" || method == "cancel" {
                            self.consume(&mut flow, &receiver);
                        } else if method == "message"
                            && let Some(id) = self.resolve(&receiver)
                            && let Some(frame) = self.loops.last_mut()
                            && frame.drains
                        {
                            frame.drained.insert(id);
                        }
                    }
                    None => flow = self.expr(&mut call.receiver, flow),
                }
                self.exprs(&mut call.args, flow)
            }
            Expr::Reference(reference) => match bare_ident(&reference.expr) {
                Some(_) => flow,
                None => self.expr(&mut reference.expr, flow),
            },
            Expr::Field(field) => match bare_ident(&field.base) {
                Some(_) => flow,
                None => self.expr(&mut field.base, flow),
            },
            Expr::Return(ret) => {
                let flow = match &mut ret.expr {
                    Some(value) => self.expr(value, flow),
                    None => flow,
                };
                if !ret.expr.as_deref().is_some_and(is_err_value) {
                    self.leak(&flow, |_| true, ret.span());
                }
                None
            }
            Expr::Try(tried) => self.expr(&mut tried.expr, flow),
            Expr::Await(awaited) => self.expr(&mut awaited.base, flow),
            Expr::If(branch) => {
                self.scopes.push(Vec::new());
                let flow = self.condition(&mut branch.cond, flow);
                let then = self.block(&mut branch.then_branch, flow.clone());
                // The `if let` pattern's bindings live in the `then` branch only.
                let pattern = self.pop_scope();
                let otherwise = match &mut branch.else_branch {
                    Some((_, otherwise)) => self.expr(otherwise, without(flow, &pattern)),
                    None => without(flow, &pattern),
                };
                union(without(then, &pattern), otherwise)
            }
            Expr::Match(matched) => {
                let flow = self.expr(&mut matched.expr, flow);
                let mut after: Flow = None;
                for arm in &mut matched.arms {
                    self.scopes.push(Vec::new());
                    let ids = self.declare_pattern(&arm.pat);
                    let mut arm_flow = flow.clone().map(|mut live| {
                        live.extend(ids);
                        live
                    });
                    if let Some((_, guard)) = &mut arm.guard {
                        arm_flow = self.expr(guard, arm_flow);
                    }
                    arm_flow = self.expr(&mut arm.body, arm_flow);
                    let arm_flow = self.leave_scope(arm_flow, arm.body.span());
                    after = union(after, arm_flow);
                }
                after
            }
            Expr::Block(block) => self.labelled_block(block.label.as_ref(), &mut block.block, flow),
            Expr::Unsafe(block) => self.block(&mut block.block, flow),
            Expr::Const(block) => self.block(&mut block.block, flow),
            Expr::Loop(looped) => {
                self.enter_loop(looped.label.as_ref(), true);
                let _ = self.block(&mut looped.body, flow);
                self.exit_loop(None)
            }
            Expr::While(looped) => {
                self.enter_loop(looped.label.as_ref(), true);
                self.scopes.push(Vec::new());
                let condition = self.condition(&mut looped.cond, flow);
                let _ = self.block(&mut looped.body, condition.clone());
                let condition = self.leave_scope(condition, looped.body.span());
                self.exit_loop(condition)
            }
            Expr::ForLoop(looped) => {
                let flow = self.expr(&mut looped.expr, flow);
                self.enter_loop(looped.label.as_ref(), false);
                self.scopes.push(Vec::new());
                let ids = self.declare_pattern(&looped.pat);
                let body_flow = flow.clone().map(|mut live| {
                    live.extend(ids);
                    live
                });
                let body_flow = self.block(&mut looped.body, body_flow);
                let _ = self.leave_scope(body_flow, looped.body.span());
                self.exit_loop(flow)
            }
            Expr::Break(broken) => {
                let flow = match &mut broken.expr {
                    Some(value) => self.expr(value, flow),
                    None => flow,
                };
                let label = broken.label.as_ref().map(|label| label.ident.to_string());
                if let Some(index) = self.loop_index(label.as_deref()) {
                    let depth = self.loops[index].depth;
                    let leaving = self.deeper_than(depth);
                    self.leak(&flow, |id| leaving.contains(&id), broken.span());
                    let flow = without(flow, &leaving);
                    let frame = &mut self.loops[index];
                    frame.breaks = union(frame.breaks.take(), flow);
                }
                None
            }
            Expr::Continue(continued) => {
                let label = continued
                    .label
                    .as_ref()
                    .map(|label| label.ident.to_string());
                if let Some(index) = self.loop_index(label.as_deref()) {
                    let leaving = self.deeper_than(self.loops[index].depth);
                    self.leak(&flow, |id| leaving.contains(&id), continued.span());
                }
                None
            }
            // Handed on, or out of sight: every binding mentioned is taken as consumed.
            Expr::Closure(closure) => {
                self.tokens(&quote::ToTokens::to_token_stream(&closure.body), flow)
            }
            Expr::Async(block) => {
                self.tokens(&quote::ToTokens::to_token_stream(&block.block), flow)
            }
            Expr::Macro(mac) => self.tokens(&mac.mac.tokens, flow),
            Expr::Verbatim(tokens) => self.tokens(tokens, flow),
            Expr::Assign(assign) => {
                let flow = self.expr(&mut assign.right, flow);
                match bare_ident(&assign.left) {
                    // Reassigned: live again (what it held before is not followed).
                    Some(name) => match (flow, self.resolve(&name)) {
                        (Some(mut live), Some(id)) => {
                            live.insert(id);
                            Some(live)
                        }
                        (flow, _) => flow,
                    },
                    None => self.expr(&mut assign.left, flow),
                }
            }
            Expr::Call(call) => {
                let flow = self.expr(&mut call.func, flow);
                self.exprs(&mut call.args, flow)
            }
            Expr::Tuple(tuple) => self.exprs(&mut tuple.elems, flow),
            Expr::Array(array) => self.exprs(&mut array.elems, flow),
            Expr::Paren(paren) => self.expr(&mut paren.expr, flow),
            Expr::Group(group) => self.expr(&mut group.expr, flow),
            Expr::Cast(cast) => self.expr(&mut cast.expr, flow),
            Expr::Unary(unary) => self.expr(&mut unary.expr, flow),
            Expr::Binary(binary) => {
                let flow = self.expr(&mut binary.left, flow);
                self.expr(&mut binary.right, flow)
            }
            Expr::Index(index) => {
                let flow = self.expr(&mut index.expr, flow);
                self.expr(&mut index.index, flow)
            }
            Expr::Range(range) => self.exprs(
                range
                    .start
                    .iter_mut()
                    .chain(range.end.iter_mut())
                    .map(|e| &mut **e),
                flow,
            ),
            Expr::Repeat(repeat) => self.expr(&mut repeat.expr, flow),
            Expr::Struct(object) => {
                let flow = self.exprs(object.fields.iter_mut().map(|field| &mut field.expr), flow);
                match &mut object.rest {
                    Some(rest) => self.expr(rest, flow),
                    None => flow,
                }
            }
            Expr::Let(bound) => self.expr(&mut bound.expr, flow),
            Expr::Yield(yielded) => match &mut yielded.expr {
                Some(value) => self.expr(value, flow),
                None => flow,
            },
            // Everything else holds no binding (literals) or is out of sight.
            other => self.tokens(&quote::ToTokens::to_token_stream(other), flow),
        }
    }

    /// An `if` or `while` condition; `let` patterns declare into the current scope.
    fn condition(&mut self, cond: &mut Expr, flow: Flow) -> Flow {
        let mut flow = self.expr(cond, flow);
        let mut lets = Vec::new();
        collect_lets(cond, &mut lets);
        for pat in lets {
            let ids = self.declare_pattern(pat);
            flow = flow.map(|mut live| {
                live.extend(ids);
                live
            });
        }
        flow
    }

    fn labelled_block(
        &mut self,
        label: Option<&syn::Label>,
        block: &mut Block,
        flow: Flow,
    ) -> Flow {
        let Some(label) = label else {
            return self.block(block, flow);
        };
        self.enter_loop(Some(label), false);
        let end = self.block(block, flow);
        let breaks = self.exit_loop(None);
        union(end, breaks)
    }

    fn enter_loop(&mut self, label: Option<&syn::Label>, drains: bool) {
        self.loops.push(LoopFrame {
            label: label.map(|label| label.name.ident.to_string()),
            depth: self.scopes.len(),
            breaks: None,
            drained: BTreeSet::new(),
            drains,
        });
    }

    /// Leaves the innermost loop: what flows out is `normal_exit` (the condition
    /// failing) joined with every `break`, minus what the loop drained.
    fn exit_loop(&mut self, normal_exit: Flow) -> Flow {
        let Some(frame) = self.loops.pop() else {
            return normal_exit;
        };
        without(union(normal_exit, frame.breaks), &frame.drained)
    }

    fn loop_index(&self, label: Option<&str>) -> Option<usize> {
        match label {
            None => self.loops.len().checked_sub(1),
            Some(label) => self
                .loops
                .iter()
                .rposition(|frame| frame.label.as_deref() == Some(label)),
        }
    }

    /// Token-level: every identifier that names a live binding is consumed.
    fn tokens(&self, tokens: &TokenStream, mut flow: Flow) -> Flow {
        for token in tokens.clone() {
            match token {
                TokenTree::Ident(ident) => self.consume(&mut flow, &ident.to_string()),
                TokenTree::Group(group) => flow = self.tokens(&group.stream(), flow),
                _ => {}
            }
        }
        flow
    }
}

/// Whether `expr` can produce a session half: it awaits something, or moves a
/// binding (`let rx2 = rx;`).
fn may_yield_a_half(expr: &Expr) -> bool {
    fn awaits(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => ident == "await",
            TokenTree::Group(group) => awaits(group.stream()),
            _ => false,
        })
    }
    bare_ident(expr).is_some() || awaits(quote::ToTokens::to_token_stream(expr))
}

/// Whether a type or pattern names a session half (`Sender`, `Upload`, `Receiver`).
fn mentions_a_half(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|token| match token {
        TokenTree::Ident(ident) => ident == "Sender" || ident == "Upload" || ident == "Receiver",
        TokenTree::Group(group) => mentions_a_half(&group.stream()),
        _ => false,
    })
}

/// The identifiers a pattern binds by value (`x`, `mut x`, `(a, b)`, `x: T`).
fn pattern_idents(pat: &Pat) -> Vec<Ident> {
    match pat {
        Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
            vec![ident.ident.clone()]
        }
        Pat::Tuple(tuple) => tuple.elems.iter().flat_map(pattern_idents).collect(),
        Pat::Type(typed) => pattern_idents(&typed.pat),
        Pat::Paren(paren) => pattern_idents(&paren.pat),
        Pat::TupleStruct(tuple) => tuple.elems.iter().flat_map(pattern_idents).collect(),
        _ => Vec::new(),
    }
}

fn collect_lets<'e>(expr: &'e Expr, lets: &mut Vec<&'e Pat>) {
    match expr {
        Expr::Let(bound) => lets.push(&bound.pat),
        Expr::Binary(binary) => {
            collect_lets(&binary.left, lets);
            collect_lets(&binary.right, lets);
        }
        Expr::Paren(paren) => collect_lets(&paren.expr, lets),
        _ => {}
    }
}

fn bare_ident(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident().map(ToString::to_string),
        Expr::Paren(paren) => bare_ident(&paren.expr),
        _ => None,
    }
}

/// `Err(..)` (or `Err(..).into()`-free forms): a value that makes the path an
/// error exit.
fn is_err_value(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Err"))
        }
        Expr::Paren(paren) => is_err_value(&paren.expr),
        _ => false,
    }
}
