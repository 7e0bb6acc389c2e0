//! Which bindings break a rule, over one function body: an all-paths analysis in
//! the spirit of go vet's `lostcancel` for cleanup, plus the use-site rules.
//!
//! Cleanup (client code): it tracks every binding of a `let` statement (and every
//! parameter) and asks, for each, whether some path from its creation to a normal
//! exit (a `return` that is not `return Err(..)`, the end of its scope) leaves it
//! unconsumed. Consumed means: `x.finish(..)` or `x.cancel(..)`; any by-value use
//! (an argument, a `return x`, `let y = x`, a tuple); any mention inside a closure,
//! an async block or a macro call (handed on, or out of sight); `x.message()` in a
//! `loop` or `while` loop, taken as read to its end once the loop exits (a `for`
//! loop stops on its own count, so it drains nothing). Paths that end in `?`,
//! `return Err(..)` or a panic are error paths: the runtime cancels what they drop.
//! A `move` closure or async block owns what it captures: its body is analysed as a
//! function of its own, whose parameters are those captures.
//!
//! Use sites (client and server): a binding moved into a second task, closure or
//! async block on one path (or into one inside a loop that comes round again),
//! mentioned by two futures of one `join!`/`select!` or one call, or made
//! shareable (`Arc::new`, `Mutex::new`, ..); moved into a task whose handle is
//! dropped; leaked (`mem::forget`, ..); the result of its `send` discarded.
//!
//! The analysis does not know types: whether a binding is a session half is decided
//! later by the compiler (see `checks`), so a leaked `u8` costs nothing. Everything
//! unknown leans towards "consumed" and "not shared", so the analysis adds no false
//! positives of its own.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::{Block, Expr, FnArg, Ident, Local, Pat, Stmt};

use crate::allow::{self, Allowed};
use crate::checks::{Family, Finding, check_stmt};
use crate::errors::Errors;
use crate::misuse;

/// A binding the analysis follows.
pub(crate) struct Binding {
    pub(crate) ident: Ident,
    /// Where it leaks first (the exit it may reach unconsumed), if anywhere.
    pub(crate) leak: Option<Span>,
    /// Whether it can hold a session half at all: halves come out of awaited calls,
    /// are moved from another binding (or out of a request), or arrive as parameters
    /// named as halves. Only those get a check (each check costs the compiler a few
    /// items).
    pub(crate) may_be_a_half: bool,
    /// Rules allowed for it (`#[tonic_session::allow]` on its `let` or function).
    pub(crate) allowed: Allowed,
    /// The scope depth it was declared at.
    depth: usize,
    /// The binding it stands for: itself, or (a capture inside a `move` body) the
    /// binding outside that it was moved from.
    origin: usize,
}

/// What holds at a program point, per binding id.
#[derive(Clone, Default)]
struct State {
    /// Maybe unconsumed.
    live: BTreeSet<usize>,
    /// Moved into a task, closure or async block on some path to here.
    captured: BTreeSet<usize>,
}

/// `None` when the point is unreachable.
type Flow = Option<State>;

/// `flow` without the live bindings in `ids` (they left scope, or were drained).
fn without(flow: Flow, ids: &BTreeSet<usize>) -> Flow {
    flow.map(|mut state| {
        state.live.retain(|id| !ids.contains(id));
        state
    })
}

fn union(a: Flow, b: Flow) -> Flow {
    match (a, b) {
        (None, other) | (other, None) => other,
        (Some(mut a), Some(b)) => {
            a.live.extend(b.live);
            a.captured.extend(b.captured);
            Some(a)
        }
    }
}

/// `flow` with `ids` live.
fn with_live(flow: Flow, ids: impl IntoIterator<Item = usize>) -> Flow {
    flow.map(|mut state| {
        state.live.extend(ids);
        state
    })
}

struct LoopFrame {
    label: Option<String>,
    /// Scope depth at the loop: bindings deeper than this leave scope on `break`.
    depth: usize,
    breaks: Flow,
    /// What flows back to the loop's start (`continue`, the end of the body).
    continues: Flow,
    /// Bindings read with `.message()` inside the loop: drained when it exits.
    drained: BTreeSet<usize>,
    /// Whether the loop can run until a stream says stop (`loop`, `while`), so a
    /// receiver read in it is taken as read to its end; a `for` loop stops on its own.
    drains: bool,
    /// Bindings from outside moved into a task or closure inside the loop: if that
    /// can come round again, the next iteration moves them a second time.
    captures: Vec<(usize, Span)>,
}

