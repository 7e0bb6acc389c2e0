//! The proof of a half-close, thrown away: its note says what to keep, and that the
//! responses still come through the receiving half.
#![deny(unused_must_use)]
use tonic_session::client::Sender;

fn half_close(tx: Sender<u32>) {
    tx.finish();
}

fn main() {
    let _ = half_close;
}
