//! A session half has one owner (rules `concurrent_send`, `concurrent_recv`): `clone`
//! on a half is a compile error that names the rule, with or without the attributes.
//!
//! Each half has an inherent `clone` (inherent methods win over trait methods) bound
//! on a trait nothing implements, whose `#[diagnostic::on_unimplemented]` message is
//! the rule's. The method exists only to be refused.
//!
//! ```compile_fail,E0277
//! fn share(tx: tonic_session::server::Sender<u32>) {
//!     let _second = tx.clone(); // concurrent_send: ... cannot be cloned
//! }
//! ```

use crate::{client, server};

/// Implemented by no type: the bound that refuses `clone` on a sending half. Its
/// name is what rustc shows of it, so it reads as the rule.
#[diagnostic::on_unimplemented(
    message = "concurrent_send: `{Self}` cannot be cloned: a sending half has one owner",
    label = "a second handle would let two tasks send on one stream at once",
    note = "fix: fan in through one channel (`tokio::sync::mpsc`) to the single task that owns the half"
)]
#[allow(
    non_camel_case_types,
    reason = "rustc names it in the error: it reads as the rule"
)]
pub trait a_sending_half_has_one_owner {
    /// Never called: nothing implements the trait.
    fn duplicate(&self) -> Self;
}

/// Implemented by no type: the bound that refuses `clone` on a receiving half.
#[diagnostic::on_unimplemented(
    message = "concurrent_recv: `{Self}` cannot be cloned: a receiving half has one owner",
    label = "a second handle would let two tasks receive from one stream at once",
    note = "fix: read the half in one task and hand the messages on (a channel per consumer)"
)]
#[allow(
    non_camel_case_types,
    reason = "rustc names it in the error: it reads as the rule"
)]
pub trait a_receiving_half_has_one_owner {
    /// Never called: nothing implements the trait.
    fn duplicate(&self) -> Self;
}

macro_rules! refuse_clone {
    ($rule:ident, [$($generic:ident),*] $half:ty) => {
        impl<$($generic),*> $half {
            /// Refused at compile time: a session half has one owner.
            #[doc(hidden)]
            #[allow(clippy::should_implement_trait)]
            pub fn clone(&self) -> Self
            where
                Self: $rule,
            {
                $rule::duplicate(self)
            }
        }
    };
}

refuse_clone!(a_sending_half_has_one_owner, [T] client::Sender<T>);
refuse_clone!(a_sending_half_has_one_owner, [T, R] client::Upload<T, R>);
refuse_clone!(a_sending_half_has_one_owner, [T] server::Sender<T>);
refuse_clone!(a_receiving_half_has_one_owner, [U] client::Receiver<U>);
refuse_clone!(a_receiving_half_has_one_owner, [U] server::Receiver<U>);
