//! Lowering a function body (and its closures and async blocks) to control-flow
//! graphs: statements and scopes here, expressions in `exprs`, the end of a
//! receiver's stream in `ends`.

mod ends;
mod exprs;
mod sends;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Block, Expr, FnArg, Local, Pat, Stmt};

use crate::sites::checks_in_initialiser;

use crate::graph::{Binding, Event, Graph, LeakKind, Node, Point, Program, Site};

use crate::allow::{self, Allowed};
use crate::scopes::Scopes;
use crate::syntax::{is_err_value, may_yield_a_half, mentions_a_half, pattern_idents};

/// Lowers `body`, with the by-value identifier parameters of its function.
pub fn lower<'a>(
    inputs: impl IntoIterator<Item = &'a FnArg>,
    body: &Block,
    allowed: Allowed,
) -> Program {
    lower_naming_halves(inputs, body, allowed, Vec::new())
}

/// Like [`lower`], with the names of bindings known to hold halves whatever their
/// value is made of (see [`Program::named_halves`]).
pub fn lower_naming_halves<'a>(
    inputs: impl IntoIterator<Item = &'a FnArg>,
    body: &Block,
    allowed: Allowed,
    named_halves: Vec<String>,
) -> Program {
    let mut program = Program {
        named_halves,
        ..Program::default()
    };
    let mut parameters = Vec::new();
    for input in inputs {
        if let FnArg::Typed(typed) = input {
            let named_as_half = mentions_a_half(&quote::ToTokens::to_token_stream(&typed.ty));
            for ident in pattern_idents(&typed.pat) {
                parameters.push(Binding {
                    ident,
                    may_be_a_half: named_as_half,
                    allowed,
                    site: Some(Site::BlockTop(address(body))),
                    carries: Vec::new(),
                });
            }
        }
    }
    Lowering::body(&mut program, allowed, parameters, body);
    program
}

/// The `Err(..)` values `value` may evaluate to as a whole: itself, or those of the
/// arms and branches of a `match`, `if` or block it ends with. A path that reaches
/// one leaves with an error.
pub(super) fn error_tails(value: &Expr, out: &mut Vec<usize>) {
    match value {
        _ if is_err_value(value) => out.push(address(value)),
        Expr::Match(matched) => {
            for arm in &matched.arms {
                error_tails(&arm.body, out);
            }
        }
        Expr::If(branch) => {
            block_error_tails(&branch.then_branch, out);
            if let Some((_, otherwise)) = &branch.else_branch {
                error_tails(otherwise, out);
            }
        }
        Expr::Block(block) if block.label.is_none() => block_error_tails(&block.block, out),
        Expr::Paren(paren) => error_tails(&paren.expr, out),
        _ => {}
    }
}

/// [`error_tails`] of the value a block ends with.
fn block_error_tails(block: &Block, out: &mut Vec<usize>) {
    if let Some(Stmt::Expr(tail, None)) = block.stmts.last() {
        error_tails(tail, out);
    }
}

/// The address that identifies a syntax node between lowering and placing.
pub fn address<T>(node: &T) -> usize {
    std::ptr::from_ref(node).addr()
}

/// A loop or labelled block that `break` (and, for loops, `continue`) may leave.
struct Jumps {
    label: Option<String>,
    /// Scopes open outside it: those deeper are left by a jump out of it.
    depth: usize,
    break_to: usize,
    /// `None` for a labelled block.
    continue_to: Option<usize>,
    /// Bindings whose `message()` it calls: a `break` leaves their reading early.
    reads: Vec<usize>,
}

/// A local that holds for good what a half's call returned, to be branched on
/// later (see `ends::held_by`, `sends::held_by`).
struct Held {
    holder: usize,
    /// The half the call was made on.
    half: usize,
    value: HeldValue,
}

enum HeldValue {
    /// What `message()` returned.
    Read(ends::Read),
    /// What `send(..)` returned, on the sender named so.
    Send(String),
}

impl HeldValue {
    fn half_name(&self) -> &str {
        match self {
            HeldValue::Read(read) => &read.name,
            HeldValue::Send(sender) => sender,
        }
    }
}

/// The lowering of one body into one graph.
struct Lowering<'p> {
    program: &'p mut Program,
    allowed: Allowed,
    graph: Graph,
    /// The node code goes into; `None` where no path reaches.
    current: Option<usize>,
    scopes: Scopes,
    jumps: Vec<Jumps>,
    held: Vec<Held>,
    /// Addresses of the `Err(..)` values the body (or a `return`) may evaluate to.
    error_values: Vec<usize>,
}

