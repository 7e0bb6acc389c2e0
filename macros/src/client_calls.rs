//! Rewriting the calls inside `#[tonic_session::client]` code.
//!
//! - `client.method(..).await`: a client-streaming or bidi call; `..` stands for the
//!   request stream the session builds. Becomes an `Upload` or a
//!   `(Sender, Receiver)`, depending on what tonic's method returns.
//! - `x.method(arg).await`: if tonic's method returns a streaming response
//!   (server streaming), a `Receiver`; anything else passes through unchanged.
//!
//! The kind is decided by the compiler from tonic's types (autoref specialization
//! in the runtime), never guessed from names here. Nested items (`fn`, `impl`) are
//! left alone: they carry their own attribute if they want one.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprAwait, ExprMethodCall, Item};

/// Rewrites the calls in one function body; collects misuse as errors.
#[derive(Default)]
pub(crate) struct CallRewriter {
    pub(crate) errors: Option<syn::Error>,
}

impl CallRewriter {
    fn error(&mut self, err: syn::Error) {
        match &mut self.errors {
            Some(all) => all.combine(err),
            None => self.errors = Some(err),
        }
    }
}

/// Whether the call's only argument is `..` (the session's request stream).
fn is_sending(call: &ExprMethodCall) -> bool {
    matches!(
        call.args.iter().collect::<Vec<_>>().as_slice(),
        [Expr::Range(range)] if range.start.is_none() && range.end.is_none()
            && matches!(range.limits, syn::RangeLimits::HalfOpen(_))
    )
}

fn sending(call: &ExprMethodCall) -> TokenStream {
    let private = quote!(::tonic_session::__private);
    let receiver = &call.receiver;
    let method = &call.method;
    let turbofish = &call.turbofish;
    quote_spanned! {call.span()=>
        {
            let (__tonic_session_outbound, __tonic_session_request) = #private::outbound();
            // The call runs on its own handle (tonic clients are cheap clones of a
            // channel), so the halves outlive this borrow and may go to other tasks.
            let mut __tonic_session_client = (#receiver).clone();
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

fn classified(awaited: &ExprAwait) -> TokenStream {
    let private = quote!(::tonic_session::__private);
    quote_spanned! {awaited.span()=>
        {
            let __tonic_session_value = #awaited;
            #[allow(unused_imports)]
            use #private::{AwaitedOther as _, AwaitedStreaming as _};
            (&&#private::Awaited::new(__tonic_session_value)).tonic_session_output()
        }
    }
}

impl VisitMut for CallRewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::Await(awaited) = expr
            && let Expr::MethodCall(call) = &mut *awaited.base
        {
            // Arguments and receiver first: calls nest.
            visit_mut::visit_expr_mut(self, &mut call.receiver);
            if is_sending(call) {
                *expr = Expr::Verbatim(sending(call));
                return;
            }
            for arg in call.args.iter_mut() {
                self.visit_expr_mut(arg);
            }
            if call.args.len() == 1 {
                *expr = Expr::Verbatim(classified(awaited));
            }
            return;
        }
        if let Expr::MethodCall(call) = expr
            && is_sending(call)
        {
            self.error(syn::Error::new_spanned(
                &*call,
                "await a session call where it is made: `client.method(..).await`",
            ));
        }
        visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_item_mut(&mut self, _item: &mut Item) {}
}
