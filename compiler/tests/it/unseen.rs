//! Policies written by people who never saw the extraction rules
//! (`tests/data/unseen/`): each as first written (`policy.md`) and as revised
//! by an author following keel's diagnostics (`revised.policy.md`). Their
//! diagnostics and machines are snapshots, so a rule change that reads any of
//! them differently shows up in review.

use crate::support::{compile_file, diagnostic_lines, root};

#[test]
fn unseen_policies() {
    let folder = root().join("compiler/tests/data/unseen");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("unseen folder")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        for file in ["policy.md", "revised.policy.md"] {
            let path = folder.join(&name).join(file);
            if !path.exists() {
                continue;
            }
            let compilation = compile_file(&path);
            let mut report = diagnostic_lines(&compilation).join("\n");
            if file == "revised.policy.md" {
                report.push_str("\n\n");
                report.push_str(&compilation.machine.dump());
            }
            insta::assert_snapshot!(format!("{name}.{file}"), report);
        }
    }
}
