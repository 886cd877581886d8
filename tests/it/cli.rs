//! Golden tests of the compiler commands: exit codes, diagnostics formats,
//! byte-identical outputs.

use crate::{Run, SEED_EXAMPLES, keel, scratch, text};

fn policy(example: &str) -> String {
    format!("examples/{example}/policy.md")
}

#[test]
fn check_passes_on_every_example() {
    let policies: Vec<String> = SEED_EXAMPLES.iter().map(|name| policy(name)).collect();
    let output = keel(&["check"]).args(&policies).run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!(text(&output.stderr));
}

#[test]
fn check_states_what_it_proved_about_destructive_calls() {
    let output = keel(&["check", "taubench/policy/policy.md"]).run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!("check_taubench", text(&output.stderr));
    // A record looked up by a number the customer typed is not proved theirs.
    let output = keel(&[
        "check",
        "--format",
        "json",
        "compiler/tests/data/verify/err_unowned_record.policy.md",
    ])
    .run();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    insta::assert_snapshot!(
        "check_unowned_record_summary",
        serde_json::to_string_pretty(&json["summary"]).expect("JSON")
    );
}

#[test]
fn check_lists_a_destructive_tool_it_finds_unreachable_as_a_warning() {
    // compiler/tests/data/verify/err_unreachable_cancellation.policy.md
    // with front matter instead of the test header.
    let output = keel(&[
        "check",
        "--format",
        "short",
        "tests/data/cli/unreachable_cancellation.policy.md",
    ])
    .run();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("@cancel_order: warning: keel finds no path from the start"),
        "{stderr}"
    );
    insta::assert_snapshot!(stderr);
    let output = keel(&[
        "check",
        "--format",
        "json",
        "tests/data/cli/unreachable_cancellation.policy.md",
    ])
    .run();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    insta::assert_snapshot!(
        "check_unreachable_summary",
        serde_json::to_string_pretty(&json["summary"]).expect("JSON")
    );
}

#[test]
fn policies_checked_together_reference_each_other() {
    // README: policies given together may reference each other with `#Name`;
    // `keel check` checks each as the entry in turn, the others beside it.
    let output = keel(&[
        "check",
        "--format",
        "short",
        "tests/data/cli/together/lookup.policy.md",
        "tests/data/cli/together/manual_check.policy.md",
    ])
    .run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    // Alone, the reference has nothing to point at.
    let alone = keel(&[
        "check",
        "--format",
        "short",
        "tests/data/cli/together/lookup.policy.md",
    ])
    .run();
    assert_eq!(alone.status.code(), Some(1));
    assert!(
        text(&alone.stderr).contains("K0105"),
        "{}",
        text(&alone.stderr)
    );
}

#[test]
fn policies_of_different_catalogs_checked_together_reference_each_other() {
    // A Shopify returns policy sends to a Magento cancellation policy; both
    // catalogs declare `Order`, differently (compiler/tests/data/compose).
    let folder = "compiler/tests/data/compose/ok_returns_to_cancellation";
    let output = keel(&[
        "check",
        "--format",
        "short",
        &format!("{folder}/shopify_returns/policy.md"),
        &format!("{folder}/magento_cancellation/policy.md"),
    ])
    .run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!("check_two_catalogs_together", text(&output.stderr));
}

#[test]
fn check_reports_every_problem_with_source_line_and_hint() {
    let output = keel(&["check", "tests/data/cli/typo.policy.md"]).run();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(text(&output.stderr));
}

#[test]
fn check_json_follows_the_documented_shape() {
    let output = keel(&["check", "--format", "json", "tests/data/cli/typo.policy.md"]).run();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    insta::assert_snapshot!(serde_json::to_string_pretty(&json).expect("JSON"));
}

#[test]
fn compile_is_byte_identical_across_runs() {
    let directory = scratch("compile_twice");
    for example in SEED_EXAMPLES {
        let mut outputs = Vec::new();
        for run in 0..2 {
            let path = directory.join(format!("machine-{run}.json"));
            let output = keel(&["compile", &policy(example), "-o", crate::arg(&path)]).run();
            assert!(output.status.success(), "{}", text(&output.stderr));
            outputs.push(std::fs::read(&path).expect("written"));
        }
        assert_eq!(outputs[0], outputs[1], "{example}");
        let json: serde_json::Value = serde_json::from_slice(&outputs[0]).expect("JSON");
        let state = &json["states"][0];
        assert!(state["source"]["step"].is_string(), "{state}");
        assert!(state["source"]["line"].is_number(), "{state}");
    }
}

