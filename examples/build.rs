//! Compiles `proto/hellopb.proto` and `proto/route_guide.proto` with protox (pure
//! Rust): no `protoc` needed.
//!
//! The greeter twice: as usual, and (server only) with tonic-build's
//! `use_arc_self(true)`, whose handlers take `self: Arc<Self>`; tests and ui-tests
//! use the second form.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let route_guide = protox::compile(["route_guide.proto"], ["proto"])?;
    tonic_prost_build::configure().compile_fds(route_guide)?;
    let descriptors = protox::compile(["hellopb.proto"], ["proto"])?;
    tonic_prost_build::configure().compile_fds(descriptors.clone())?;

    let arc_self = PathBuf::from(std::env::var("OUT_DIR")?).join("arc_self");
    std::fs::create_dir_all(&arc_self)?;
    tonic_prost_build::configure()
        .build_client(false)
        .use_arc_self(true)
        .out_dir(arc_self)
        .compile_fds(descriptors)?;
    Ok(())
}
