//! Blind batches' scenarios (`compiler/tests/data/blind/<batch>/<policy>/
//! scenarios/`): for every text of a blind policy that compiles with no
//! error, `keel test` runs its scenarios (tool calls and outcomes, never
//! message wording). Which pass and which fail is a snapshot: a scenario
//! that fails on a policy that compiles is a silent misread.

use crate::{Run, arg, keel, root, scratch, text};

#[test]
fn blind_scenarios() {
    let folder = root().join("compiler/tests/data/blind");
    let mut report = String::new();
    let mut batches: Vec<_> = std::fs::read_dir(&folder)
        .expect("blind folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir())
        .collect();
    batches.sort();
    for batch in batches {
        let mut policies: Vec<_> = std::fs::read_dir(&batch)
            .expect("batch folder")
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.join("scenarios").is_dir())
            .collect();
        policies.sort();
        for policy in policies {
            for file in ["policy.md", "revised.policy.md"] {
                if !policy.join(file).exists() {
                    continue;
                }
                let name = format!(
                    "{}/{}/{file}",
                    batch.file_name().unwrap_or_default().to_string_lossy(),
                    policy.file_name().unwrap_or_default().to_string_lossy()
                );
                // `keel test` reads FOLDER/policy.md: each text gets a copy.
                let copy = scratch(&format!("blind-{}", name.replace('/', "-")));
                for entry in std::fs::read_dir(&policy).expect("policy folder").flatten() {
                    let path = entry.path();
                    if path.is_file() && entry.file_name() != "policy.md" {
                        std::fs::copy(&path, copy.join(entry.file_name())).expect("copy");
                    }
                }
                std::fs::copy(policy.join(file), copy.join("policy.md")).expect("copy");
                let check =
                    keel(&["check", "--format", "short", arg(&copy.join("policy.md"))]).run();
                if !check.status.success() {
                    report.push_str(&format!("{name}: does not compile\n"));
                    continue;
                }
                let scenarios = policy.join("scenarios");
                let run = keel(&[
                    "test",
                    arg(&copy),
                    "--conversations",
                    arg(&scenarios),
                    "--min-coverage",
                    "0",
                ])
                .run();
                let output = text(&run.stdout);
                let passed = output
                    .lines()
                    .filter(|line| line.starts_with("  ok "))
                    .count();
                let failed: Vec<&str> = output
                    .lines()
                    .filter_map(|line| line.strip_prefix("  FAIL "))
                    .collect();
                report.push_str(&format!(
                    "{name}: {passed}/{} scenarios pass\n",
                    passed + failed.len()
                ));
                for scenario in failed {
                    report.push_str(&format!("  FAIL {scenario}\n"));
                }
            }
        }
    }
    insta::assert_snapshot!(report);
}
