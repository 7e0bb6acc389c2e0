//! The use-site rules over one function body: a binding moved into a second task,
//! closure or async block on one path (or into one inside a loop that comes round
//! again), mentioned by two futures of one `join!`/`select!` or one call, or made
//! shareable (`Arc::new`, `Mutex::new`, ..); moved into a task whose handle is
//! dropped; leaked (`mem::forget`, ..); the result of its `send` discarded.
//!
//! The cleanup rules (a half left unfinished or undrained on some path) are a
//! dataflow pass over a control-flow graph: see `rules`. These use-site rules move
//! there too, one pass each.
//!
//! The analysis does not know types: whether a binding is a session half is decided
//! later by the compiler (see `checks`), so a shared `u8` costs nothing. Everything
//! unknown leans towards "not shared", so the analysis adds no false positives of
//! its own.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Block, Expr, FnArg, Ident, Local, Pat, Stmt};

use crate::allow::{self, Allowed};
use crate::errors::Errors;
use crate::rules::checks::check_stmt;
use crate::rules::findings::{Family, Finding};
use tonic_session_engine::scopes::Scopes;
use tonic_session_engine::syntax::{
    bare_ident, collect_lets, may_yield_a_half, mentions_a_half, pattern_idents,
};
use tonic_session_engine::{captures, containers, misuse};

/// A binding the analysis follows.
pub(crate) struct Binding {
    pub(crate) ident: Ident,
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
    /// Moved into a task, closure or async block on some path to here.
    captured: BTreeSet<usize>,
}

/// `None` when the point is unreachable.
type Flow = Option<State>;

fn union(a: Flow, b: Flow) -> Flow {
    match (a, b) {
        (None, other) | (other, None) => other,
        (Some(mut a), Some(b)) => {
            a.captured.extend(b.captured);
            Some(a)
        }
    }
}

struct LoopFrame {
    label: Option<String>,
    /// Scope depth at the loop: bindings deeper than this leave scope on `break`.
    depth: usize,
    breaks: Flow,
    /// What flows back to the loop's start (`continue`, the end of the body).
    continues: Flow,
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

/// What to put into a block once it is analysed: per statement index, findings to
/// check before it.
#[derive(Default)]
struct Inserts {
    before: Vec<(usize, Vec<Placed>)>,
}

/// The analysis of one function body.
#[derive(Default)]
pub(crate) struct Analysis {
    pub(crate) bindings: Vec<Binding>,
    /// Name -> binding id, innermost scope last.
    scopes: Scopes,
    loops: Vec<LoopFrame>,
    stmts: Vec<StmtFrame>,
    /// Rules the whole function allows.
    allowed: Allowed,
    /// Malformed `#[tonic_session::allow]`s.
    pub(crate) errors: Errors,
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
        // A first pass on a copy learns which bindings are shared: the cleanup rules
        // skip them (sharing is the error to fix there, one error per violation).
        let first = Analysis::pass(&inputs, &mut body.clone(), allowed);
        // Sharing is the error to fix on a shared half, not its cleanup.
        let shared: Vec<String> = first
            .found_shared
            .iter()
            .map(|&id| first.bindings[id].ident.to_string())
            .collect();
        let cleanup = side == Side::Client;
        crate::rules::check(inputs.iter().copied(), body, allowed, cleanup, &shared);
        Analysis::pass(&inputs, body, allowed)
    }

    fn pass(inputs: &[&FnArg], body: &mut Block, allowed: Allowed) -> Analysis {
        let mut analysis = Analysis {
            allowed,
            ..Analysis::default()
        };
        analysis.scopes.open();
        for input in inputs {
            if let FnArg::Typed(typed) = input {
                let named_as_half = mentions_a_half(&quote::ToTokens::to_token_stream(&typed.ty));
                for ident in pattern_idents(&typed.pat) {
                    analysis.declare(ident, named_as_half);
                }
            }
        }
        let inserts = analysis.body(body, Some(State::default()));
        analysis.pop_scope();
        analysis.insert_checks(body, inserts);
        analysis
    }

    /// Puts the checks into `block`, each before the statement it was found in.
    fn insert_checks(&self, block: &mut Block, inserts: Inserts) {
        for (index, findings) in inserts.before.into_iter().rev() {
            let checks = findings.into_iter().filter_map(|(id, finding, allowed)| {
                let binding = &self.bindings[id];
                check_stmt(&binding.ident, finding, binding.allowed.with(allowed))
            });
            let checks: Vec<Stmt> = checks.collect();
            let at = index.min(block.stmts.len());
            block.stmts.splice(at..at, checks);
        }
    }

    fn declare(&mut self, ident: Ident, may_be_a_half: bool) -> usize {
        let id = self.bindings.len();
        self.scopes.declare(ident.to_string(), id);
        self.bindings.push(Binding {
            ident,
            may_be_a_half,
            allowed: self.allowed,
            depth: self.scopes.depth(),
            origin: id,
        });
        id
    }

