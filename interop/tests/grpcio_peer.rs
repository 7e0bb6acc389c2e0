//! The interop suite against Python's grpcio, both ways: the session client's
//! cases against a grpcio `TestService` written from the interop document
//! (`interop/python/interop_peer.py`), and grpcio's client cases against the
//! session server. Stubs come from our protos, by grpcio-tools, at test time.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tonic_session_interop::cases::CASES;
use tonic_session_interop::run::{connect, run_cases, serve};
use tonic_session_tests::python_peer::{grpcio_python, repo_root, run, stdout_of, target_dir};

/// Cases a grpcio server cannot answer as the document asks: its servicer never
/// sees whether a request came compressed, so it cannot refuse the uncompressed
/// probe (gRPC's own Python interop server leaves these out too).
const NOT_FOR_A_GRPCIO_SERVER: [&str; 2] =
    ["client_compressed_unary", "client_compressed_streaming"];

/// What grpcio's client runs against the session server: the streaming, cancel and
/// timeout cases, and the metadata and status ones.
const GRPCIO_CLIENT_CASES: [&str; 16] = [
    "empty_unary",
    "large_unary",
    "client_compressed_unary",
    "client_streaming",
    "client_compressed_streaming",
    "server_streaming",
    "ping_pong",
    "empty_stream",
    "cancel_after_begin",
    "cancel_after_first_response",
    "timeout_on_sleeping_server",
    "custom_metadata",
    "status_code_and_message",
    "special_status_message",
    "unimplemented_method",
    "unimplemented_service",
];

/// Python stubs of the interop protos, under `interop_pb` (as `grpc.testing` they
/// would shadow grpcio's own package): the protos are copied with their imports
/// renamed; package, services and messages stay as they are on the wire.
fn stubs(python: &Path) -> PathBuf {
    let root = target_dir().join("interop-grpcio");
    let protos = root.join("protos");
    let stubs = root.join("stubs");
    std::fs::create_dir_all(protos.join("interop_pb")).expect("protos directory");
    std::fs::create_dir_all(&stubs).expect("stubs directory");
    let source = repo_root().join("interop/proto/grpc/testing");
    let names = ["empty.proto", "messages.proto", "test.proto"];
    for name in names {
        let text = std::fs::read_to_string(source.join(name)).expect("an interop proto");
        let renamed = text.replace("import \"grpc/testing/", "import \"interop_pb/");
        std::fs::write(protos.join("interop_pb").join(name), renamed).expect("write a proto");
    }
    let mut generate = Command::new(python);
    generate
        .args(["-m", "grpc_tools.protoc", "-I"])
        .arg(&protos)
        .arg(format!("--python_out={}", stubs.display()))
        .arg(format!("--grpc_python_out={}", stubs.display()));
    for name in names {
        generate.arg(format!("interop_pb/{name}"));
    }
    run(
        &mut generate,
        "generating Python stubs of the interop protos with grpcio-tools",
    );
    stubs
}

fn peer(python: &Path, stubs: &Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(python);
    command
        .arg(repo_root().join("interop/python/interop_peer.py"))
        .arg("--stubs")
        .arg(stubs)
        .kill_on_drop(true);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_client_cases_pass_against_a_grpcio_server() {
    let Some(python) = grpcio_python("session_client_cases_pass_against_a_grpcio_server") else {
        return;
    };
    let stubs = stubs(python);
    let mut server = peer(python, &stubs)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the grpcio server");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let said = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("the grpcio server said nothing for 20 s")
        .expect("read its output")
        .expect("it ended early");
    let port = said
        .strip_prefix("listening\t")
        .expect("its port")
        .parse::<u16>();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port.expect("a port number")));
    let channel = connect(addr).await.expect("connect to the grpcio server");
    let cases: Vec<_> = CASES
        .iter()
        .filter(|case| !NOT_FOR_A_GRPCIO_SERVER.contains(&case.name))
        .collect();
    let mut report = Vec::new();
    let passed = run_cases(&cases, &channel, |line| report.push(line)).await;
    let _ = server.stdin.take().expect("stdin").shutdown().await;
    assert!(passed, "against grpcio:\n{}", report.join("\n"));
    assert_eq!(report.len(), CASES.len() - NOT_FOR_A_GRPCIO_SERVER.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpcio_client_cases_pass_against_the_session_server() {
    let Some(python) = grpcio_python("grpcio_client_cases_pass_against_the_session_server") else {
        return;
    };
    let stubs = stubs(python);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, async {
        let _ = stopped.await;
    }));
    let mut client = peer(python, &stubs);
    client
        .arg("client")
        .arg(addr.to_string())
        .args(GRPCIO_CLIENT_CASES);
    let said = stdout_of(client, "the grpcio interop client", Duration::from_secs(60)).await;
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), GRPCIO_CLIENT_CASES.len(), "{said}");
    for (line, case) in lines.iter().zip(GRPCIO_CLIENT_CASES) {
        assert_eq!(*line, format!("{case}\tok"), "{said}");
    }
    let _ = stop.send(());
    server.await.expect("server task").expect("served");
}