impl<'p> Lowering<'p> {
    /// Lowers one body (a function's, a closure's, an async block's) into a graph of
    /// its own, with `owed` declared at its entry (parameters, `move` captures).
    fn body(program: &'p mut Program, allowed: Allowed, owed: Vec<Binding>, body: &Block) {
        let mut error_values = Vec::new();
        block_error_tails(body, &mut error_values);
        let end = body.brace_token.span.close();
        Lowering::graph_of(program, allowed, owed, end, error_values, |lowering| {
            lowering.statements(body);
        });
    }

    /// A closure body that is an expression, not a block.
    fn expr_body(program: &'p mut Program, allowed: Allowed, owed: Vec<Binding>, body: &Expr) {
        let mut error_values = Vec::new();
        error_tails(body, &mut error_values);
        let end = body.span();
        Lowering::graph_of(program, allowed, owed, end, error_values, |lowering| {
            lowering.expr(body);
        });
    }

    /// Runs `lower` into a new graph that ends at `end`, unless the path reaches
    /// one of `error_values` (the `Err(..)`s the body's value may be: an error exit).
    fn graph_of(
        program: &'p mut Program,
        allowed: Allowed,
        owed: Vec<Binding>,
        end: Span,
        error_values: Vec<usize>,
        lower: impl FnOnce(&mut Lowering<'p>),
    ) {
        let mut lowering = Lowering {
            program,
            allowed,
            graph: Graph::default(),
            current: None,
            scopes: Scopes::default(),
            held: Vec::new(),
            error_values,
            jumps: Vec::new(),
        };
        lowering.scopes.open();
        lowering.current = Some(lowering.node());
        for binding in owed {
            lowering.declare(binding);
        }
        lower(&mut lowering);
        lowering.exit(LeakKind::End, end);
        let graph = std::mem::take(&mut lowering.graph);
        lowering.program.graphs.push(graph);
    }

    fn node(&mut self) -> usize {
        self.graph.nodes.push(Node::default());
        self.graph.nodes.len() - 1
    }

    fn edge(&mut self, from: Option<usize>, to: usize) {
        if let Some(from) = from {
            self.graph.nodes[from].next.push(to);
        }
    }

    /// A new node that `current` flows into; it becomes current.
    fn follow(&mut self) -> usize {
        let next = self.node();
        self.edge(self.current, next);
        self.current = Some(next);
        next
    }

    /// A node that the paths in `from` flow into (none reachable: `None`).
    fn join(&mut self, from: &[Option<usize>]) -> Option<usize> {
        if from.iter().all(Option::is_none) {
            return None;
        }
        let joined = self.node();
        for &node in from {
            self.edge(node, joined);
        }
        Some(joined)
    }

    fn emit(&mut self, event: Event) {
        if let Some(node) = self.current {
            self.graph.nodes[node].events.push(event);
        }
    }

    fn declare(&mut self, binding: Binding) {
        let id = self.program.bindings.len();
        let name = binding.ident.to_string();
        self.program.bindings.push(binding);
        self.scopes.declare(name, id);
        self.emit(Event::Owe(id));
    }

    /// Declares what a pattern of a branch or a loop binds (`if let`, a `match` arm,
    /// `for`): names to resolve, never halves to check (no statement holds them).
    fn declare_pattern(&mut self, pat: &Pat) {
        let allowed = self.allowed;
        for ident in pattern_idents(pat) {
            self.declare(Binding {
                ident,
                may_be_a_half: false,
                allowed,
                site: None,
                carries: Vec::new(),
            });
        }
    }

    fn resolve(&self, name: &str) -> Option<usize> {
        self.scopes.resolve(name)
    }

    /// Opens a scope.
    fn open(&mut self) {
        self.scopes.open();
    }

    /// Closes the innermost scope: what it declared is dropped at `end`.
    fn close(&mut self, end: Span) {
        for id in self.scopes.close() {
            let point = Point {
                kind: LeakKind::ScopeEnd,
                at: end,
            };
            self.emit(Event::Drop(id, point));
        }
    }

    /// A block with a scope of its own.
    fn block(&mut self, block: &Block) {
        self.open();
        self.statements(block);
        self.close(block.brace_token.span.close());
    }

    fn statements(&mut self, block: &Block) {
        for (index, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                Stmt::Local(local) => {
                    let (block, index) = (address(block), index);
                    let site = if checks_in_initialiser(local) {
                        Site::Init { block, index }
                    } else {
                        Site::AfterStmt { block, index }
                    };
                    self.local(local, site);
                }
                Stmt::Expr(expr, _) => self.expr(expr),
                Stmt::Macro(mac) => self.mac(&mac.mac),
                Stmt::Item(_) => {}
            }
        }
    }

