//! trybuild suite lives in tests/ui.rs.
