//! The control-flow graphs of one function, and the bindings they follow.

use proc_macro2::{Ident, Span};

use crate::allow::Allowed;

/// Where a binding's check goes: around the value a plain `let name = value;` binds,
/// right after another statement that initialises it, or first thing in a body (a
/// parameter, or a capture of a `move` closure).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    /// Around the initialiser of the `let` that is statement `index` of the block at
    /// `block`.
    Init { block: usize, index: usize },
    /// After statement `index` of the block at `block` (its address in the syntax
    /// tree, which nothing moves between lowering and placing).
    AfterStmt { block: usize, index: usize },
    /// First in the block at this address.
    BlockTop(usize),
    /// First in a closure body that is an expression, not a block (at this address):
    /// it becomes a block to hold the check.
    ExprTop(usize),
}

/// A binding the passes follow.
#[derive(Clone, Debug)]
pub struct Binding {
    pub ident: Ident,
    /// Whether it can hold a session half at all (see `syntax::may_yield_a_half`):
    /// only those get a check.
    pub may_be_a_half: bool,
    /// Rules allowed for it.
    pub allowed: Allowed,
    /// Where its check goes; `None` where no check can be put (a pattern binding).
    pub site: Option<Site>,
    /// The halves moved into it, if it is a local container (`Some(tx)`, a tuple, a
    /// struct literal, an array, `vec![..]`): their end is its to make, and where it
    /// leaks, they do.
    pub carries: Vec<usize>,
}

/// What a leak site is, for the diagnostic and for tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeakKind {
    /// A `return` that is not `return Err(..)`.
    Return,
    /// The end of the function (or closure) body.
    End,
    /// The end of the block that declared the binding.
    ScopeEnd,
    /// A `break` or `continue` that leaves the binding's scope.
    Jump,
    /// A `break` out of a loop that read the receiver, before its end.
    LeftReading,
    /// An explicit `drop(x)`.
    Dropped,
}

/// Where a path may leave a binding unended.
#[derive(Clone, Copy, Debug)]
pub struct Point {
    pub kind: LeakKind,
    pub at: Span,
}

/// What happens to bindings in straight-line code.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// The binding now owes its end (declared, or assigned anew).
    Owe(usize),
    /// Its end is taken care of: finished, cancelled, read to its end, handed on.
    Ended(usize),
    /// It is dropped here (its scope ends, a jump leaves it, `drop(x)`): a leak if it
    /// still owes its end. Dropped, it owes nothing more.
    Drop(usize, Point),
    /// A `break` leaves a loop that reads it: if it still owes its end when the path
    /// reaches a drop, the leak is reported here.
    LeftReading(usize, Point),
    /// A normal exit: every binding still owing its end leaks here.
    Exit(Point),
    /// A send on it: after a failed send the code went on with, the producer
    /// ignores that the peer is gone.
    Send(usize, Span),
    /// A send on it failed, and this path goes on (the error branch of a test of
    /// the send's result).
    SendFailed(usize),
}

/// A node: straight-line events, then the successors.
#[derive(Debug, Default)]
pub struct Node {
    pub events: Vec<Event>,
    pub next: Vec<usize>,
}

/// One body's graph; node 0 is its entry.
#[derive(Debug, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
}

/// Every graph of a function (its body first, then closures and async blocks), over
/// one table of bindings.
#[derive(Debug, Default)]
pub struct Program {
    pub graphs: Vec<Graph>,
    pub bindings: Vec<Binding>,
    /// Names the front end knows to bind halves, whatever their value is made of
    /// (the checker's raw senders, made by `mpsc::channel`): where no type decides,
    /// the front end does.
    pub named_halves: Vec<String>,
}
