//! The checker's speed: `cargo tonic-session check` on a generated crate of about
//! 100,000 lines (the checker's corpus, copied module after module), timed in this
//! (release) build; files and lines per second, with quartiles over the samples.

use std::path::Path;
use std::time::Instant;

use crate::build_cost::base_dir;

/// Writes the crate: `copies` modules of each corpus file, under `src/`.
fn generate(root: &Path, lines_wanted: usize) -> Result<(usize, usize), crate::BoxError> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lint/corpus/src");
    let mut files: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(&corpus)?.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "rs") && !path.ends_with("lib.rs") {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            files.push((name, std::fs::read_to_string(&path)?));
        }
    }
    let per_round: usize = files.iter().map(|(_, text)| text.lines().count()).sum();
    let rounds = lines_wanted.div_ceil(per_round.max(1));
    let src = root.join("src");
    std::fs::create_dir_all(&src)?;
    let mut lib = String::new();
    for round in 0..rounds {
        for (name, text) in &files {
            let module = format!("{name}_{round}");
            std::fs::write(src.join(format!("{module}.rs")), text)?;
            lib.push_str(&format!("mod {module};\n"));
        }
    }
    std::fs::write(src.join("lib.rs"), lib)?;
    Ok((rounds * files.len() + 1, rounds * per_round))
}

/// Generates the crate, checks it `samples` times, prints the figures.
pub fn measure(samples: usize) -> Result<(), crate::BoxError> {
    let root = base_dir().join("lint-speed");
    let _ = std::fs::remove_dir_all(&root);
    let (files, lines) = generate(&root, 100_000)?;
    let mut seconds = Vec::new();
    let mut findings = 0;
    for _ in 0..samples.max(1) {
        let started = Instant::now();
        findings = tonic_session_lint::check(&root)?.len();
        seconds.push(started.elapsed().as_secs_f64());
    }
    seconds.sort_by(f64::total_cmp);
    let at = |q: f64| seconds[((seconds.len() - 1) as f64 * q).round() as usize];
    let median = at(0.5);
    println!(
        "cargo tonic-session check: {files} files, {lines} lines, {findings} findings in {median:.3} s \
         ({:.3}-{:.3}); {:.0} files/s, {:.0} lines/s",
        at(0.25),
        at(0.75),
        files as f64 / median,
        lines as f64 / median
    );
    std::fs::remove_dir_all(&root)?;
    Ok(())
}
