//! What the attributes' rule checks ask the compiler: is this value a session half,
//! and of which side? Answered once here, by type, for every check site.
//!
//! A check wraps a value (`RuleCheck(value)`, or `RuleCheckRef(&binding)` where
//! the binding is already made) and calls `tonic_session_kind()`: for a value, an
//! inherent method for each half type, which the compiler prefers to the trait
//! method every other type falls back to ([`NotAHalfKind`]); for a binding, one
//! trait for the halves ([`HalfKindRef`]), one autoref step before that fallback,
//! so a binding whose type is unknown meets one candidate. The result, [`Half`] or
//! [`NotAHalf`], answers `created_here()`: a half through the check's own traits,
//! one per kind, whose method carries the rule's bound on the half's type where a
//! rule applies to that kind, anything else inherently. The value passes through
//! unchanged, moved, never borrowed: a check in a binding's initialiser adds no
//! local, and no borrow, to the body. The cleanup rules' checks, which apply to
//! client halves alone, use the client-only wrappers ([`ClientRuleCheck`],
//! [`ClientRuleCheckRef`]), to which a server half is anything else: such a check
//! declares no trait for server halves.

use std::marker::PhantomData;

use tonic::Request;

use crate::{client, server};

/// A value a rule check looks at, by value (it passes through).
pub struct RuleCheck<V>(pub V);

/// A binding a rule check looks at, by reference.
pub struct RuleCheckRef<'a, T>(pub &'a T);

/// A value a check of the client-only rules looks at (the cleanup rules: a server
/// half is ended by the `Finished` its handler returns): a server half is nothing
/// to it, so the check needs no trait for server halves.
pub struct ClientRuleCheck<V>(pub V);

/// A binding a check of the client-only rules looks at, by reference.
pub struct ClientRuleCheckRef<'a, T>(pub &'a T);

/// A client half that sends (`Sender`, `Upload`).
pub struct ClientSending;
/// A client half that receives (or an upload's pending reply, which holds the
/// call's final status as a receiver does).
pub struct ClientReceiving;
/// A server half that sends.
pub struct ServerSending;
/// A server half that receives (or the request that holds it).
pub struct ServerReceiving;

/// A session half of side `K` and type `H`, carrying the checked value `V` (the half
/// or a reference to it).
pub struct Half<K, H, V>(V, PhantomData<fn() -> (K, H)>);

impl<K, H, V> Half<K, H, V> {
    /// The checked value, passed through.
    pub fn value(self) -> V {
        self.0
    }
}

/// Anything that is not a session half, carrying the checked value.
pub struct NotAHalf<V>(pub V);

impl<V> NotAHalf<V> {
    /// The checked value, passed through: no rule applies to it.
    pub fn created_here(self) -> V {
        self.0
    }
}

/// Every type that is not a half: the fallback the inherent methods below win over.
pub trait NotAHalfKind {
    /// The checked value, marked as not a half.
    type Kind;
    /// Marks the value.
    fn tonic_session_kind(self) -> Self::Kind;
}

/// The fallback of both value wrappers and both binding wrappers.
macro_rules! not_a_half {
    ($($wrapper:ident),*; $($by_ref:ident),*) => {
        $(
            impl<V> NotAHalfKind for $wrapper<V> {
                type Kind = NotAHalf<V>;
                fn tonic_session_kind(self) -> NotAHalf<V> {
                    NotAHalf(self.0)
                }
            }
        )*
        $(
            /// A binding that is not a half (for this check), looked at by
            /// reference: taken one autoref step after [`HalfKindRef`], so only where
            /// no half impl applies.
            impl<'a, T> NotAHalfKind for &$by_ref<'a, T> {
                type Kind = NotAHalf<&'a T>;
                fn tonic_session_kind(self) -> NotAHalf<&'a T> {
                    NotAHalf(self.0)
                }
            }
        )*
    };
}

not_a_half!(RuleCheck, ClientRuleCheck; RuleCheckRef, ClientRuleCheckRef);

/// A binding that is a half, looked at by reference. A trait, not inherent
/// methods: where the binding's type is unknown (an error rustc already reports),
/// its one method is the candidate and rustc adds nothing.
pub trait HalfKindRef {
    /// The half, marked with its side.
    type Kind;
    /// Marks the half.
    fn tonic_session_kind(self) -> Self::Kind;
}

/// The `tonic_session_kind` of a value wrapper and a binding wrapper for one half
/// type.
macro_rules! half_kind {
    ($wrapper:ident, $by_ref:ident, $side:ident, [$($generics:tt)*], $half:ty) => {
        impl<$($generics)*> $wrapper<$half> {
            /// Marks the value as a half of this side.
            pub fn tonic_session_kind(self) -> Half<$side, $half, $half> {
                Half(self.0, PhantomData)
            }
        }

        impl<'a, $($generics)*> HalfKindRef for $by_ref<'a, $half> {
            type Kind = Half<$side, $half, &'a $half>;
            fn tonic_session_kind(self) -> Self::Kind {
                Half(self.0, PhantomData)
            }
        }
    };
}

/// A client half type, seen by both kinds of check.
macro_rules! client_half_kind {
    ($($args:tt)*) => {
        half_kind!(RuleCheck, RuleCheckRef, $($args)*);
        half_kind!(ClientRuleCheck, ClientRuleCheckRef, $($args)*);
    };
}

/// A server half type, seen by the checks of rules that apply to both sides only.
macro_rules! server_half_kind {
    ($($args:tt)*) => {
        half_kind!(RuleCheck, RuleCheckRef, $($args)*);
    };
}

client_half_kind!(ClientSending, [T], client::Sender<T>);
client_half_kind!(ClientSending, [T, R], client::Upload<T, R>);
client_half_kind!(ClientReceiving, [U], client::Receiver<U>);
// An upload's pending reply holds the call's final status as a receiver does.
client_half_kind!(ClientReceiving, [T, R], client::Finishing<T, R>);
server_half_kind!(ServerSending, [T], server::Sender<T>);
server_half_kind!(ServerReceiving, [U], server::Receiver<U>);
server_half_kind!(ServerReceiving, [U], Request<server::Receiver<U>>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_are_told_from_everything_else_and_values_pass_through() {
        let receiving: Half<ClientReceiving, u8, u8> = Half(7, PhantomData);
        assert_eq!(receiving.value(), 7);
        // A value of another type takes the fallback, and comes back unchanged.
        let not_a_half: NotAHalf<String> = RuleCheck(String::from("x")).tonic_session_kind();
        assert_eq!(not_a_half.created_here(), "x");
        let by_ref: NotAHalf<&u32> = RuleCheckRef(&3u32).tonic_session_kind();
        assert_eq!(*by_ref.created_here(), 3);
    }

    #[test]
    fn a_client_only_check_takes_a_server_half_for_anything_else() {
        let outbox = std::sync::Arc::new(crate::outbox::Outbox::new());
        let (stage, _out) = crate::inline_stage::ring();
        let tx = server::Sender::<u8>::new(outbox, stage, Default::default());
        let not_a_half: NotAHalf<server::Sender<u8>> = ClientRuleCheck(tx).tonic_session_kind();
        let tx = not_a_half.created_here();
        let _any: Half<ServerSending, _, _> = RuleCheck(tx).tonic_session_kind();
    }
}
