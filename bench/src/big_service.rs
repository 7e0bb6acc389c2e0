//! Build cost of a big service: a generated proto of [`METHODS`] streaming methods
//! (server streaming, client streaming and bidi in turn), one impl serving them
//! and one client function calling each in a realistic body (loops, `match`es,
//! early returns, a spawned sending half), written with tonic-session against the
//! same written by hand with raw tonic (spawn + `mpsc` + `ReceiverStream`).
//!
//! The generated protobuf code lives in a crate of its own that both sides depend
//! on, built once, so what is timed is the service and its clients alone: a
//! non-incremental `cargo check` and `cargo build` of each side, alternating, as
//! `build_cost` does for the greeter.

use std::path::Path;

use crate::build_cost::{
    PbCrate, base_dir, cargo_timed, expansion_seconds, median, write_crate_over,
};

/// Streaming methods in the generated service.
pub const METHODS: usize = 40;

/// The three streaming kinds, taken in turn by method number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    ServerStreaming,
    ClientStreaming,
    Bidi,
}

impl Kind {
    /// The kind of method `i`.
    pub fn of(i: usize) -> Kind {
        [Kind::ServerStreaming, Kind::ClientStreaming, Kind::Bidi][i % 3]
    }

    /// The method's name in the proto (`Down3`) and in Rust (`down3`).
    pub(crate) fn names(self, i: usize) -> (String, String) {
        let stem = match self {
            Kind::ServerStreaming => "Down",
            Kind::ClientStreaming => "Up",
            Kind::Bidi => "Chat",
        };
        (format!("{stem}{i}"), format!("{}{i}", stem.to_lowercase()))
    }
}

/// The proto: package `big`, service `Big`, `methods` streaming methods.
pub fn proto(methods: usize) -> String {
    let mut text = String::from(
        "syntax = \"proto3\";\npackage big;\n\n\
         message Item {\n  int64 n = 1;\n  string text = 2;\n}\n\n\
         message Summary {\n  int64 count = 1;\n  int64 total = 2;\n}\n\n\
         service Big {\n",
    );
    for i in 0..methods {
        let (name, _) = Kind::of(i).names(i);
        let (input, output) = match Kind::of(i) {
            Kind::ServerStreaming => ("Item", "stream Item"),
            Kind::ClientStreaming => ("stream Item", "Summary"),
            Kind::Bidi => ("stream Item", "stream Item"),
        };
        text.push_str(&format!("  rpc {name}({input}) returns ({output});\n"));
    }
    text.push_str("}\n");
    text
}