    /// `let pat = init else { .. };`: the initialiser, the `else` path (which must
    /// diverge), then the bindings. `let _ = x;` binds nothing and moves nothing.
    fn local(&mut self, local: &Local, site: Site) {
        let allowed = self.allowed.with(allow::peek(&local.attrs));
        let Some(init) = &local.init else {
            return;
        };
        if !(matches!(local.pat, Pat::Wild(_)) && crate::syntax::bare_ident(&init.expr).is_some()) {
            self.expr(&init.expr);
        }
        if let Some((_, diverge)) = &init.diverge {
            let matched = self.current;
            self.follow();
            let (held_read, held_send) = (
                |name: &str| self.held_read(name),
                |name: &str| self.held_send(name),
            );
            let ended = ends::let_else_end(&local.pat, &init.expr, &held_read);
            let failed = sends::let_else_failure(&local.pat, &init.expr, &held_send);
            if let Some(read) = ended {
                self.ended(&read);
            }
            if let Some(sender) = failed {
                self.send_failed(&sender);
            }
            self.expr(diverge);
            // The pattern matched: on, in a node of its own (events of `matched`
            // all come before its branches).
            self.current = matched;
            self.follow();
        }
        let may_be_a_half = (may_yield_a_half(&init.expr) && !self.comes_from_a_half(&init.expr))
            || pending_finish(&init.expr)
            || mentions_a_half(&quote::ToTokens::to_token_stream(&local.pat));
        let carries = match &local.pat {
            Pat::Ident(_) | Pat::Type(_) => self.moved_into_container(&init.expr),
            _ => Vec::new(),
        };
        let held = self.held_by(&local.pat, &init.expr);
        for ident in pattern_idents(&local.pat) {
            let named = self.program.named_halves.iter().any(|name| ident == name);
            self.declare(Binding {
                ident,
                may_be_a_half: may_be_a_half || named,
                allowed,
                site: Some(site),
                carries: carries.clone(),
            });
        }
        if let Some((half, value)) = held {
            let holder = self.program.bindings.len() - 1;
            self.held.push(Held {
                holder,
                half,
                value,
            });
        }
    }

    /// What `let pat = init;` makes `pat` hold for good, and the binding of the half
    /// it came from (resolved before `pat` may shadow its name).
    fn held_by(&self, pat: &Pat, init: &Expr) -> Option<(usize, HeldValue)> {
        let value = match ends::held_by(pat, init, &|name| self.held_read(name)) {
            Some(read) => HeldValue::Read(read),
            None => HeldValue::Send(sends::held_by(pat, init, &|name| self.held_send(name))?),
        };
        Some((self.resolve(value.half_name())?, value))
    }

    /// What the local `name` holds here, if it holds something of a half that its
    /// name still stands for.
    fn held(&self, name: &str) -> Option<&HeldValue> {
        let holder = self.resolve(name)?;
        let held = self.held.iter().find(|held| held.holder == holder)?;
        (self.resolve(held.value.half_name()) == Some(held.half)).then_some(&held.value)
    }

    /// The read the local `name` holds here, if it holds one.
    fn held_read(&self, name: &str) -> Option<ends::Read> {
        match self.held(name)? {
            HeldValue::Read(read) => Some(read.clone()),
            HeldValue::Send(_) => None,
        }
    }

    /// The sender whose send's result the local `name` holds here, if it holds one.
    fn held_send(&self, name: &str) -> Option<String> {
        match self.held(name)? {
            HeldValue::Send(sender) => Some(sender.clone()),
            HeldValue::Read(_) => None,
        }
    }

    /// Whether `init` is what a method of a half returned (`rx.message().await?`,
    /// `tx.finish()`): no method of a half returns a half, so it is none.
    fn comes_from_a_half(&self, init: &Expr) -> bool {
        let mut expr = init;
        loop {
            expr = match expr {
                Expr::Try(tried) => &tried.expr,
                Expr::Await(awaited) => &awaited.base,
                Expr::Paren(paren) => &paren.expr,
                Expr::MethodCall(call) => match crate::syntax::bare_ident(&call.receiver) {
                    Some(name) => {
                        let half = self.resolve(&name).map(|id| &self.program.bindings[id]);
                        return half.is_some_and(|binding| binding.may_be_a_half);
                    }
                    None => &call.receiver,
                },
                _ => return false,
            };
        }
    }

    /// The halves a container literal takes by value (see `containers`).
    fn moved_into_container(&self, init: &Expr) -> Vec<usize> {
        let names = crate::containers::moved_in(init);
        let halves = names.iter().filter_map(|name| self.resolve(name));
        halves
            .filter(|&id| self.program.bindings[id].may_be_a_half)
            .collect()
    }

