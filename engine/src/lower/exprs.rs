//! Lowering expressions: which bindings each one ends or hands on, and the
//! branches, loops and jumps it makes.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Expr, ExprIf, ExprMatch, Label, Macro, Pat};

use super::{Jumps, Lowering, ends, sends};
use crate::captures;
use crate::graph::{Event, LeakKind, Point};
use crate::syntax::{bare_ident, collect_lets};

/// Macros that only format their arguments: a binding they mention is borrowed.
const FORMATTING: [&str; 14] = [
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "format_args",
    "write",
    "writeln",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "dbg",
    "trace",
];

/// The methods of the halves that borrow them (besides `message` and `send`).
const BORROWING: [&str; 5] = [
    "closed",
    "is_closed",
    "headers",
    "with_headers",
    "send_headers",
];

/// Macros that never return normally: an error path (the runtime cancels what
/// it drops).
const DIVERGING: [&str; 4] = ["panic", "unreachable", "todo", "unimplemented"];

impl Lowering<'_> {
    pub(super) fn expr(&mut self, expr: &Expr) {
        self.expr_of_its_kind(expr);
        if self.error_values.contains(&super::address(expr)) {
            // An `Err(..)` the body's value may be: the path leaves with an error.
            self.current = None;
        }
    }

    fn expr_of_its_kind(&mut self, expr: &Expr) {
        match expr {
            Expr::Path(path) if path.qself.is_none() => {
                if let Some(ident) = path.path.get_ident() {
                    self.ended(&ident.to_string());
                }
            }
            Expr::MethodCall(call) => self.method_call(call),
            // `&mut x` lent out (to a helper, a binding): what is done with it there
            // is out of sight, so taken as handed on; `&x` cannot end a half.
            Expr::Reference(reference) if reference.mutability.is_some() => {
                match bare_ident(&reference.expr) {
                    Some(lent) => self.ended(&lent),
                    None => self.expr(&reference.expr),
                }
            }
            Expr::Reference(reference) if bare_ident(&reference.expr).is_some() => {}
            Expr::Field(field) if bare_ident(&field.base).is_some() => {}
            Expr::Reference(reference) => self.expr(&reference.expr),
            Expr::Field(field) => self.expr(&field.base),
            Expr::Return(returned) => self.returned(returned.expr.as_deref(), returned.span()),
            Expr::Try(tried) => self.expr(&tried.expr),
            Expr::Await(awaited) => self.expr(&awaited.base),
            Expr::If(branch) => self.if_else(branch),
            Expr::Match(matched) => self.matched(matched),
            Expr::Block(block) => match &block.label {
                Some(label) => self.labelled_block(label, &block.block),
                None => self.block(&block.block),
            },
            Expr::Unsafe(block) => self.block(&block.block),
            Expr::Const(block) => self.block(&block.block),
            Expr::Loop(looped) => self.looped(looped.label.as_ref(), None, &looped.body),
            Expr::While(looped) => {
                self.looped(looped.label.as_ref(), Some(&looped.cond), &looped.body)
            }
            Expr::ForLoop(looped) => self.for_loop(looped),
            Expr::Break(broken) => {
                if let Some(value) = &broken.expr {
                    self.expr(value);
                }
                self.jump(label_name(broken.label.as_ref()), false, broken.span());
            }
            Expr::Continue(continued) => {
                self.jump(label_name(continued.label.as_ref()), true, continued.span());
            }
            Expr::Closure(closure) => {
                let parameters: Vec<Pat> = closure.inputs.iter().cloned().collect();
                self.handed_on(&closure.body, closure.capture.is_some(), &parameters);
            }
            Expr::Async(block) => self.handed_on(expr, block.capture.is_some(), &[]),
            Expr::Macro(mac) => self.mac(&mac.mac),
            Expr::Verbatim(tokens) => self.mentions_end(tokens),
            Expr::Assign(assign) => self.assigned(assign),
            Expr::Call(call) => {
                self.expr(&call.func);
                match explicit_drop(call) {
                    Some(dropped) => self.dropped(&dropped, call.span()),
                    None => self.exprs(&call.args),
                }
            }
            other => self.operands(other),
        }
    }

    /// A method call: on a half, what the method does to it; on anything else, its
    /// receiver and arguments.
    fn method_call(&mut self, call: &syn::ExprMethodCall) {
        match bare_ident(&call.receiver) {
            Some(receiver) if call.method == "finish" || call.method == "cancel" => {
                self.ended(&receiver);
            }
            Some(receiver) if call.method == "message" => self.reads(&receiver),
            Some(sender) if call.method == "send" => {
                if let Some(id) = self.resolve(&sender) {
                    self.emit(Event::Send(id, call.span()));
                }
            }
            Some(_) if BORROWING.iter().any(|method| call.method == method) => {}
            // Not a method of the halves (a trait's, or a typo rustc will report):
            // out of sight, so taken as handed on.
            Some(other) => self.ended(&other),
            None => self.expr(&call.receiver),
        }
        self.exprs(&call.args);
    }

    /// `x = value`: the value first; a binding assigned anew drops the value it
    /// held here, and the new one owes its end.
    fn assigned(&mut self, assign: &syn::ExprAssign) {
        self.expr(&assign.right);
        match bare_ident(&assign.left).and_then(|name| self.resolve(&name)) {
            Some(id) => {
                let point = Point {
                    kind: LeakKind::Dropped,
                    at: assign.span(),
                };
                self.emit(Event::Drop(id, point));
                self.emit(Event::Owe(id));
                // What was read from the old value says nothing of the new.
                self.held.retain(|held| held.half != id);
            }
            None => self.expr(&assign.left),
        }
    }

    /// An expression that only evaluates its operands, in order.
    fn operands(&mut self, expr: &Expr) {
        match expr {
            Expr::Tuple(tuple) => self.exprs(&tuple.elems),
            Expr::Array(array) => self.exprs(&array.elems),
            Expr::Paren(paren) => self.expr(&paren.expr),
            Expr::Group(group) => self.expr(&group.expr),
            Expr::Cast(cast) => self.expr(&cast.expr),
            Expr::Unary(unary) => self.expr(&unary.expr),
            Expr::Binary(binary) => {
                self.expr(&binary.left);
                self.expr(&binary.right);
            }
            Expr::Index(index) => {
                self.expr(&index.expr);
                self.expr(&index.index);
            }
            Expr::Range(range) => {
                range
                    .start
                    .iter()
                    .chain(&range.end)
                    .for_each(|end| self.expr(end));
            }
            Expr::Repeat(repeat) => self.expr(&repeat.expr),
            Expr::Struct(object) => {
                object
                    .fields
                    .iter()
                    .for_each(|field| self.expr(&field.expr));
                if let Some(rest) = &object.rest {
                    self.expr(rest);
                }
            }
            Expr::Let(bound) => self.expr(&bound.expr),
            Expr::Yield(yielded) => {
                if let Some(value) = &yielded.expr {
                    self.expr(value);
                }
            }
            // Literals hold no binding; anything else is out of sight: every
            // binding it mentions is taken as handed on.
            other => self.mentions_end(&quote::ToTokens::to_token_stream(other)),
        }
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>) {
        for expr in exprs {
            self.expr(expr);
        }
    }

    /// `return value`: a normal exit, unless it returns `Err(..)`.
    fn returned(&mut self, value: Option<&Expr>, at: Span) {
        if let Some(value) = value {
            super::error_tails(value, &mut self.error_values);
            self.expr(value);
        }
        // Unless every path through the value reached an `Err(..)`.
        if self.current.is_some() {
            self.exit(LeakKind::Return, at);
        }
    }

    /// `drop(x)`: an abandoned half (its fix is `cancel()`), dropped here.
    fn dropped(&mut self, name: &str, at: Span) {
        if let Some(id) = self.resolve(name) {
            let point = Point {
                kind: LeakKind::Dropped,
                at,
            };
            self.emit(Event::Drop(id, point));
        }
    }

    /// Every binding whose name appears in `tokens` is taken as ended (handed on, or
    /// out of sight): the analysis leans towards no error where it cannot see.
    pub(super) fn mentions_end(&mut self, tokens: &TokenStream) {
        for ident in crate::syntax::idents(tokens) {
            self.ended(&ident.to_string());
        }
    }

    /// A macro call: a diverging one ends the path as an error path; a formatting
    /// one borrows what it mentions; any other is out of sight.
    pub(super) fn mac(&mut self, mac: &Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
            .unwrap_or_default();
        if DIVERGING.contains(&name.as_str()) {
            self.current = None;
        } else if !FORMATTING.contains(&name.as_str()) {
            self.mentions_end(&mac.tokens);
        }
    }

    /// A closure or async block: what it mentions is handed on; its body is a graph
    /// of its own, owing the halves it captures by `move`.
    fn handed_on(&mut self, body: &Expr, moving: bool, parameters: &[Pat]) {
        let bound: Vec<String> = parameters
            .iter()
            .flat_map(crate::syntax::pattern_idents)
            .map(|ident| ident.to_string())
            .collect();
        let mentions = captures::of(body, &bound);
        let mut owned = Vec::new();
        for (name, _) in &mentions.named {
            let Some(id) = self.resolve(name) else {
                continue;
            };
            self.emit(Event::Ended(id));
            let captured = mentions.captured.contains(name);
            if moving && captured && self.program.bindings[id].may_be_a_half {
                owned.push(id);
            }
        }
        self.nested(body, &owned, parameters);
    }

    fn if_else(&mut self, branch: &ExprIf) {
        self.open();
        self.expr(&branch.cond);
        let (then_end, else_end) = ends::of_condition(&branch.cond, &|name| self.held_read(name));
        let (then_failed, else_failed) =
            sends::of_condition(&branch.cond, &|name| self.held_send(name));
        let decided = self.current;
        self.follow();
        self.declare_condition_lets(&branch.cond);
        self.branch_facts(then_end, then_failed);
        self.block(&branch.then_branch);
        // The condition's scope ends with the `then` branch: its `let`s bind there.
        self.close(branch.then_branch.brace_token.span.close());
        let then = self.current;
        self.current = decided;
        self.follow();
        self.branch_facts(else_end, else_failed);
        if let Some((_, otherwise)) = &branch.else_branch {
            self.expr(otherwise);
        }
        let otherwise = self.current;
        self.current = self.join(&[then, otherwise]);
    }

    /// What the `let`s of a condition bind, on the path where it held.
    fn declare_condition_lets(&mut self, cond: &Expr) {
        let mut lets = Vec::new();
        collect_lets(cond, &mut lets);
        for pat in lets {
            self.declare_pattern(pat);
        }
    }

    fn matched(&mut self, matched: &ExprMatch) {
        self.expr(&matched.expr);
        let read = ends::of_scrutinee(&matched.expr, &|name| self.held_read(name));
        let sent = sends::of_scrutinee(&matched.expr, &|name| self.held_send(name));
        let decided = self.current;
        let mut ends = Vec::new();
        let (mut some_handled, mut ok_handled) = (false, false);
        for arm in &matched.arms {
            self.current = decided;
            self.follow();
            self.open();
            let ended = read
                .as_ref()
                .filter(|read| read.ends_at(&arm.pat, some_handled));
            let failed = sent
                .clone()
                .filter(|_| sends::fails_at(&arm.pat, ok_handled));
            self.branch_facts(ended.map(|read| read.name.clone()), failed);
            some_handled |= arm.guard.is_none() && ends::is_some_pattern(&arm.pat);
            ok_handled |= arm.guard.is_none() && sends::is_ok_pattern(&arm.pat);
            self.declare_pattern(&arm.pat);
            if let Some((_, guard)) = &arm.guard {
                self.expr(guard);
            }
            self.expr(&arm.body);
            self.close(arm.body.span());
            ends.push(self.current);
        }
        self.current = self.join(&ends);
    }

    fn labelled_block(&mut self, label: &Label, block: &syn::Block) {
        let after = self.node();
        self.jumps.push(Jumps {
            label: Some(label.name.ident.to_string()),
            depth: self.scopes.depth(),
            break_to: after,
            continue_to: None,
            reads: Vec::new(),
        });
        self.block(block);
        self.jumps.pop();
        self.edge(self.current, after);
        self.current = Some(after);
    }

    /// `loop` (no condition) and `while` (`cond`, with `let`s in its own scope).
    fn looped(&mut self, label: Option<&Label>, cond: Option<&Expr>, body: &syn::Block) {
        let head = self.follow();
        let after = self.node();
        self.jumps.push(Jumps {
            label: label.map(|label| label.name.ident.to_string()),
            depth: self.scopes.depth(),
            break_to: after,
            continue_to: Some(head),
            reads: Vec::new(),
        });
        self.open();
        if let Some(cond) = cond {
            self.expr(cond);
            // The condition fails: the loop ends normally.
            let decided = self.current;
            self.follow();
            let ended = ends::of_condition(cond, &|name| self.held_read(name)).1;
            let failed = sends::of_condition(cond, &|name| self.held_send(name)).1;
            self.branch_facts(ended, failed);
            self.edge(self.current, after);
            self.current = decided;
        }
        self.follow();
        if let Some(cond) = cond {
            self.declare_condition_lets(cond);
            let ended = ends::of_condition(cond, &|name| self.held_read(name)).0;
            let failed = sends::of_condition(cond, &|name| self.held_send(name)).0;
            self.branch_facts(ended, failed);
        }
        self.block(body);
        self.close(body.brace_token.span.close());
        self.edge(self.current, head);
        self.jumps.pop();
        self.current = Some(after);
    }

    fn for_loop(&mut self, looped: &syn::ExprForLoop) {
        self.expr(&looped.expr);
        let head = self.follow();
        let after = self.node();
        self.edge(Some(head), after);
        self.jumps.push(Jumps {
            label: looped
                .label
                .as_ref()
                .map(|label| label.name.ident.to_string()),
            depth: self.scopes.depth(),
            break_to: after,
            continue_to: Some(head),
            reads: Vec::new(),
        });
        self.follow();
        self.open();
        self.declare_pattern(&looped.pat);
        self.block(&looped.body);
        self.close(looped.body.brace_token.span.close());
        self.edge(self.current, head);
        self.jumps.pop();
        self.current = Some(after);
    }
}

fn label_name(label: Option<&syn::Lifetime>) -> Option<String> {
    label.map(|label| label.ident.to_string())
}

/// `drop(x)` (or `mem::drop(x)`, `std::mem::drop(x)`) of a bare local: its name.
fn explicit_drop(call: &syn::ExprCall) -> Option<String> {
    let Expr::Path(path) = &*call.func else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "drop" || call.args.len() != 1 {
        return None;
    }
    bare_ident(call.args.first()?)
}
