//! The compile-time contract: what `tonic-session` rejects (`fail/`, each with its
//! reviewed `.stderr`) and what it accepts (`pass/`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*.rs");
}
