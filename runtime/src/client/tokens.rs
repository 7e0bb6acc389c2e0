//! Proofs that a client half was ended deliberately.

/// Proof that a request stream was half-closed after its last message
/// ([`Sender::finish`](super::Sender::finish)).
#[must_use = "keep the proof that the request stream was half-closed on purpose: \
              `let _half_closed = tx.finish();`; the responses still come through the receiver"]
#[derive(Debug)]
pub struct HalfClosed {
    pub(crate) _private: (),
}

/// Proof that a call was cancelled on purpose (a `cancel` method): the server saw
/// an aborted RPC, and nothing more will come of it.
#[must_use]
#[derive(Debug)]
pub struct Cancelled {
    pub(crate) _private: (),
}
