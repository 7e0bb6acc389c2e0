//! Rewriting the calls inside `#[tonic_session::client]` code.
//!
//! - `client.method(..)`: a client-streaming or bidi call; `..` stands for the
//!   request stream the session builds. Becomes a future (like tonic's own call)
//!   of an `Upload` or a `(Sender, Receiver)`, depending on what tonic's method
//!   returns. `client.method(.., |request| ..)` first hands the closure
//!   `&mut Request<_>`, to set metadata or a deadline with tonic's own API.
//! - `x.method(arg).await`: if tonic's method returns a streaming response
//!   (server streaming), a `Receiver`; anything else passes through unchanged. When
//!   `arg` is a local the body calls `set_timeout` on, the receiver holds that
//!   deadline to the end of the stream. The same under tokio's `timeout(d, ..)`
//!   (or `timeout_at`): `Ok(Ok(receiver))` once the stream opened in time.
//!
//! The kind is decided by the compiler from tonic's types (autoref specialization
//! in the runtime), never guessed from names here. Nested items (`fn`, `impl`) are
//! left alone: they carry their own attribute if they want one.

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprAwait, ExprMethodCall, Item};

/// Rewrites the calls in one function body. Every call is either rewritten or left
/// as it is: what cannot be a session is for the compiler to reject, at the call.
pub(crate) struct CallRewriter {
    /// The locals this body sets a deadline on (`request.set_timeout(..)`): passed
    /// to a call, their deadline is read, so a server-streaming session holds it.
    timed: HashSet<Ident>,
}

impl CallRewriter {
    /// A rewriter for `body`.
    pub(crate) fn for_body(body: &syn::Block) -> Self {
        let mut timed = TimedRequests::default();
        timed.visit_block(body);
        CallRewriter { timed: timed.0 }
    }

    /// The local passed as the call's only argument, if the body sets a deadline on
    /// it. Only these are looked at: their type is known at the call (a method was
    /// called on them), so reading them never leaves the compiler a type to guess.
    fn timed_argument(&self, call: &ExprMethodCall) -> Option<Ident> {
        let Some(Expr::Path(path)) = call.args.first() else {
            return None;
        };
        let name = path.path.get_ident()?;
        self.timed.contains(name).then(|| name.clone())
    }
}

/// Collects the receivers of `x.set_timeout(..)`.
#[derive(Default)]
struct TimedRequests(HashSet<Ident>);

impl Visit<'_> for TimedRequests {
    fn visit_expr_method_call(&mut self, call: &ExprMethodCall) {
        if call.method == "set_timeout"
            && let Expr::Path(path) = &*call.receiver
            && let Some(name) = path.path.get_ident()
        {
            self.0.insert(name.clone());
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_item(&mut self, _item: &Item) {}
}

/// Whether the call is tokio's `timeout(duration, future)` or `timeout_at(deadline,
/// future)`, however its path is written: its output is classified like the
/// future's (a streaming response inside becomes a `Receiver`).
fn is_timeout(call: &syn::ExprCall) -> bool {
    let Expr::Path(function) = &*call.func else {
        return false;
    };
    let last = function.path.segments.last();
    call.args.len() == 2
        && last.is_some_and(|segment| segment.ident == "timeout" || segment.ident == "timeout_at")
}

/// Whether the call is `x.method(..)` or `x.method(.., configure)`.
fn is_sending(call: &ExprMethodCall) -> bool {
    let mut args = call.args.iter();
    let first_is_full_range = matches!(
        args.next(),
        Some(Expr::Range(range)) if range.start.is_none() && range.end.is_none()
            && matches!(range.limits, syn::RangeLimits::HalfOpen(_))
    );
    first_is_full_range && args.count() <= 1
}

/// The future that opens the session of `client.method(..)`.
fn sending(call: &ExprMethodCall) -> TokenStream {
    let private = quote!(::tonic_session::__private);
    let receiver = &call.receiver;
    let method = &call.method;
    let turbofish = &call.turbofish;
    let configure = call.args.iter().nth(1).map(|configure| {
        quote_spanned! {configure.span()=>
            #private::configure(&mut __tonic_session_request, #configure);
        }
    });
    quote_spanned! {call.span()=>
        async {
            let (mut __tonic_session_outbound, mut __tonic_session_request) = #private::outbound();
            #configure
            __tonic_session_outbound.note_call(&__tonic_session_request, ::core::stringify!(#method));
            // The call runs on its own handle (tonic clients are cheap clones of a
            // channel), so the halves outlive this borrow and may go to other tasks.
            let mut __tonic_session_client = {
                #[allow(unused_imports)]
                use #private::CallHandle as _;
                (#receiver).tonic_session_call_handle()
            };
            let __tonic_session_call = async move {
                __tonic_session_client.#method #turbofish(__tonic_session_request).await
            };
            #[allow(unused_imports)]
            use #private::{SendingBidi as _, SendingUpload as _};
            (&&#private::SendingCall::new(__tonic_session_outbound, __tonic_session_call))
                .tonic_session_open()
                .await
        }
    }
}

/// `x.method(arg).await`, classified by what it returns; `timed` is `arg` when it
/// is a request whose deadline the session must hold.
fn classified(awaited: &ExprAwait, timed: Option<Ident>) -> TokenStream {
    let private = quote!(::tonic_session::__private);
    // The deadline is read before the call takes the request; only then is it a
    // local held across the await (each such local grows the future rustc lays out).
    let (read, deadline) = match timed {
        Some(request) => (
            quote_spanned! {request.span()=>
                let __tonic_session_deadline = {
                    #[allow(unused_imports)]
                    use #private::{PeekOther as _, PeekRequest as _};
                    (&&#private::Peek(&#request)).tonic_session_deadline()
                };
            },
            quote!(__tonic_session_deadline),
        ),
        None => (TokenStream::new(), quote!(::core::option::Option::None)),
    };
    quote_spanned! {awaited.span()=>
        {
            #read
            #[allow(unused_imports)]
            use #private::AwaitedOther as _;
            #private::Awaited(#awaited, #deadline).tonic_session_output()
        }
    }
}

impl VisitMut for CallRewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::MethodCall(call) if is_sending(call) => {
                visit_mut::visit_expr_mut(self, &mut call.receiver);
                *expr = Expr::Verbatim(sending(call));
            }
            Expr::Await(awaited) => {
                if let Expr::MethodCall(call) = &mut *awaited.base
                    && !is_sending(call)
                    && call.args.len() == 1
                {
                    visit_mut::visit_expr_method_call_mut(self, call);
                    let timed = self.timed_argument(call);
                    *expr = Expr::Verbatim(classified(awaited, timed));
                    return;
                }
                if let Expr::Call(call) = &*awaited.base
                    && is_timeout(call)
                {
                    visit_mut::visit_expr_await_mut(self, awaited);
                    *expr = Expr::Verbatim(classified(awaited, None));
                    return;
                }
                visit_mut::visit_expr_await_mut(self, awaited);
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _item: &mut Item) {}
}
