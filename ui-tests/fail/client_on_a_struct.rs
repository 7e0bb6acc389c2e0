//! The client attribute goes on functions and impl blocks.
#[tonic_session::client]
struct Greeter;

fn main() {}
