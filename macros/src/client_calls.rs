//! Rewriting the calls inside `#[tonic_session::client]` code.
//!
//! - `client.method(..)`: a client-streaming or bidi call; `..` stands for the
//!   request stream the session builds. Becomes a future (like tonic's own call)
//!   of an `Upload` or a `(Sender, Receiver)`, depending on what tonic's method
//!   returns. `client.method(.., |request| ..)` first hands the closure
//!   `&mut Request<_>`, to set metadata or a deadline with tonic's own API.
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

/// Rewrites the calls in one function body. Every call is either rewritten or left
/// as it is: what cannot be a session is for the compiler to reject, at the call.
#[derive(Default)]
pub(crate) struct CallRewriter;

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
                    *expr = Expr::Verbatim(classified(awaited));
                    return;
                }
                visit_mut::visit_expr_await_mut(self, awaited);
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _item: &mut Item) {}
}
