//! A differential test of the cleanup pass: random bodies over one receiver, whose
//! ground truth comes from this model's own path semantics (`truth`), rendered to
//! Rust (`render`) and run through the real lowering and pass. The pass must never
//! miss a leak the model finds; the bodies it rejects that the model accepts are
//! counted and printed.
//!
//! `TONIC_SESSION_DIFF_CASES` (default 10,000) and `TONIC_SESSION_DIFF_SEED` set the
//! run.

mod generate;
mod render;
mod truth;

use crate::allow::Allowed;
use crate::{cleanup, lower};

/// A statement of the model. Loops carry their label's number.
#[derive(Clone, Debug)]
pub(super) enum Stmt {
    Finish,
    Cancel,
    Drop,
    /// Reads one message and ignores it (`rx.message().await?;`).
    Read,
    /// `rx = client.watch(request()).await?;`: a new call in place of the old one.
    Reopen,
    /// `drain(&mut rx).await?;`: lent to a helper, whose business its end is.
    Lend,
    If(Vec<Stmt>, Vec<Stmt>),
    /// `match rx.message().await? { Some(_) => some, None => none }`.
    Match {
        some: Vec<Stmt>,
        none: Vec<Stmt>,
    },
    /// `let reply = rx.message().await?; match reply { Some(_) => some, None => none }`:
    /// the reply kept in a local, branched on later.
    MatchHeld {
        some: Vec<Stmt>,
        none: Vec<Stmt>,
    },
    /// `match rx.message().await { Ok(Some(_)) => some, Ok(None) => none,
    /// Err(status) => { keep(status); err } }`: the final error status kept.
    MatchResult {
        some: Vec<Stmt>,
        none: Vec<Stmt>,
        err: Vec<Stmt>,
    },
    /// `match timeout(d, rx.message()).await { Ok(Ok(Some(_))) => some, Ok(Ok(None)) =>
    /// none, Ok(Err(status)) => return Err(status), Err(_) => elapsed }`: a read under
    /// a timer, whose own error is no end.
    MatchTimed {
        some: Vec<Stmt>,
        none: Vec<Stmt>,
        elapsed: Vec<Stmt>,
    },
    /// `if let Ok(Some(_)) = rx.message().await { then } else { otherwise }`: the
    /// `else` may be the final error, thrown away.
    IfLetOkSome(Vec<Stmt>, Vec<Stmt>),
    Loop(usize, Vec<Stmt>),
    /// `while let Some(_) = rx.message().await? { body }`.
    WhileLet(usize, Vec<Stmt>),
    /// `for _ in 0..3 { body }`.
    For(usize, Vec<Stmt>),
    Break(usize),
    Continue(usize),
    ReturnOk,
    ReturnErr,
    /// `check()?;`: an error exit, or on.
    Try,
    Panic,
}

/// Whether the real pass finds `rx` leaking in `body`.
fn analysis_leaks(body: &[Stmt]) -> bool {
    let source = render::function(body);
    let function: syn::ItemFn = match syn::parse_str(&source) {
        Ok(function) => function,
        Err(err) => panic!("rendered code does not parse ({err}):\n{source}"),
    };
    let program = lower::lower(&function.sig.inputs, &function.block, Allowed::default());
    cleanup::leaks(&program)
        .iter()
        .any(|leak| program.bindings[leak.binding].ident == "rx")
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[test]
fn the_pass_never_misses_a_leak_the_model_finds() {
    let cases = setting("TONIC_SESSION_DIFF_CASES", 10_000);
    let seed = setting("TONIC_SESSION_DIFF_SEED", 0x5e55_10a5);
    let mut random = generate::Random::new(seed);
    let (mut leaking, mut false_positives) = (0, 0);
    for case in 0..cases {
        let body = generate::body(&mut random);
        let truth = truth::leaks(&body);
        let found = analysis_leaks(&body);
        assert!(
            found || !truth,
            "case {case} (seed {seed}): the model leaks `rx`, the pass finds nothing:\n{}",
            render::function(&body)
        );
        leaking += u64::from(truth);
        false_positives += u64::from(found && !truth);
    }
    println!(
        "differential: {cases} bodies (seed {seed}), {leaking} leaking, 0 missed, \
         {false_positives} false positives"
    );
}
