//! Every interop case, the session client against the session server, over loopback.

use tokio::net::TcpListener;
use tonic_session_interop::cases::CASES;
use tonic_session_interop::run::{connect, run_cases, select, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_case_passes_session_client_against_session_server() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, async {
        let _ = stopped.await;
    }));
    let channel = connect(addr).await.expect("connect");
    let mut lines = Vec::new();
    let all = select("all").expect("all cases");
    assert_eq!(all.len(), CASES.len());
    let passed = run_cases(&all, &channel, |line| lines.push(line)).await;
    assert!(passed, "{}", lines.join("\n"));
    assert_eq!(lines.len(), CASES.len(), "one line per case");
    let _ = stop.send(());
    server.await.expect("server task").expect("served");
}

#[test]
fn a_case_is_selected_by_its_name_and_unknown_names_are_refused() {
    let one = select("ping_pong").expect("a case");
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].name, "ping_pong");
    let refused = select("pingpong").err().expect("an unknown case");
    assert!(refused.contains("ping_pong"), "{refused}");
}
