//! The corpus (`lint/corpus/`): the checker must report exactly the lines marked
//! `//~ rule`, and nothing in the files without a mark.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tonic_session_lint::check;

type Expected = BTreeMap<(PathBuf, usize), Vec<String>>;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every `//~ rule` mark of the corpus, by file and line.
fn marks(dir: &Path, root: &Path, expected: &mut Expected, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("corpus folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            marks(&path, root, expected, files);
            continue;
        }
        let file = path
            .strip_prefix(root)
            .expect("under the corpus")
            .to_path_buf();
        let text = std::fs::read_to_string(&path).expect("a corpus file");
        for (index, line) in text.lines().enumerate() {
            if let Some((_, rule)) = line.split_once("//~ ") {
                let key = (file.clone(), index + 1);
                expected
                    .entry(key)
                    .or_default()
                    .push(rule.trim().to_owned());
            }
        }
        files.push(file);
    }
}

#[test]
fn the_checker_reports_exactly_the_marked_lines() {
    let root = corpus();
    let mut expected = Expected::new();
    let mut files = Vec::new();
    marks(&root.join("src"), &root, &mut expected, &mut files);
    let mut found = Expected::new();
    for finding in check(&root).expect("the corpus is checked") {
        let key = (finding.file.clone(), finding.line);
        found.entry(key).or_default().push(finding.rule.to_owned());
    }
    expected.values_mut().for_each(|rules| rules.sort());
    found.values_mut().for_each(|rules| rules.sort());
    let missing: Vec<_> = expected
        .iter()
        .filter(|(key, rules)| found.get(*key) != Some(*rules))
        .collect();
    let extra: Vec<_> = found
        .iter()
        .filter(|(key, rules)| expected.get(*key) != Some(*rules))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing or wrong: {missing:#?}\nextra: {extra:#?}"
    );

    let findings: usize = expected.values().map(Vec::len).sum();
    let with: std::collections::BTreeSet<&PathBuf> =
        expected.keys().map(|(file, _)| file).collect();
    let clean = files
        .iter()
        .filter(|file| !with.contains(file) && !file.ends_with("lib.rs"))
        .count();
    println!(
        "corpus: {findings} findings in {} files, {clean} clean files",
        with.len()
    );
    assert!(findings >= 40, "only {findings} marked findings");
    assert!(with.len() >= 15, "only {} files with findings", with.len());
    assert!(clean >= 10, "only {clean} clean files");
}
