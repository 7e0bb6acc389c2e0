//! Attribute macros of [tonic-session](https://docs.rs/tonic-session). Depend on
//! `tonic-session` and use them from there; the generated code names its runtime.
#![forbid(unsafe_code)]

mod allow;
mod client;
mod errors;
#[cfg(test)]
mod never_panics;
mod rules;
mod service;
mod types;

use proc_macro::TokenStream;

/// Rewrites the streaming handlers of a tonic service impl into session handlers.
/// Documented, with examples, where it is meant to be used: `tonic_session::service`.
#[proc_macro_attribute]
pub fn service(args: TokenStream, input: TokenStream) -> TokenStream {
    timed("service", || {
        with_deep_stack(|| service::expand(args.into(), input.into()).into())
    })
}

/// Turns calls of streaming RPCs into session halves.
/// Documented, with examples, where it is meant to be used: `tonic_session::client`.
#[proc_macro_attribute]
pub fn client(args: TokenStream, input: TokenStream) -> TokenStream {
    timed("client", || {
        with_deep_stack(|| client::expand(args.into(), input.into()).into())
    })
}

/// Runs an expansion and, when `TONIC_SESSION_EXPANSION_TIME` is set in the
/// compiler's environment, says on stderr how long it took: the attribute's own
/// share of a build, which rustc's timings fold into macro expansion as a whole.
fn timed(attribute: &str, expand: impl FnOnce() -> TokenStream) -> TokenStream {
    if std::env::var_os("TONIC_SESSION_EXPANSION_TIME").is_none() {
        return expand();
    }
    let started = std::time::Instant::now();
    let output = expand();
    // Cargo replays a dependency's cached output: the crate's name tells them apart.
    let krate = std::env::var("CARGO_CRATE_NAME").unwrap_or_else(|_| "-".into());
    eprintln!(
        "tonic-session expansion: {krate} #[{attribute}] {} us",
        started.elapsed().as_micros()
    );
    output
}

/// Runs an expansion with room for the deepest expression rustc accepts. Parsing, the
/// analysis, printing and dropping syn's tree all recurse once per level of nesting, and a
/// body such as `a + b + .. + z` over thousands of terms would otherwise overflow the
/// compiler thread's stack. The new stack is on this thread (the macro API is bound to
/// it); it is reserved, not touched, so only the depth actually used costs memory.
fn with_deep_stack<R>(expand: impl FnOnce() -> R) -> R {
    const STACK: usize = 256 * 1024 * 1024;
    stacker::grow(STACK, expand)
}

/// An exception to a rule, with its reason: `#[tonic_session::allow(unfinished_sender,
/// reason = "..")]`. Read by `#[tonic_session::client]` and `#[tonic_session::service]`
/// (on a `let`, a method, or below the attribute); above one of them it is an error that
/// says so. On raw code it is for `cargo tonic-session check`: checked (known rules, a
/// reason) and the item kept as written.
#[proc_macro_attribute]
pub fn allow(args: TokenStream, input: TokenStream) -> TokenStream {
    allow::standalone(args.into(), input.into()).into()
}