/// The statement being analysed: its findings become checks put before it.
struct StmtFrame {
    /// Bindings with this id or more are declared inside the statement, so a check
    /// before it cannot name them.
    first_id: usize,
    /// Rules the statement allows (`#[tonic_session::allow]` on a `let`).
    allowed: Allowed,
    findings: Vec<(usize, Finding)>,
}

/// A finding on a binding (by id), with what its statement allows.
type Placed = (usize, Finding, Allowed);

/// What to put into a block once it is analysed.
#[derive(Default)]
struct Inserts {
    /// Per `let` (statement index): the bindings it declared, to check for cleanup.
    declared: Vec<(usize, Vec<usize>)>,
    /// Per statement index: findings, to check before it.
    before: Vec<(usize, Vec<Placed>)>,
}

/// The analysis of one function body.
#[derive(Default)]
pub(crate) struct Analysis {
    pub(crate) bindings: Vec<Binding>,
    /// Name -> binding id, innermost scope last.
    scopes: Vec<Vec<(String, usize)>>,
    loops: Vec<LoopFrame>,
    stmts: Vec<StmtFrame>,
    /// Rules the whole function allows.
    allowed: Allowed,
    /// Whether the cleanup rules apply (client code; server halves end by type).
    cleanup: bool,
    /// Malformed `#[tonic_session::allow]`s.
    pub(crate) errors: Errors,
    /// Bindings (origins) found shared: their cleanup is not checked, since sharing
    /// is the fault to fix (one error per violation). Known from a first pass.
    shared: BTreeSet<usize>,
    /// Bindings (origins) this pass found shared.
    found_shared: BTreeSet<usize>,
}

/// Which rules an analysis checks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// `#[tonic_session::client]`: every rule.
    Client,
    /// `#[tonic_session::service]`: the use-site rules (cleanup is by type there).
    Server,
}

