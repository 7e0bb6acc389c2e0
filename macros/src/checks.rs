//! The check the cleanup analysis puts after a binding that may leak: a no-op for
//! any type but a client session half, and a compile error naming the rule for a
//! half.
//!
//! The compiler picks the impl by the binding's type (autoref specialization on
//! `Cleanup<&T>`). The impls for halves carry a method-level bound on a trait made
//! here, for this binding alone, whose `#[diagnostic::on_unimplemented]` message
//! names the binding; the bound is checked only once that impl is chosen, so only a
//! half fails. The call is spanned at the exit where the half leaks (the primary
//! span), the local trait at the binding (where it was created).

use quote::{format_ident, quote_spanned};
use syn::Stmt;

use crate::allow::Rule;
use crate::cleanup::Binding;

/// The check for `binding`, if it may leak.
pub(crate) fn check_stmt(binding: &Binding) -> Option<Stmt> {
    let exit = binding.leak.filter(|_| binding.may_be_a_half)?;
    let check_sending = !binding.allowed.allows(Rule::UnfinishedSender);
    let check_receiving = !binding.allowed.allows(Rule::UndrainedReceiver);
    if !check_sending && !check_receiving {
        return None;
    }
    let ident = &binding.ident;
    let created = ident.span();
    let name = ident.to_string();
    let unfinished = format!(
        "unfinished_sender: `{name}` may reach this point neither finished nor cancelled (nor handed on)"
    );
    let unfinished_label =
        format!("`{name}` is dropped here unfinished: the call is reset, never completed");
    let unfinished_help = format!(
        "help: end `{name}` on every path that returns normally: `{name}.finish()` (a clean \
         half-close) or `{name}.cancel()`; or hand it on (to a task or a helper) to make it theirs"
    );
    let undrained = format!(
        "undrained_receiver: `{name}` may reach this point neither read to its end nor cancelled (nor handed on)"
    );
    let undrained_label =
        format!("`{name}` is dropped here undrained: the call's final status is never read");
    let undrained_help = format!(
        "help: `{name}.finish().await?` reads on to the final status, so a trailing error is not \
         lost; `{name}.cancel()` abandons the call on purpose; or hand it on to make it theirs"
    );
    let unfinished_trait = format_ident!("TonicSessionUnfinished", span = created);
    let undrained_trait = format_ident!("TonicSessionUndrained", span = created);
    let halves = quote_spanned!(created=> ::tonic_session::client);
    let sending = check_sending.then(|| {
        quote_spanned! {created=>
            trait TonicSessionSendingHalf {
                fn tonic_session_cleanup(&self) where Self: #unfinished_trait;
            }
            impl<T> TonicSessionSendingHalf for &::tonic_session::__private::Cleanup<'_, #halves::Sender<T>> {
                fn tonic_session_cleanup(&self) where Self: #unfinished_trait {}
            }
            impl<T, R> TonicSessionSendingHalf for &::tonic_session::__private::Cleanup<'_, #halves::Upload<T, R>> {
                fn tonic_session_cleanup(&self) where Self: #unfinished_trait {}
            }
        }
    });
    let receiving = check_receiving.then(|| {
        quote_spanned! {created=>
            trait TonicSessionReceivingHalf {
                fn tonic_session_cleanup(&self) where Self: #undrained_trait;
            }
            impl<U> TonicSessionReceivingHalf for &::tonic_session::__private::Cleanup<'_, #halves::Receiver<U>> {
                fn tonic_session_cleanup(&self) where Self: #undrained_trait {}
            }
        }
    });
    let check = quote_spanned! {exit=>
        (&&::tonic_session::__private::Cleanup(&#ident)).tonic_session_cleanup()
    };
    let stmt = quote_spanned! {created=>
        #[allow(non_camel_case_types, dead_code)]
        {
            #[diagnostic::on_unimplemented(message = #unfinished, label = #unfinished_label, note = #unfinished_help)]
            trait #unfinished_trait {}
            #[diagnostic::on_unimplemented(message = #undrained, label = #undrained_label, note = #undrained_help)]
            trait #undrained_trait {}
            #sending
            #receiving
            #[allow(unused_imports)]
            use ::tonic_session::__private::NotAHalf as _;
            #check;
        }
    };
    syn::parse2(stmt).ok()
}
