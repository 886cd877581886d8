//! The paths `keel paths` plans for each example: an edge-covering set
//! (every path taken as drivable, so this is the compiler's plan before the
//! runtime synthesises and checks each conversation), as snapshots.

use crate::support::{compile_file, example_policies, relative};
use keel_compiler::machine::paths::{self, PathOptions};

#[test]
fn planned_paths_of_every_example() {
    for policy in example_policies() {
        let compilation = compile_file(&policy);
        let machine = &compilation.machine;
        let plan = paths::plan(
            machine,
            PathOptions {
                all: false,
                limit: 1_000,
            },
            |path| Some((path.to_vec(), path.to_vec())),
        );
        assert_eq!(
            plan.covered.len(),
            paths::policy_transitions(machine).len(),
            "{}: the plan takes every policy transition",
            policy.display()
        );
        let mut report = format!(
            "{} path(s) enumerated{}; {} planned, taking {}/{} transitions\n",
            plan.paths,
            if plan.truncated {
                " (stopped at the limit)"
            } else {
                ""
            },
            plan.chosen.len(),
            plan.covered.len(),
            paths::policy_transitions(machine).len()
        );
        for (index, path) in plan.chosen.iter().enumerate() {
            report.push_str(&format!(
                "{:03}_{} ({} transitions): {}\n",
                index + 1,
                paths::slug(machine, path),
                path.len(),
                paths::describe(machine, path)
            ));
        }
        let name = relative(&policy).replace('/', "__");
        insta::assert_snapshot!(name, report);
    }
}