impl Analysis {
    /// Analyses `body`, with the by-value identifier parameters of its function, and
    /// puts the checks into it.
    pub(crate) fn of_function<'a>(
        inputs: impl IntoIterator<Item = &'a FnArg>,
        body: &mut Block,
        allowed: Allowed,
        side: Side,
    ) -> Analysis {
        let inputs: Vec<&FnArg> = inputs.into_iter().collect();
        // A first pass on a copy learns which bindings are shared (binding ids are
        // the same in both passes: they follow the order of the code).
        let first = Analysis::pass(&inputs, &mut body.clone(), allowed, side, BTreeSet::new());
        Analysis::pass(&inputs, body, allowed, side, first.found_shared)
    }

    fn pass(
        inputs: &[&FnArg],
        body: &mut Block,
        allowed: Allowed,
        side: Side,
        shared: BTreeSet<usize>,
    ) -> Analysis {
        let mut analysis = Analysis {
            allowed,
            cleanup: side == Side::Client,
            shared,
            ..Analysis::default()
        };
        analysis.scopes.push(Vec::new());
        let mut state = State::default();
        let mut parameters = Vec::new();
        for input in inputs {
            if let FnArg::Typed(typed) = input {
                let named_as_half = mentions_a_half(&quote::ToTokens::to_token_stream(&typed.ty));
                for ident in pattern_idents(&typed.pat) {
                    let id = analysis.declare(ident, named_as_half);
                    parameters.push(id);
                    state.live.insert(id);
                }
            }
        }
        let (end, inserts) = analysis.function_body(body, Some(state));
        analysis.leave_scope(end, body.brace_token.span.close());
        analysis.insert_checks(body, inserts, parameters);
        analysis
    }

    /// The cleanup check of binding `id`, if it may leak.
    fn cleanup_check(&self, id: usize) -> Option<Stmt> {
        let binding = &self.bindings[id];
        let at = binding
            .leak
            .filter(|_| self.cleanup && binding.may_be_a_half)?;
        if self.shared.contains(&binding.origin) {
            return None;
        }
        let finding = Finding {
            family: Family::Cleanup,
            at,
        };
        check_stmt(&binding.ident, finding, binding.allowed)
    }

    /// Puts the checks into `block`: findings before their statement; cleanup
    /// checks right after each `let` (there the binding is certainly initialised;
    /// the check is spanned at the exit where it leaks), and at the top for
    /// `parameters`.
    fn insert_checks(&self, block: &mut Block, inserts: Inserts, parameters: Vec<usize>) {
        let mut at: BTreeMap<usize, (Vec<Stmt>, Vec<Stmt>)> = BTreeMap::new();
        for (index, ids) in inserts.declared {
            let checks = ids.iter().filter_map(|&id| self.cleanup_check(id));
            at.entry(index).or_default().1.extend(checks);
        }
        for (index, findings) in inserts.before {
            let checks = findings.into_iter().filter_map(|(id, finding, allowed)| {
                let binding = &self.bindings[id];
                check_stmt(&binding.ident, finding, binding.allowed.with(allowed))
            });
            at.entry(index).or_default().0.extend(checks);
        }
        for (index, (before, after)) in at.into_iter().rev() {
            let after_at = (index + 1).min(block.stmts.len());
            block.stmts.splice(after_at..after_at, after);
            let before_at = index.min(block.stmts.len());
            block.stmts.splice(before_at..before_at, before);
        }
        let checks: Vec<Stmt> = parameters
            .iter()
            .filter_map(|&id| self.cleanup_check(id))
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
            depth: self.scopes.len(),
            origin: id,
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

    /// Records a finding on binding `id`, to be checked before the current
    /// statement. One per binding and statement: the first family in `Family`'s
    /// order wins.
    fn report(&mut self, id: usize, family: Family, at: Span) {
        if !self.bindings[id].may_be_a_half {
            return;
        }
        let Some(frame) = self.stmts.last_mut() else {
            return;
        };
        if id >= frame.first_id {
            return;
        }
        if family == Family::Concurrent {
            self.found_shared.insert(self.bindings[id].origin);
        }
        let finding = Finding { family, at };
        match frame.findings.iter_mut().find(|(found, _)| *found == id) {
            Some((_, earlier)) if family < earlier.family => *earlier = finding,
            Some(_) => {}
            None => frame.findings.push((id, finding)),
        }
    }

    /// Records that every live binding in `ids` may reach `exit` unconsumed.
    fn leak(&mut self, flow: &Flow, ids: impl Fn(usize) -> bool, exit: Span) {
        let Some(state) = flow else { return };
        for &id in &state.live {
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
        if let (Some(state), Some(id)) = (flow.as_mut(), self.resolve(name)) {
            state.live.remove(&id);
        }
    }

    /// The first mention of each binding in `tokens`, skipping `shadowed` names.
    fn mentioned(&self, tokens: &TokenStream, shadowed: &[String]) -> Vec<(usize, Span)> {
        fn walk(tokens: &TokenStream, found: &mut Vec<(String, Span)>) {
            for token in tokens.clone() {
                match token {
                    TokenTree::Ident(ident) => found.push((ident.to_string(), ident.span())),
                    TokenTree::Group(group) => walk(&group.stream(), found),
                    _ => {}
                }
            }
        }
        let mut names = Vec::new();
        walk(tokens, &mut names);
        let mut seen = BTreeSet::new();
        names
            .into_iter()
            .filter(|(name, _)| !shadowed.contains(name))
            .filter_map(|(name, span)| Some((self.resolve(&name)?, span)))
            .filter(|(id, _)| seen.insert(*id))
            .collect()
    }

    /// Bindings moved into a task, closure or async block: a second move on one
    /// path (or a move inside a loop that comes round again) shares the half.
    fn capture(&mut self, mut flow: Flow, mentions: &[(usize, Span)]) -> Flow {
        for &(id, span) in mentions {
            if flow
                .as_ref()
                .is_some_and(|state| state.captured.contains(&id))
            {
                self.report(id, Family::Concurrent, span);
            }
            let depth = self.bindings[id].depth;
            if let Some(frame) = self.loops.last_mut()
                && depth <= frame.depth
            {
                frame.captures.push((id, span));
            }
            if let Some(state) = flow.as_mut() {
                state.captured.insert(id);
            }
        }
        flow
    }

    /// Futures that run at once (the arguments of one call, the branches of one
    /// `join!`): a binding mentioned by two of them is shared.
    fn concurrent(&mut self, parts: &[TokenStream]) {
        let mut seen = BTreeSet::new();
        for part in parts {
            let mentions = self.mentioned(part, &[]);
            for &(id, span) in &mentions {
                if seen.contains(&id) {
                    self.report(id, Family::Concurrent, span);
                }
            }
            seen.extend(mentions.into_iter().map(|(id, _)| id));
        }
    }

    /// The function body: a tail `Err(..)` is an error exit.
    fn function_body(&mut self, body: &mut Block, flow: Flow) -> (Flow, Inserts) {
        let (flow, inserts) = self.block_inner(body, flow);
        match body.stmts.last() {
            Some(Stmt::Expr(tail, None)) if is_err_value(tail) => (None, inserts),
            _ => (flow, inserts),
        }
    }

    fn block(&mut self, block: &mut Block, flow: Flow) -> Flow {
        self.scopes.push(Vec::new());
        let (flow, inserts) = self.block_inner(block, flow);
        let flow = self.leave_scope(flow, block.brace_token.span.close());
        self.insert_checks(block, inserts, Vec::new());
        flow
    }

    /// The body of a closure or an async block, analysed as a function of its own
    /// (its `return`s and `?`s are its own); `owned`: the halves it captures by
    /// `move`, which are its to end.
    fn nested_body(&mut self, block: &mut Block, owned: &[usize], parameters: &[(Ident, bool)]) {
        let loops = std::mem::take(&mut self.loops);
        self.scopes.push(Vec::new());
        for (ident, named_as_half) in parameters {
            self.declare(ident.clone(), *named_as_half);
        }
        let mut state = State::default();
        let mut captured = Vec::new();
        for &outer in owned {
            let (ident, allowed) = (
                self.bindings[outer].ident.clone(),
                self.bindings[outer].allowed,
            );
            let id = self.declare(ident, true);
            self.bindings[id].allowed = allowed;
            self.bindings[id].origin = self.bindings[outer].origin;
            captured.push(id);
            state.live.insert(id);
        }
        let (end, inserts) = self.function_body(block, Some(state));
        self.leave_scope(end, block.brace_token.span.close());
        self.insert_checks(block, inserts, captured);
        self.loops = loops;
    }

    /// A closure or an async block: what it mentions is handed on (consumed) for
    /// the code around it; by `move`, it is captured.
    fn closure_like(
        &mut self,
        body: &mut Expr,
        moving: bool,
        parameters: Vec<(Ident, bool)>,
        flow: Flow,
    ) -> Flow {
        let tokens = quote::ToTokens::to_token_stream(&*body);
        let shadowed: Vec<String> = parameters
            .iter()
            .map(|(ident, _)| ident.to_string())
            .collect();
        let mentions = self.mentioned(&tokens, &shadowed);
        let flow = if moving {
            self.capture(flow, &mentions)
        } else {
            flow
        };
        let owned: Vec<usize> = mentions
            .iter()
            .map(|(id, _)| *id)
            .filter(|&id| moving && self.bindings[id].may_be_a_half)
            .collect();
        match body {
            Expr::Block(block) if block.label.is_none() => {
                self.nested_body(&mut block.block, &owned, &parameters);
            }
            Expr::Async(block) => self.nested_body(&mut block.block, &owned, &parameters),
            other => {
                // A check needs a block to live in: `|x| expr` becomes `|x| { expr }`.
                let before = quote::ToTokens::to_token_stream(&*other).to_string();
                let mut block: Block = syn::parse_quote!({ #other });
                self.nested_body(&mut block, &owned, &parameters);
                let changed = match block.stmts.as_slice() {
                    [Stmt::Expr(only, None)] => {
                        quote::ToTokens::to_token_stream(only).to_string() != before
                    }
                    _ => true,
                };
                if changed {
                    *other = Expr::Block(syn::ExprBlock {
                        attrs: Vec::new(),
                        label: None,
                        block,
                    });
                }
            }
        }
        let mut flow = flow;
        for (id, _) in mentions {
            if let Some(state) = flow.as_mut() {
                state.live.remove(&id);
            }
        }
        flow
    }

    /// Findings on a statement whose value is thrown away: a discarded send, a
    /// spawned task whose handle is dropped.
    fn discarded(&mut self, value: &Expr) {
        if let Some(receiver) = misuse::discarded_send(value)
            && let Some(name) = bare_ident(receiver)
            && let Some(id) = self.resolve(&name)
        {
            self.report(id, Family::IgnoredSend, value.span());
        }
        if let Some(call) = misuse::discarded_spawn(value) {
            let tokens = quote::ToTokens::to_token_stream(&call.args);
            for (id, span) in self.mentioned(&tokens, &[]) {
                self.report(id, Family::Detached, span);
            }
        }
    }

    /// The statements of a block; returns the flow out and what to insert.
    fn block_inner(&mut self, block: &mut Block, mut flow: Flow) -> (Flow, Inserts) {
        let mut inserts = Inserts::default();
        for (index, stmt) in block.stmts.iter_mut().enumerate() {
            let allowed = match stmt {
                Stmt::Local(local) => allow::take_reporting(&mut local.attrs, &mut self.errors),
                _ => Allowed::default(),
            };
            self.stmts.push(StmtFrame {
                first_id: self.bindings.len(),
                allowed,
                findings: Vec::new(),
            });
            match stmt {
                Stmt::Expr(value, Some(_)) => self.discarded(value),
                Stmt::Local(local) if misuse::discards(&local.pat) => {
                    if let Some(init) = &local.init {
                        self.discarded(&init.expr);
                    }
                }
                _ => {}
            }
            flow = match stmt {
                Stmt::Local(local) => {
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
                        inserts.declared.push((index, ids.clone()));
                    }
                    with_live(flow, ids)
                }
                Stmt::Expr(expr, _) => self.expr(expr, flow),
                Stmt::Macro(mac) => {
                    self.macro_call(&mac.mac);
                    self.tokens(&mac.mac.tokens, flow)
                }
                Stmt::Item(_) => flow,
            };
            if let Some(frame) = self.stmts.pop()
                && !frame.findings.is_empty()
            {
                let findings = frame.findings.into_iter();
                let findings = findings.map(|(id, finding)| (id, finding, frame.allowed));
                inserts.before.push((index, findings.collect()));
            }
        }
        (flow, inserts)
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

    /// `join!`, `select!`: their futures run at once.
    fn macro_call(&mut self, mac: &syn::Macro) {
        if let Some(name) = mac.path.segments.last() {
            let parts = misuse::concurrent_parts(&name.ident.to_string(), &mac.tokens);
            self.concurrent(&parts);
        }
    }

    /// The arguments of one call: closures and async blocks among them may run at once.
    fn call_arguments<'e>(&mut self, args: impl IntoIterator<Item = &'e Expr>) {
        let parts: Vec<TokenStream> = args
            .into_iter()
            .filter(|arg| matches!(arg, Expr::Closure(_) | Expr::Async(_)))
            .map(quote::ToTokens::to_token_stream)
            .collect();
        if parts.len() > 1 {
            self.concurrent(&parts);
        }
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
                self.call_arguments(&call.args);
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
                    let mut arm_flow = with_live(flow.clone(), ids);
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
                let end = self.block(&mut looped.body, flow);
                self.exit_loop(None, end)
            }
            Expr::While(looped) => {
                self.enter_loop(looped.label.as_ref(), true);
                self.scopes.push(Vec::new());
                let condition = self.condition(&mut looped.cond, flow);
                let end = self.block(&mut looped.body, condition.clone());
                let condition = self.leave_scope(condition, looped.body.span());
                self.exit_loop(condition, end)
            }
            Expr::ForLoop(looped) => {
                let flow = self.expr(&mut looped.expr, flow);
                self.enter_loop(looped.label.as_ref(), false);
                self.scopes.push(Vec::new());
                let ids = self.declare_pattern(&looped.pat);
                let body_flow = with_live(flow.clone(), ids);
                let body_flow = self.block(&mut looped.body, body_flow);
                let end = self.leave_scope(body_flow, looped.body.span());
                self.exit_loop(flow, end)
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
                    let flow = without(flow, &leaving);
                    let frame = &mut self.loops[index];
                    frame.continues = union(frame.continues.take(), flow);
                }
                None
            }
            // Handed on, or out of sight: every binding mentioned is consumed here;
            // the body is analysed on its own.
            Expr::Closure(closure) => {
                let parameters = closure
                    .inputs
                    .iter()
                    .flat_map(|pat| {
                        let named_as_half = mentions_a_half(&quote::ToTokens::to_token_stream(pat));
                        pattern_idents(pat)
                            .into_iter()
                            .map(move |ident| (ident, named_as_half))
                    })
                    .collect();
                let moving = closure.capture.is_some();
                self.closure_like(&mut closure.body, moving, parameters, flow)
            }
            Expr::Async(_) => {
                let moving = matches!(expr, Expr::Async(block) if block.capture.is_some());
                self.closure_like(expr, moving, Vec::new(), flow)
            }
            Expr::Macro(mac) => {
                self.macro_call(&mac.mac);
                self.tokens(&mac.mac.tokens, flow)
            }
            Expr::Verbatim(tokens) => self.tokens(tokens, flow),
            Expr::Assign(assign) => {
                let flow = self.expr(&mut assign.right, flow);
                match bare_ident(&assign.left) {
                    // Reassigned: live again, and not moved anywhere (what it held
                    // before is not followed).
                    Some(name) => match (flow, self.resolve(&name)) {
                        (Some(mut state), Some(id)) => {
                            state.live.insert(id);
                            state.captured.remove(&id);
                            Some(state)
                        }
                        (flow, _) => flow,
                    },
                    None => self.expr(&mut assign.left, flow),
                }
            }
            Expr::Call(call) => {
                let flow = self.expr(&mut call.func, flow);
                let flow = self.call(call, flow);
                self.call_arguments(&call.args);
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

    /// The use-site rules of a call: sharing, leaking, spawning.
    fn call(&mut self, call: &syn::ExprCall, flow: Flow) -> Flow {
        if misuse::is_sharing(call) {
            for arg in &call.args {
                if let Some(id) = bare_ident(arg).and_then(|name| self.resolve(&name)) {
                    self.report(id, Family::Concurrent, arg.span());
                }
            }
        }
        if misuse::is_forgetting(call) {
            let tokens = quote::ToTokens::to_token_stream(&call.args);
            for (id, span) in self.mentioned(&tokens, &[]) {
                self.report(id, Family::Forgotten, span);
            }
        }
        if !misuse::is_spawn(call) {
            return flow;
        }
        // What a spawned task is given moves into it (closures and async blocks
        // capture for themselves).
        let given: TokenStream = call
            .args
            .iter()
            .filter(|arg| !matches!(arg, Expr::Closure(_) | Expr::Async(_)))
            .map(quote::ToTokens::to_token_stream)
            .collect();
        let mentions = self.mentioned(&given, &[]);
        self.capture(flow, &mentions)
    }

    /// An `if` or `while` condition; `let` patterns declare into the current scope.
    fn condition(&mut self, cond: &mut Expr, flow: Flow) -> Flow {
        let mut flow = self.expr(cond, flow);
        let mut lets = Vec::new();
        collect_lets(cond, &mut lets);
        for pat in lets {
            let ids = self.declare_pattern(pat);
            flow = with_live(flow, ids);
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
        let breaks = self.exit_loop(None, None);
        union(end, breaks)
    }

    fn enter_loop(&mut self, label: Option<&syn::Label>, drains: bool) {
        self.loops.push(LoopFrame {
            label: label.map(|label| label.name.ident.to_string()),
            depth: self.scopes.len(),
            breaks: None,
            continues: None,
            drained: BTreeSet::new(),
            drains,
            captures: Vec::new(),
        });
    }

    /// Leaves the innermost loop: what flows out is `normal_exit` (the condition
    /// failing) joined with every `break`, minus what the loop drained. What was
    /// moved inside it and still comes round (`end` of the body, `continue`) would
    /// be moved again.
    fn exit_loop(&mut self, normal_exit: Flow, end: Flow) -> Flow {
        let Some(frame) = self.loops.pop() else {
            return normal_exit;
        };
        if let Some(again) = union(end, frame.continues) {
            for (id, span) in frame.captures {
                if again.captured.contains(&id) {
                    self.report(id, Family::Concurrent, span);
                }
            }
        }
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

/// Whether `expr` can produce a session half: it awaits something, moves a
/// binding (`let rx2 = rx;`), or takes a request apart (`request.into_inner()`).
fn may_yield_a_half(expr: &Expr) -> bool {
    fn awaits(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => ident == "await",
            TokenTree::Group(group) => awaits(group.stream()),
            _ => false,
        })
    }
    let into_inner = matches!(expr, Expr::MethodCall(call) if call.method == "into_inner");
    into_inner || bare_ident(expr).is_some() || awaits(quote::ToTokens::to_token_stream(expr))
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
