//! The fault soak as a program: `soak [--quick | --full] [--seed N] [--sessions N]`.
//!
//! Quick mode (default): 1,000 sessions; full mode: 10,000; `--sessions` any number.
//! Prints the summary line, or every failure and exits with status 1.

use std::process::ExitCode;

use tonic_session_tests::soak::{self, Config};

fn main() -> ExitCode {
    let mut full = false;
    let mut seed = 0x5eed;
    let mut sessions = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--full" => full = true,
            "--quick" => full = false,
            "--seed" => match args.next().and_then(|seed| seed.parse().ok()) {
                Some(value) => seed = value,
                None => return usage("--seed takes a number"),
            },
            "--sessions" => match args.next().and_then(|count| count.parse().ok()) {
                Some(count) => sessions = Some(count),
                None => return usage("--sessions takes a number"),
            },
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    let mut config = if full {
        Config::full(seed)
    } else {
        Config::quick(seed)
    };
    if let Some(sessions) = sessions {
        config.sessions = sessions;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("soak: no runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(soak::run(config)) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(failures) => {
            eprintln!("{failures}");
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("soak: {problem}\nusage: soak [--quick | --full] [--seed N] [--sessions N]");
    ExitCode::FAILURE
}
