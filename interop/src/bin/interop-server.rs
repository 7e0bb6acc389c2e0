//! The interop server: `interop-server --port 10000 [--use_tls=false]`.

use std::process::ExitCode;

use tonic_session_interop::flags::Flags;

#[tokio::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("interop-server: {why}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), String> {
    let flags = Flags::parse(std::env::args().skip(1), &["port", "use_tls"])?;
    flags.refuse_tls()?;
    let port: u16 = flags
        .get("port", "10000")
        .parse()
        .map_err(|err| format!("--port: {err}"))?;
    let listener = tokio::net::TcpListener::bind(("0.0.0.0", port))
        .await
        .map_err(|err| format!("bind port {port}: {err}"))?;
    println!("interop-server: serving grpc.testing.TestService on port {port}");
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    tonic_session_interop::run::serve(listener, stop)
        .await
        .map_err(|err| err.to_string())
}