    /// The binding `name` has ended (finished, cancelled, read to its end).
    fn ended(&mut self, name: &str) {
        if let Some(id) = self.resolve(name) {
            self.emit(Event::Ended(id));
        }
    }

    /// A send on `name` failed, and this path goes on.
    fn send_failed(&mut self, name: &str) {
        if let Some(id) = self.resolve(name) {
            self.emit(Event::SendFailed(id));
        }
    }

    /// What the branches of a condition know: a stream that ended, a send that
    /// failed, on the path where it held (`then`) or not.
    fn branch_facts(&mut self, read: Option<String>, failed: Option<String>) {
        if let Some(read) = read {
            self.ended(&read);
        }
        if let Some(sender) = failed {
            self.send_failed(&sender);
        }
    }

    /// A normal exit at `at`.
    fn exit(&mut self, kind: LeakKind, at: Span) {
        self.emit(Event::Exit(Point { kind, at }));
        self.current = None;
    }

    /// A `break` (`continue: false`) or `continue` to the loop labelled `label` (the
    /// innermost without one): what it leaves is dropped, what it read early noted.
    fn jump(&mut self, label: Option<String>, continuing: bool, at: Span) {
        let target = match &label {
            None => self.jumps.iter().rposition(|jumps| {
                jumps.continue_to.is_some() || (!continuing && jumps.label.is_none())
            }),
            Some(label) => self
                .jumps
                .iter()
                .rposition(|jumps| jumps.label.as_ref() == Some(label)),
        };
        let Some(target) = target else {
            self.current = None;
            return;
        };
        if !continuing {
            let read: Vec<usize> = self.jumps[target..]
                .iter()
                .flat_map(|jumps| jumps.reads.iter().copied())
                .collect();
            for id in read {
                let point = Point {
                    kind: LeakKind::LeftReading,
                    at,
                };
                self.emit(Event::LeftReading(id, point));
            }
        }
        let depth = self.jumps[target].depth;
        for id in self.scopes.deeper_than(depth) {
            let point = Point {
                kind: LeakKind::Jump,
                at,
            };
            self.emit(Event::Drop(id, point));
        }
        let to = match continuing {
            true => self.jumps[target].continue_to,
            false => Some(self.jumps[target].break_to),
        };
        if let Some(to) = to {
            self.edge(self.current, to);
        }
        self.current = None;
    }

    /// Notes that `name`'s `message()` is called: inside a loop, a `break` out of it
    /// leaves the reading before the end.
    fn reads(&mut self, name: &str) {
        if let Some(id) = self.resolve(name) {
            for jumps in self
                .jumps
                .iter_mut()
                .filter(|jumps| jumps.continue_to.is_some())
            {
                if !jumps.reads.contains(&id) {
                    jumps.reads.push(id);
                }
            }
        }
    }

    /// A closure's or async block's body, lowered as a graph of its own, with the
    /// halves it owns (`move` captures) owed at its entry.
    fn nested(&mut self, body: &Expr, owned: &[usize], parameters: &[Pat]) {
        let site = match body {
            Expr::Block(block) if block.label.is_none() => Site::BlockTop(address(&block.block)),
            Expr::Async(block) => Site::BlockTop(address(&block.block)),
            other => Site::ExprTop(address(other)),
        };
        let mut owed: Vec<Binding> = owned
            .iter()
            .map(|&outer| Binding {
                may_be_a_half: true,
                site: Some(site),
                carries: Vec::new(),
                ..self.program.bindings[outer].clone()
            })
            .collect();
        for pat in parameters {
            let named_as_half = mentions_a_half(&quote::ToTokens::to_token_stream(pat));
            owed.extend(pattern_idents(pat).into_iter().map(|ident| Binding {
                ident,
                may_be_a_half: named_as_half,
                allowed: self.allowed,
                site: Some(site),
                carries: Vec::new(),
            }));
        }
        let allowed = self.allowed;
        match body {
            Expr::Block(block) if block.label.is_none() => {
                Lowering::body(&mut *self.program, allowed, owed, &block.block);
            }
            Expr::Async(block) => Lowering::body(&mut *self.program, allowed, owed, &block.block),
            other => Lowering::expr_body(&mut *self.program, allowed, owed, other),
        }
    }
}

/// Whether `init` is `x.finish()`, not awaited: an upload's pending reply, which
/// holds the call's outcome until it is awaited (a sending half's `finish` returns
/// a plain token instead: the check's type test tells them apart).
fn pending_finish(init: &Expr) -> bool {
    let mut expr = init;
    while let Expr::Paren(paren) = expr {
        expr = &paren.expr;
    }
    matches!(expr, Expr::MethodCall(call) if call.method == "finish")
}
