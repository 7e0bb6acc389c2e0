//! The halves go into spawned tasks. A sending half is also borrowed across awaits
//! there (`tx.closed()` in a `select!`), so it must be `Sync` as well as `Send`.

fn send<T: Send>() {}

fn send_and_sync<T: Send + Sync>() {}

#[test]
fn sending_halves_are_send_and_sync_the_rest_send() {
    send_and_sync::<tonic_session::server::Sender<String>>();
    send_and_sync::<tonic_session::client::Sender<String>>();
    send::<tonic_session::client::Upload<String, String>>();
    send::<tonic_session::server::Receiver<String>>();
    send::<tonic_session::client::Receiver<String>>();
}
