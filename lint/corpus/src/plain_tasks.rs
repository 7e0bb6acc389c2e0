//! Clean: spawned tasks and forgotten values that have nothing to do with gRPC.
pub fn start(config: Config) {
    tokio::spawn(async move { housekeeping(config).await });
    let guard = Guard::new();
    std::mem::forget(guard);
}
