//! Every example compiles with zero errors; its machine listing and Mermaid
//! graph are snapshots, so examples never go stale.

use crate::support::{compile_file, diagnostic_lines, example_policies, relative};
use keel_compiler::emit;

#[test]
fn examples_compile_without_errors() {
    let policies = example_policies();
    assert!(policies.len() >= 4, "{policies:?}");
    for policy in policies {
        let compilation = compile_file(&policy);
        let errors: Vec<String> = diagnostic_lines(&compilation)
            .into_iter()
            .filter(|line| line.starts_with("error"))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", relative(&policy));
    }
}

#[test]
fn example_listings_and_graphs() {
    for policy in example_policies() {
        let compilation = compile_file(&policy);
        let name = policy
            .parent()
            .and_then(|folder| folder.file_name())
            .map(|name| name.to_string_lossy().to_string())
            .unwrap_or_default();
        insta::assert_snapshot!(format!("{name}.listing"), compilation.machine.dump());
        insta::assert_snapshot!(
            format!("{name}.mermaid"),
            emit::mermaid(&compilation.machine)
        );
    }
}

#[test]
fn compiling_twice_gives_identical_bytes() {
    for policy in example_policies() {
        let first = emit::artifact::to_json(&compile_file(&policy).artifact());
        let second = emit::artifact::to_json(&compile_file(&policy).artifact());
        assert_eq!(first, second, "{}", relative(&policy));
        assert!(first.contains("\"hash\""));
    }
}

#[test]
fn shopify_statuses_are_labelled_branches_to_their_messages() {
    let policy = crate::support::root().join("examples/shopify_wismo/policy.md");
    let compilation = compile_file(&policy);
    let machine = &compilation.machine;
    let statuses = [
        "Approved",
        "Processing",
        "Pending Shipment",
        "Shipped",
        "In transit",
        "Delivered",
        "Canceled",
    ];
    let matcher = machine
        .states()
        .find(|(_, state)| matches!(state.kind, keel_compiler::machine::StateKind::Match { .. }))
        .map(|(id, _)| id)
        .expect("the status match");
    for status in statuses {
        let (_, _, target) = machine
            .transitions_from(matcher)
            .into_iter()
            .find(|(_, transition, _)| {
                transition.label == keel_compiler::machine::Label::Case(vec![status.to_string()])
            })
            .unwrap_or_else(|| panic!("no edge for {status}"));
        let kind = machine.state(target).kind.name();
        assert!(kind == "say" || kind == "call", "{status} leads to {kind}");
    }
    let mermaid = emit::mermaid(machine);
    for status in statuses {
        assert!(
            mermaid.contains(&format!("-->|\"{status}\"|")),
            "{status} missing from Mermaid"
        );
    }
}

#[test]
fn svg_has_one_element_per_state_with_its_policy_lines() {
    for policy in example_policies() {
        let compilation = compile_file(&policy);
        let svg = emit::svg(&compilation.machine, &compilation.sources);
        assert_eq!(
            svg,
            emit::svg(&compilation.machine, &compilation.sources),
            "deterministic"
        );
        let states = svg.matches("<g class=\"state ").count();
        assert_eq!(
            states,
            compilation.machine.state_count(),
            "{}",
            relative(&policy)
        );
        let with_lines =
            svg.matches("data-lines=\"").count() - svg.matches("data-lines=\"\"").count();
        let with_origin = compilation
            .machine
            .states()
            .filter(|(_, state)| state.origin.is_some())
            .count();
        assert_eq!(
            with_lines, with_origin,
            "every state from the text points at its lines"
        );
    }
}
