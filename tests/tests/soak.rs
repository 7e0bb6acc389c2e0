//! The fault soak's quick mode (1,000 sessions) as part of the test suite. The seed
//! comes from `TONIC_SESSION_SOAK_SEED` when set, so a failure found elsewhere can
//! be replayed here.

use tonic_session_tests::soak::{self, Config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_faulty_sessions_end_as_their_faults_require() {
    let seed = std::env::var("TONIC_SESSION_SOAK_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(0x5eed);
    let config = Config::quick(seed);
    match soak::run(config).await {
        Ok(summary) => {
            assert!(summary.sessions >= 1_000);
            eprintln!("{summary}");
        }
        Err(failures) => panic!("{failures}"),
    }
}
