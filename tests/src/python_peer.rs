//! The grpcio peer (`tests/python/peer.py`): finding Python, its virtual environment
//! (`tests/python/setup-venv.sh`, which `.ci/run` also calls), stubs generated from
//! the example proto by grpcio-tools, and the peer run as a client or a server.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

/// A ready peer: the virtual environment's Python and the generated stubs.
#[derive(Debug)]
pub struct Peer {
    python: PathBuf,
    stubs: PathBuf,
}

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

/// Cargo's target folder, where the peers are installed.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// The Python 3 to build the environment with: `TONIC_SESSION_PYTHON`, or
/// `python3` on the PATH; `None` when there is none.
fn base_python() -> Option<String> {
    let python = std::env::var("TONIC_SESSION_PYTHON").unwrap_or_else(|_| "python3".into());
    let version = Command::new(&python).arg("--version").output().ok()?;
    let said = String::from_utf8_lossy(&version.stdout);
    (version.status.success() && said.starts_with("Python 3")).then_some(python)
}

/// Runs a set-up command; a failure is a test failure, with its output.
pub fn run(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Creates (or reuses) the virtual environment with grpcio; its Python.
fn venv_with_grpcio(python: &str) -> PathBuf {
    let venv = target_dir().join("grpcio-venv");
    run(
        Command::new("bash")
            .arg(repo_root().join("tests/python/setup-venv.sh"))
            .arg(&venv)
            .arg(python),
        "installing grpcio into a virtual environment (tests/python/setup-venv.sh; needs PyPI)",
    );
    venv.join("bin/python")
}

/// The Python of the grpcio virtual environment, set up once per test process, for
/// peers of other protos (the interop suite's). `None` only when this machine has
/// no Python 3; then `test` is reported as skipped on stderr.
pub fn grpcio_python(test: &str) -> Option<&'static Path> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    let python = PYTHON.get_or_init(|| base_python().map(|python| venv_with_grpcio(&python)));
    if python.is_none() {
        say_skipped(test);
    }
    python.as_deref()
}

fn set_up(python: &str) -> Peer {
    let python = venv_with_grpcio(python);
    // Generated afresh by every test process, from the proto as it is now.
    let stubs = target_dir().join("grpcio-stubs");
    std::fs::create_dir_all(&stubs).expect("stubs directory");
    let protos = repo_root().join("examples/proto");
    run(
        Command::new(&python)
            .args(["-m", "grpc_tools.protoc", "-I"])
            .arg(&protos)
            .arg(format!("--python_out={}", stubs.display()))
            .arg(format!("--grpc_python_out={}", stubs.display()))
            .arg("hellopb.proto"),
        "generating Python stubs from examples/proto/hellopb.proto with grpcio-tools",
    );
    Peer { python, stubs }
}

/// The peer, set up once per test process. `None` only when this machine has no
/// Python 3: then the caller skips, and this says so on stderr (not captured by
/// the test harness, so the skip is never silent). With Python present, a failed
/// set-up is a test failure.
pub fn peer(test: &str) -> Option<&'static Peer> {
    static PEER: OnceLock<Option<Peer>> = OnceLock::new();
    let peer = PEER.get_or_init(|| base_python().map(|python| set_up(&python)));
    if peer.is_none() {
        say_skipped(test);
    }
    peer.as_ref()
}

/// Says on stderr (not captured by the test harness) that `test` is skipped.
fn say_skipped(test: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: the grpcio peer needs Python 3 (python3 on the PATH, or \
         TONIC_SESSION_PYTHON); none found on this machine"
    );
}

/// How long the peer may take for one step before the test fails.
const STEP: Duration = Duration::from_secs(20);

impl Peer {
    fn command(&self) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.python);
        command
            .arg(repo_root().join("tests/python/peer.py"))
            .arg("--stubs")
            .arg(&self.stubs)
            .kill_on_drop(true);
        command
    }

    /// Runs the peer as a client of `target`; the lines it printed, split at tabs.
    pub async fn client(&self, target: SocketAddr, scenario: &str) -> Vec<Vec<String>> {
        let mut command = self.command();
        command.args(["client", &target.to_string(), scenario]);
        let what = format!("the grpcio client ({scenario})");
        stdout_of(command, &what, STEP)
            .await
            .lines()
            .map(|line| line.split('\t').map(str::to_owned).collect())
            .collect()
    }

    /// Starts the peer as a server on a free loopback port.
    pub async fn server(&self) -> PeerServer {
        let mut child = self
            .command()
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the grpcio server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut server = PeerServer {
            child,
            lines: BufReader::new(stdout).lines(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let listening = server.next_line().await;
        match listening.as_slice() {
            [said, port] if said == "listening" => {
                server.addr.set_port(port.parse().expect("a port number"));
            }
            other => panic!("the grpcio server said {other:?} instead of its port"),
        }
        server
    }
}

/// Runs a peer's client process to its end, within `limit`; what it printed. A
/// failure (it could not start, took too long, or exited unsuccessfully) is a test
/// failure, with its output.
pub async fn stdout_of(
    mut command: tokio::process::Command,
    what: &str,
    limit: Duration,
) -> String {
    let run = command.kill_on_drop(true).output();
    let output = tokio::time::timeout(limit, run)
        .await
        .unwrap_or_else(|_| panic!("{what} took over {limit:?}"))
        .unwrap_or_else(|err| panic!("{what} did not start: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A running grpcio server; dropping it stops the process.
pub struct PeerServer {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl PeerServer {
    async fn next_line(&mut self) -> Vec<String> {
        let line = tokio::time::timeout(STEP, self.lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("the grpcio server said nothing for {STEP:?}"))
            .expect("read the grpcio server's output")
            .expect("the grpcio server ended early");
        line.split('\t').map(str::to_owned).collect()
    }

    /// The next `observed` line about `rpc`: how the servicer saw the call end
    /// (`complete`, `inactive`, `closed`, `aborted`, or `raised:<error>`) and how
    /// many messages it got.
    pub async fn observed(&mut self, rpc: &str) -> (String, u32) {
        loop {
            if let [said, about, end, count] = self.next_line().await.as_slice()
                && said == "observed"
                && about == rpc
            {
                return (end.clone(), count.parse().expect("a count"));
            }
        }
    }
}

impl Drop for PeerServer {
    fn drop(&mut self) {
        // Closing its standard input stops the server; the kill is the backstop.
        drop(self.child.stdin.take());
        let _ = self.child.start_kill();
    }
}