#[test]
fn graph_formats() {
    let mermaid = keel(&["graph", "--format", "mermaid", &policy("shopify_wismo")]).run();
    assert!(mermaid.status.success());
    insta::assert_snapshot!("graph_shopify_mermaid", text(&mermaid.stdout));
    let dot = keel(&[
        "graph",
        "--format",
        "dot",
        &policy("magento_cancel_retention"),
    ])
    .run();
    assert!(dot.status.success());
    insta::assert_snapshot!("graph_magento_dot", text(&dot.stdout));
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let output = keel(&["check", "examples/nope/policy.md"]).run();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(text(&output.stderr), @"error: cannot read examples/nope/policy.md: No such file or directory (os error 2)");
}

#[test]
fn diff_fails_when_a_confirmation_is_removed() {
    let base = "compiler/tests/data/diff/base/policy.md";
    let unsafe_change = keel(&[
        "diff",
        base,
        "compiler/tests/data/diff/no_confirmation/policy.md",
    ])
    .run();
    assert_eq!(unsafe_change.status.code(), Some(1));
    insta::assert_snapshot!("diff_no_confirmation", text(&unsafe_change.stdout));
    let reworded = keel(&[
        "diff",
        base,
        "compiler/tests/data/diff/reworded/policy.md",
        "--format",
        "json",
    ])
    .run();
    assert_eq!(reworded.status.code(), Some(0));
    insta::assert_snapshot!("diff_reworded_json", text(&reworded.stdout));
    let page = keel(&[
        "diff",
        base,
        "compiler/tests/data/diff/no_confirmation/policy.md",
        "--format",
        "html",
    ])
    .run();
    assert_eq!(page.status.code(), Some(1));
    insta::assert_snapshot!("diff_no_confirmation_html", text(&page.stdout));
}

#[test]
fn graph_html_is_one_self_contained_page() {
    let output = keel(&[
        "graph",
        "--format",
        "html",
        &policy("single_order_cancellation"),
    ])
    .run();
    assert!(output.status.success());
    let page = text(&output.stdout);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        !page.contains("<script src") && !page.contains("<link "),
        "no external resources"
    );
    assert!(
        page.contains("class=\"state kind-call destructive\""),
        "the destructive call is marked"
    );
}

#[test]
fn check_refuses_a_catalog_that_weakens_its_adapters_effect() {
    // The scenario: the cancellation example with its cancel tool
    // declared `read`, which would have run with no confirmation.
    let folder = scratch("weakened-effect");
    let example = crate::root().join("examples/single_order_cancellation");
    let policy = std::fs::read_to_string(example.join("policy.md")).expect("policy");
    let catalog = std::fs::read_to_string(example.join("catalog.toml")).expect("catalog");
    let weakened = catalog.replace(
        "effect = \"destructive\"\ncustomer_data = true\nadapter = \"magento.cancel\"",
        "effect = \"read\"\ncustomer_data = true\nadapter = \"magento.cancel\"",
    );
    assert_ne!(weakened, catalog, "the example's cancel tool moved");
    std::fs::write(folder.join("policy.md"), policy).expect("write");
    std::fs::write(folder.join("catalog.toml"), weakened).expect("write");
    let path = folder.join("policy.md");
    let output = keel(&["check", crate::arg(&path)]).run();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    // K0122, at the catalog's place.
    insta::assert_snapshot!(text(&output.stderr).replace(crate::arg(&folder), "FOLDER"));
}

#[path = "../../compiler/tests/it/large_inputs.rs"]
mod large_inputs; // Issue 12's three large policies, generated.

#[test]
fn check_of_the_large_policies_finishes_without_overflowing() {
    // Issue 12: these overflowed the stack of `keel serve`'s workers; the CLI
    // runs them on its main thread (8 MiB), but no stage may need more
    // than a worker's 2 MiB either (`compiler/tests/it/size.rs`).
    let folder = scratch("large-policies");
    std::fs::write(
        folder.join("catalog.toml"),
        std::fs::read_to_string(
            crate::root().join("examples/single_order_cancellation/catalog.toml"),
        )
        .expect("catalog"),
    )
    .expect("write");
    for (name, policy, clean) in [
        ("long.md", large_inputs::long_steps(), true),
        ("short.md", large_inputs::short_steps(), false),
        ("sub.md", large_inputs::sub_bullets(), true),
    ] {
        let path = folder.join(name);
        std::fs::write(&path, policy).expect("write");
        let output = keel(&["check", crate::arg(&path)]).run();
        let stderr = text(&output.stderr);
        let summary = stderr
            .lines()
            .find(|line| line.starts_with("Big: "))
            .unwrap_or_default();
        assert_eq!(
            output.status.code(),
            Some(if clean { 0 } else { 1 }),
            "{name}: {summary}"
        );
        assert!(
            !summary.is_empty(),
            "{name}: {}",
            stderr.lines().last().unwrap_or_default()
        );
    }
}

#[test]
fn check_reports_answers_it_cannot_use() {
    let output = keel(&["check", "tests/data/answers/bad_answers.policy.md"]).run();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(text(&output.stderr));
}
