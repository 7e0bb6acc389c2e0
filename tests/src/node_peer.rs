//! The grpc-js peer (`tests/node/peer.js`): finding Node.js, installing
//! `@grpc/grpc-js` (`tests/node/setup-node.sh`, which `.ci/run` also calls), and
//! the peer run as a client.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use crate::python_peer::{repo_root, run, stdout_of, target_dir};

/// A ready peer: Node.js and the installed packages.
#[derive(Debug)]
pub struct NodePeer {
    node: String,
    modules: PathBuf,
}

/// Node.js: `TONIC_SESSION_NODE`, or `node` on the PATH; `None` when there is none.
fn base_node() -> Option<String> {
    let node = std::env::var("TONIC_SESSION_NODE").unwrap_or_else(|_| "node".into());
    let version = Command::new(&node).arg("--version").output().ok()?;
    version.status.success().then_some(node)
}

fn set_up(node: String) -> NodePeer {
    let dir = target_dir().join("grpcjs-node");
    run(
        Command::new("bash")
            .arg(repo_root().join("tests/node/setup-node.sh"))
            .arg(&dir),
        "installing @grpc/grpc-js with npm (tests/node/setup-node.sh; needs the npm registry)",
    );
    NodePeer {
        node,
        modules: dir.join("node_modules"),
    }
}

/// The peer, set up once per test process. `None` only when this machine has no
/// Node.js: then the caller skips, and this says so on stderr. With Node.js present,
/// a failed set-up is a test failure.
pub fn node_peer(test: &str) -> Option<&'static NodePeer> {
    static PEER: OnceLock<Option<NodePeer>> = OnceLock::new();
    let peer = PEER.get_or_init(|| base_node().map(set_up));
    if peer.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: the grpc-js peer needs Node.js (node on the PATH, or \
             TONIC_SESSION_NODE); none found on this machine"
        );
    }
    peer.as_ref()
}

/// How long one run of the peer may take before the test fails.
const RUN: Duration = Duration::from_secs(60);

impl NodePeer {
    /// Runs `count` calls of `scenario` (see `tests/node/peer.js`) against `target`;
    /// the status code grpc-js reported for each.
    pub async fn client(&self, target: SocketAddr, scenario: &str, count: usize) -> Vec<i32> {
        let mut command = tokio::process::Command::new(&self.node);
        command
            .arg(repo_root().join("tests/node/peer.js"))
            .args([&target.to_string(), scenario, &count.to_string()])
            .env("NODE_PATH", &self.modules);
        let what = format!("the grpc-js client ({scenario})");
        stdout_of(command, &what, RUN)
            .await
            .lines()
            .filter_map(
                |line| match line.split('\t').collect::<Vec<_>>().as_slice() {
                    ["call", _, code] => code.parse().ok(),
                    _ => None,
                },
            )
            .collect()
    }
}
