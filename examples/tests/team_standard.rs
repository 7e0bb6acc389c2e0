//! The examples are what users copy: no streaming code in them bypasses the
//! sessions, and none of their raw code has a hazard.

#[test]
fn the_examples_follow_the_team_standard() {
    tonic_session_lint::assert_clean(env!("CARGO_MANIFEST_DIR"));
}