    fn resolve(&self, name: &str) -> Option<usize> {
        self.scopes.resolve(name)
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
        let finding = Finding::new(family, at);
        match frame.findings.iter_mut().find(|(found, _)| *found == id) {
            Some((_, earlier)) if family < earlier.family => *earlier = finding,
            Some(_) => {}
            None => frame.findings.push((id, finding)),
        }
    }

    fn pop_scope(&mut self) {
        self.scopes.close();
    }

    /// The first mention of each binding in `tokens`, skipping `shadowed` names.
    fn mentioned(&self, tokens: &TokenStream, shadowed: &[String]) -> Vec<(usize, Span)> {
        let mut seen = BTreeSet::new();
        tonic_session_engine::syntax::idents(tokens)
            .into_iter()
            .map(|ident| (ident.to_string(), ident.span()))
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

    /// A function's (or closure's) body: what to insert into it.
    fn body(&mut self, body: &mut Block, flow: Flow) -> Inserts {
        self.block_inner(body, flow).1
    }

    fn block(&mut self, block: &mut Block, flow: Flow) -> Flow {
        self.scopes.open();
        let (flow, inserts) = self.block_inner(block, flow);
        self.pop_scope();
        self.insert_checks(block, inserts);
        flow
    }

    /// The body of a closure or an async block, analysed as a function of its own
    /// (its `return`s and `?`s are its own); `owned`: the halves it captures by
    /// `move`, which are its to end.
    fn nested_body(&mut self, block: &mut Block, owned: &[usize], parameters: &[(Ident, bool)]) {
        let loops = std::mem::take(&mut self.loops);
        self.scopes.open();
        for (ident, named_as_half) in parameters {
            self.declare(ident.clone(), *named_as_half);
        }
        for &outer in owned {
            let (ident, allowed) = (
                self.bindings[outer].ident.clone(),
                self.bindings[outer].allowed,
            );
            let id = self.declare(ident, true);
            self.bindings[id].allowed = allowed;
            self.bindings[id].origin = self.bindings[outer].origin;
        }
        let inserts = self.body(block, Some(State::default()));
        self.pop_scope();
        self.insert_checks(block, inserts);
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
        let bound: Vec<String> = parameters
            .iter()
            .map(|(ident, _)| ident.to_string())
            .collect();
        // Only what it surely takes from around it: a check on anything else could
        // borrow or capture what the code never did.
        let found = captures::of(body, &bound);
        let mentions: Vec<(usize, Span)> = found
            .named
            .into_iter()
            .filter(|(name, _)| found.captured.contains(name))
            .filter_map(|(name, span)| Some((self.resolve(&name)?, span)))
            .collect();
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
        flow
    }

    /// Findings on a statement whose value is thrown away: a discarded send, a
    /// spawned task whose handle is dropped.
    fn discarded(&mut self, value: &Expr) {
        if let Some(send) = misuse::discarded_send(value)
            && let Some(name) = bare_ident(&send.receiver)
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
                    flow
                }
                Stmt::Expr(expr, _) => self.expr(expr, flow),
                Stmt::Macro(mac) => {
                    self.macro_call(&mac.mac);
                    flow
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

    fn expr(&mut self, expr: &mut Expr, flow: Flow) -> Flow {
        match expr {
            Expr::If(branch) => self.if_else(branch, flow),
            Expr::Match(matched) => self.matched(matched, flow),
            Expr::Loop(looped) => {
                self.enter_loop(looped.label.as_ref());
                let end = self.block(&mut looped.body, flow);
                self.exit_loop(None, end)
            }
            Expr::While(looped) => self.while_loop(looped, flow),
            Expr::ForLoop(looped) => self.for_loop(looped, flow),
            Expr::Break(broken) => self.broken(broken, flow),
            Expr::Continue(continued) => {
                let label = continued
                    .label
                    .as_ref()
                    .map(|label| label.ident.to_string());
                if let Some(index) = self.loop_index(label.as_deref()) {
                    let frame = &mut self.loops[index];
                    frame.continues = union(frame.continues.take(), flow);
                }
                None
            }
            // Handed on, or out of sight: every binding mentioned is consumed here;
            // the body is analysed on its own.
            Expr::Closure(closure) => self.closure(closure, flow),
            Expr::Async(_) => {
                let moving = matches!(expr, Expr::Async(block) if block.capture.is_some());
                self.closure_like(expr, moving, Vec::new(), flow)
            }
            Expr::Assign(assign) => self.assigned(assign, flow),
            other => self.operands(other, flow),
        }
    }

    /// An expression without control flow of its own: its operands, in order.
    fn operands(&mut self, expr: &mut Expr, mut flow: Flow) -> Flow {
        match expr {
            Expr::MethodCall(call) => {
                if bare_ident(&call.receiver).is_none() {
                    flow = self.expr(&mut call.receiver, flow);
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
                if let Some(value) = &mut ret.expr {
                    self.expr(value, flow);
                }
                None
            }
            Expr::Try(tried) => self.expr(&mut tried.expr, flow),
            Expr::Await(awaited) => self.expr(&mut awaited.base, flow),
            Expr::Block(block) => self.labelled_block(block.label.as_ref(), &mut block.block, flow),
            Expr::Unsafe(block) => self.block(&mut block.block, flow),
            Expr::Const(block) => self.block(&mut block.block, flow),
            Expr::Macro(mac) => {
                self.macro_call(&mac.mac);
                flow
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
            Expr::Range(range) => {
                let bounds = range.start.iter_mut().chain(range.end.iter_mut());
                self.exprs(bounds.map(|bound| &mut **bound), flow)
            }
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
            _ => flow,
        }
    }

    fn if_else(&mut self, branch: &mut syn::ExprIf, flow: Flow) -> Flow {
        self.scopes.open();
        let flow = self.condition(&mut branch.cond, flow);
        let then = self.block(&mut branch.then_branch, flow.clone());
        // The `if let` pattern's bindings live in the `then` branch only.
        self.pop_scope();
        let otherwise = match &mut branch.else_branch {
            Some((_, otherwise)) => self.expr(otherwise, flow),
            None => flow,
        };
        union(then, otherwise)
    }

    fn matched(&mut self, matched: &mut syn::ExprMatch, flow: Flow) -> Flow {
        let flow = self.expr(&mut matched.expr, flow);
        let mut after: Flow = None;
        for arm in &mut matched.arms {
            self.scopes.open();
            self.declare_pattern(&arm.pat);
            let mut arm_flow = flow.clone();
            if let Some((_, guard)) = &mut arm.guard {
                arm_flow = self.expr(guard, arm_flow);
            }
            arm_flow = self.expr(&mut arm.body, arm_flow);
            self.pop_scope();
            after = union(after, arm_flow);
        }
        after
    }

    fn while_loop(&mut self, looped: &mut syn::ExprWhile, flow: Flow) -> Flow {
        self.enter_loop(looped.label.as_ref());
        self.scopes.open();
        let condition = self.condition(&mut looped.cond, flow);
        let end = self.block(&mut looped.body, condition.clone());
        self.pop_scope();
        self.exit_loop(condition, end)
    }

    fn for_loop(&mut self, looped: &mut syn::ExprForLoop, flow: Flow) -> Flow {
        let flow = self.expr(&mut looped.expr, flow);
        self.enter_loop(looped.label.as_ref());
        self.scopes.open();
        self.declare_pattern(&looped.pat);
        let end = self.block(&mut looped.body, flow.clone());
        self.pop_scope();
        self.exit_loop(flow, end)
    }

    fn broken(&mut self, broken: &mut syn::ExprBreak, flow: Flow) -> Flow {
        let flow = match &mut broken.expr {
            Some(value) => self.expr(value, flow),
            None => flow,
        };
        let label = broken.label.as_ref().map(|label| label.ident.to_string());
        if let Some(index) = self.loop_index(label.as_deref()) {
            let frame = &mut self.loops[index];
            frame.breaks = union(frame.breaks.take(), flow);
        }
        None
    }

    fn closure(&mut self, closure: &mut syn::ExprClosure, flow: Flow) -> Flow {
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

    fn assigned(&mut self, assign: &mut syn::ExprAssign, flow: Flow) -> Flow {
        let flow = self.expr(&mut assign.right, flow);
        match bare_ident(&assign.left) {
            // Reassigned: not moved anywhere (what it held before is not followed).
            Some(name) => match (flow, self.resolve(&name)) {
                (Some(mut state), Some(id)) => {
                    state.captured.remove(&id);
                    Some(state)
                }
                (flow, _) => flow,
            },
            None => self.expr(&mut assign.left, flow),
        }
    }

    /// The use-site rules of a call: sharing, leaking, spawning.
    fn call(&mut self, call: &syn::ExprCall, flow: Flow) -> Flow {
        if misuse::is_sharing(call) {
            // The half itself, or in a container (`Mutex::new(Some(tx))`).
            for arg in &call.args {
                let names = bare_ident(arg).into_iter().chain(containers::moved_in(arg));
                for id in names
                    .filter_map(|name| self.resolve(&name))
                    .collect::<Vec<_>>()
                {
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
        let flow = self.expr(cond, flow);
        let mut lets = Vec::new();
        collect_lets(cond, &mut lets);
        for pat in lets {
            self.declare_pattern(pat);
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
        self.enter_loop(Some(label));
        let end = self.block(block, flow);
        let breaks = self.exit_loop(None, None);
        union(end, breaks)
    }

    fn enter_loop(&mut self, label: Option<&syn::Label>) {
        self.loops.push(LoopFrame {
            label: label.map(|label| label.name.ident.to_string()),
            depth: self.scopes.depth(),
            breaks: None,
            continues: None,
            captures: Vec::new(),
        });
    }

    /// Leaves the innermost loop: what flows out is `normal_exit` (the condition
    /// failing) joined with every `break`. What was
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
        union(normal_exit, frame.breaks)
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
}
