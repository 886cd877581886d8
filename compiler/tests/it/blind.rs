//! Blind batches (`tests/data/blind/<batch>/<policy>/`): policies written by
//! people who had not seen the extraction rules, as first written
//! (`policy.md`) and after one revision guided by keel's hints
//! (`revised.policy.md`). Their diagnostics and machines are snapshots, so a
//! rule change that reads any of them differently shows up in review; their
//! scenarios run in the root test binary (`tests/it/blind.rs`).

use crate::support::{compile_file, diagnostic_lines, root};

#[test]
fn blind_batches() {
    let folder = root().join("compiler/tests/data/blind");
    let mut batches: Vec<_> = std::fs::read_dir(&folder)
        .expect("blind folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    batches.sort();
    assert!(!batches.is_empty());
    for batch in batches {
        let mut policies: Vec<_> = std::fs::read_dir(&batch)
            .expect("batch folder")
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.join("policy.md").exists())
            .collect();
        policies.sort();
        assert!(policies.len() >= 6, "{}", batch.display());
        let batch_name = batch.file_name().unwrap_or_default().to_string_lossy();
        for policy in policies {
            let name = policy.file_name().unwrap_or_default().to_string_lossy();
            for file in ["policy.md", "revised.policy.md"] {
                let path = policy.join(file);
                if !path.exists() {
                    continue;
                }
                let compilation = compile_file(&path);
                let mut report = diagnostic_lines(&compilation).join("\n");
                report.push_str("\n\n");
                report.push_str(&compilation.machine.dump());
                insta::assert_snapshot!(format!("{batch_name}.{name}.{file}"), report);
            }
        }
    }
}
