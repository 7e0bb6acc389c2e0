//! Code ported from plain tonic calls `response.into_inner()` on what a streaming
//! call returns. Inside `#[tonic_session::client]` that value is already the
//! session's `Receiver` (or `Upload`): `into_inner` on it is a compile error that
//! says so and shows the session's way, instead of rustc's "no method named
//! `into_inner`".
//!
//! ```compile_fail,E0277
//! fn port(rx: tonic_session::client::Receiver<u32>) {
//!     let _stream = rx.into_inner(); // raw_stream: already the session's receiving half
//! }
//! ```

use crate::client;

/// Implemented by no type: the bound that refuses `into_inner` on a client half.
/// Its name is what rustc shows of it, so it reads as the rule.
#[diagnostic::on_unimplemented(
    message = "raw_stream: `into_inner` on a session half: inside `#[tonic_session::client]` a streaming call already gives its half",
    label = "`into_inner` unwraps tonic's `Response<Streaming<_>>`; this is the session's half, there is nothing to unwrap",
    note = "fix: use the half as it is (`rx.message().await?` reads the next message, `rx.finish().await?` the final status); to keep a call plain tonic, make it in a function without the attribute"
)]
#[allow(
    non_camel_case_types,
    reason = "rustc names it in the error: it reads as the rule"
)]
pub trait a_streaming_call_in_session_code_gives_its_half {
    /// Never called: nothing implements the trait.
    fn unwrap_response(self) -> Self;
}

impl<U> client::Receiver<U> {
    /// Refused at compile time: this is already the session's half.
    #[doc(hidden)]
    pub fn into_inner(self) -> Self
    where
        Self: a_streaming_call_in_session_code_gives_its_half,
    {
        a_streaming_call_in_session_code_gives_its_half::unwrap_response(self)
    }
}

impl<T, R> client::Upload<T, R> {
    /// Refused at compile time: this is already the session's half.
    #[doc(hidden)]
    pub fn into_inner(self) -> Self
    where
        Self: a_streaming_call_in_session_code_gives_its_half,
    {
        a_streaming_call_in_session_code_gives_its_half::unwrap_response(self)
    }
}
