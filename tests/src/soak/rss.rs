//! Resident memory of this process, from `/proc/self/status` (Linux).

/// Resident set size in bytes, or `None` where `/proc` does not say.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_has_a_resident_size() {
        let bytes = super::resident_bytes().expect("VmRSS");
        assert!(bytes > 1024 * 1024, "{bytes}");
    }
}
