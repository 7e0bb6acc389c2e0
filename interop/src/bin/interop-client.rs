//! The interop client: `interop-client --server_host localhost --server_port 10000
//! --test_case all [--use_tls=false]`. One line per case; exit status 0 only if
//! every case asked for passed.

use std::net::ToSocketAddrs;
use std::process::ExitCode;

use tonic_session_interop::flags::Flags;
use tonic_session_interop::run::{connect, run_cases, select};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(why) => {
            eprintln!("interop-client: {why}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<bool, String> {
    let known = [
        "server_host",
        "server_port",
        "test_case",
        "use_tls",
        "server_host_override",
    ];
    let flags = Flags::parse(std::env::args().skip(1), &known)?;
    flags.refuse_tls()?;
    let host = flags.get("server_host", "localhost");
    let port: u16 = flags
        .get("server_port", "10000")
        .parse()
        .map_err(|err| format!("--server_port: {err}"))?;
    let cases = select(flags.get("test_case", "all"))?;
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|err| format!("{host}:{port}: {err}"))?
        .next()
        .ok_or_else(|| format!("{host}:{port}: no address"))?;
    let channel = connect(addr)
        .await
        .map_err(|err| format!("connect to {addr}: {err}"))?;
    Ok(run_cases(&cases, &channel, |line| println!("{line}")).await)
}