/// Writes the crate holding the generated code of [`proto`] (built by
/// tonic-prost-build and protox, as the example crate is).
fn write_pb_crate(dir: &Path, methods: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::create_dir_all(dir.join("proto"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"big-pb\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n\
         tonic = { version = \"0.14\", default-features = false, features = [\"transport\", \"codegen\", \"router\", \"server\"] }\n\
         tonic-prost = \"0.14\"\nprost = \"0.14\"\n\n\
         [build-dependencies]\n\
         tonic-prost-build = { version = \"0.14\", default-features = false, features = [\"transport\"] }\n\
         protox = \"0.10\"\n\n[workspace]\n",
    )?;
    std::fs::copy(
        crate::repo_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )?;
    std::fs::write(
        dir.join("build.rs"),
        "fn main() -> Result<(), Box<dyn std::error::Error>> {\n    \
         println!(\"cargo:rerun-if-changed=proto\");\n    \
         let descriptors = protox::compile([\"big.proto\"], [\"proto\"])?;\n    \
         tonic_prost_build::configure().compile_fds(descriptors)?;\n    Ok(())\n}\n",
    )?;
    std::fs::write(
        dir.join("src/lib.rs"),
        "pub mod pb {\n    #![allow(clippy::all)]\n    tonic::include_proto!(\"big\");\n}\n",
    )?;
    // Rewritten only when it changes, so the generated code is not rebuilt.
    let path = dir.join("proto/big.proto");
    let text = proto(methods);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// Seconds of each side, for `cargo check` and `cargo build`.
#[derive(Clone, Copy, Debug)]
pub struct BigService {
    pub methods: usize,
    pub samples: usize,
    /// Median seconds of `cargo check`: (session, raw).
    pub check_seconds: (f64, f64),
    /// Median seconds of `cargo build`: (session, raw).
    pub build_seconds: (f64, f64),
    /// Seconds the attributes took to expand the session side (one check).
    pub expansion_seconds: f64,
}

impl BigService {
    /// `cargo check`, session over raw.
    pub fn check_ratio(&self) -> f64 {
        self.check_seconds.0 / self.check_seconds.1
    }

    /// `cargo build`, session over raw.
    pub fn build_ratio(&self) -> f64 {
        self.build_seconds.0 / self.build_seconds.1
    }
}

/// Writes both sides, warms up, then times `samples` checks and builds of each,
/// alternating sides.
pub fn measure(samples: usize) -> Result<BigService, crate::BoxError> {
    let base = base_dir();
    let pb = PbCrate {
        package: "big-pb",
        dir: base.join("big-pb"),
    };
    write_pb_crate(&pb.dir, METHODS)?;
    let session_dir = base.join("big-session");
    let raw_dir = base.join("big-raw");
    write_crate_over(
        &session_dir,
        "big-session",
        &crate::big_sources::session(METHODS),
        &pb,
    )?;
    write_crate_over(&raw_dir, "big-raw", &crate::big_sources::raw(METHODS), &pb)?;
    let target = base.join("target");
    eprintln!("big service: warming up (dependencies and the protobuf crate build once)");
    let mut seconds = [(0.0, 0.0); 2];
    for (at, subcommand) in ["check", "build"].into_iter().enumerate() {
        cargo_timed(subcommand, &session_dir, &target)?;
        cargo_timed(subcommand, &raw_dir, &target)?;
        let (mut session, mut raw) = (Vec::new(), Vec::new());
        for _ in 0..samples.max(1) {
            session.push(cargo_timed(subcommand, &session_dir, &target)?);
            raw.push(cargo_timed(subcommand, &raw_dir, &target)?);
        }
        eprintln!("big service: cargo {subcommand}: session {session:.2?} s, raw {raw:.2?} s");
        seconds[at] = (median(session), median(raw));
    }
    let expansion_seconds = expansion_seconds(&session_dir, "big_session", &target)?;
    Ok(BigService {
        expansion_seconds,
        methods: METHODS,
        samples: samples.max(1),
        check_seconds: seconds[0],
        build_seconds: seconds[1],
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_proto_takes_the_three_kinds_in_turn() {
        let proto = proto(METHODS);
        let rpcs: Vec<&str> = proto.lines().filter(|line| line.contains("rpc ")).collect();
        assert_eq!(rpcs.len(), METHODS);
        let count = |shape: &str| rpcs.iter().filter(|rpc| rpc.contains(shape)).count();
        assert_eq!(count("(Item) returns (stream Item)"), 14);
        assert_eq!(count("(stream Item) returns (Summary)"), 13);
        assert_eq!(count("(stream Item) returns (stream Item)"), 13);
    }

    /// The checker reads both sides as what they claim to be: the session side
    /// clean; the raw side one unannotated service with a detached producer per
    /// server-streaming and bidi handler, and a client function per method.
    #[test]
    fn the_session_side_is_clean_and_the_raw_side_is_raw_tonic_throughout() {
        let dir = std::env::temp_dir().join(format!("big-service-{}", std::process::id()));
        let pb = PbCrate {
            package: "big-pb",
            dir: dir.join("big-pb"),
        };
        let session_dir = dir.join("session");
        let raw_dir = dir.join("raw");
        let session = crate::big_sources::session(METHODS);
        write_crate_over(&session_dir, "big-session", &session, &pb).unwrap();
        write_crate_over(&raw_dir, "big-raw", &crate::big_sources::raw(METHODS), &pb).unwrap();
        let findings = |dir: &Path| {
            let mut rules = BTreeMap::new();
            for finding in tonic_session_lint::check(dir).unwrap() {
                *rules.entry(finding.rule).or_insert(0) += 1;
            }
            rules
        };
        let on_session = findings(&session_dir);
        let on_raw = findings(&raw_dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(on_session, BTreeMap::new());
        let expected = BTreeMap::from([
            ("detached_half", 27),
            ("unannotated_client", METHODS),
            ("unannotated_service", 1),
        ]);
        assert_eq!(on_raw, expected);
        assert_eq!(session.matches("#[tonic_session::client]").count(), METHODS);
    }
}
