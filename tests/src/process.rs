//! This process's resident memory and CPU time, from `/proc/self` (Linux).

use std::time::Duration;

/// Resident set size in bytes, or `None` where `/proc` does not say.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// CPU time this process has used (user and system), or `None` where `/proc`
/// does not say. In clock ticks of 10 ms, as Linux counts them for `/proc`.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces: the fields start after its `)`.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_has_a_resident_size() {
        let bytes = super::resident_bytes().expect("VmRSS");
        assert!(bytes > 1024 * 1024, "{bytes}");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn spinning_shows_in_cpu_time() {
        let before = super::cpu_time().expect("stat");
        let until = std::time::Instant::now() + std::time::Duration::from_millis(200);
        let mut spins = 0u64;
        while std::time::Instant::now() < until {
            spins = std::hint::black_box(spins + 1);
        }
        let used = super::cpu_time().expect("stat") - before;
        assert!(
            used >= std::time::Duration::from_millis(100),
            "{used:?} after {spins} spins"
        );
    }
}
