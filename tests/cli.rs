//! Golden tests of the `keel` binary: exit codes, diagnostics formats,
//! byte-identical outputs.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn keel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("keel runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

const EXAMPLES: [&str; 4] = [
    "examples/shopify_wismo/policy.md",
    "examples/bigcommerce_order_info/policy.md",
    "examples/single_order_cancellation/policy.md",
    "examples/magento_cancel_retention/policy.md",
];

#[test]
fn check_passes_on_every_example() {
    let output = keel(&[&["check"][..], &EXAMPLES[..]].concat());
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr.matches(" 0 error(s)").count(), 4, "{stderr}");
}

#[test]
fn check_states_what_it_proved_about_destructive_calls() {
    let output = keel(&["check", "examples/taubench_retail_cancel/policy.md"]);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "@cancel_pending_order (1 call): proved to run only after the customer's identity is verified (K0313), only on the verified customer's own records (K0315), only right after their explicit yes to a read-back (K0312)"
        ),
        "{stderr}"
    );
    // A record looked up by a number the customer typed is not proved theirs.
    let output = keel(&[
        "check",
        "--format",
        "json",
        "compiler/tests/data/verify/err_unowned_record.policy.md",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let guarantee = &json["summary"][0]["guarantees"][0];
    assert_eq!(guarantee["tool"], "cancel_order");
    assert_eq!(guarantee["explicit_yes"], true);
    assert_eq!(guarantee["own_records"], false);
}

#[test]
fn check_reports_every_problem_with_source_line_and_hint() {
    let output = keel(&["check", "tests/data/cli/typo.policy.md"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    for expected in [
        "K0104",
        "`@shopify_order_detail` is not in the catalog",
        "did you mean `@shopify_order_details`?",
        "K0101",
        "Juggle the order twice",
        "11 │ 7. Juggle the order twice.",
        "did you mean \"Shipped\" ($order.status)?",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in\n{stderr}"
        );
    }
}

#[test]
fn check_json_follows_the_documented_shape() {
    let output = keel(&["check", "--format", "json", "tests/data/cli/typo.policy.md"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics array");
    assert!(diagnostics.len() >= 3, "{json:#}");
    for diagnostic in diagnostics {
        for field in [
            "code", "severity", "message", "file", "line", "column", "hint",
        ] {
            assert!(
                diagnostic.get(field).is_some(),
                "{field} missing in {diagnostic}"
            );
        }
    }
    let unknown_tool = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "K0104")
        .expect("the unknown tool");
    assert_eq!(unknown_tool["line"], 9);
    assert_eq!(unknown_tool["file"], "tests/data/cli/typo.policy.md");
}

#[test]
fn compile_is_byte_identical_across_runs() {
    let directory = std::env::temp_dir().join(format!("keel-cli-{}", std::process::id()));
    std::fs::create_dir_all(&directory).expect("temp dir");
    for example in EXAMPLES {
        let mut outputs = Vec::new();
        for run in 0..2 {
            let path = directory.join(format!("machine-{run}.json"));
            let output = keel(&["compile", example, "-o", path.to_str().expect("utf-8 path")]);
            assert!(output.status.success(), "{}", text(&output.stderr));
            outputs.push(std::fs::read(&path).expect("written"));
        }
        assert_eq!(outputs[0], outputs[1], "{example}");
        let json: serde_json::Value = serde_json::from_slice(&outputs[0]).expect("JSON");
        let state = &json["states"][0];
        assert!(state["source"]["step"].is_string(), "{state}");
        assert!(state["source"]["line"].is_number(), "{state}");
    }
    let _ = std::fs::remove_dir_all(&directory);
}

#[test]
fn graph_formats() {
    let mermaid = keel(&["graph", "--format", "mermaid", EXAMPLES[0]]);
    assert!(mermaid.status.success());
    let mermaid = text(&mermaid.stdout);
    assert!(mermaid.starts_with("flowchart TD"));
    for status in [
        "Approved",
        "Processing",
        "Pending Shipment",
        "Shipped",
        "In transit",
        "Delivered",
        "Canceled",
    ] {
        assert!(mermaid.contains(&format!("-->|\"{status}\"|")), "{status}");
    }
    let dot = keel(&["graph", "--format", "dot", EXAMPLES[3]]);
    assert!(dot.status.success());
    let dot = text(&dot.stdout);
    assert!(dot.starts_with("digraph"));
    assert!(
        dot.contains("DESTRUCTIVE"),
        "the destructive call is marked"
    );
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let output = keel(&["check", "examples/nope/policy.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot read examples/nope/policy.md"));
}

#[test]
fn diff_fails_when_a_confirmation_is_removed() {
    let base = "compiler/tests/data/diff/base/policy.md";
    let unsafe_change = keel(&[
        "diff",
        base,
        "compiler/tests/data/diff/no_confirmation/policy.md",
    ]);
    assert_eq!(unsafe_change.status.code(), Some(1));
    let report = text(&unsafe_change.stdout);
    assert!(report.contains("SAFETY: Single_order_cancellation_policy:5.c.call (a destructive call) can now run without the customer's explicit yes"), "{report}");
    assert!(
        report.contains("- state Single_order_cancellation_policy:5.a.ask"),
        "{report}"
    );
    let reworded = keel(&[
        "diff",
        base,
        "compiler/tests/data/diff/reworded/policy.md",
        "--format",
        "json",
    ]);
    assert_eq!(reworded.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&reworded.stdout).expect("JSON");
    assert_eq!(json["states_changed"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["safety"].as_array().map(Vec::len), Some(0));
    let page = keel(&[
        "diff",
        base,
        "compiler/tests/data/diff/no_confirmation/policy.md",
        "--format",
        "html",
    ]);
    assert!(text(&page.stdout).contains("<section class=\"old\">"));
}

#[test]
fn graph_html_is_one_self_contained_page() {
    let output = keel(&["graph", "--format", "html", EXAMPLES[2]]);
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
    let folder = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("weakened-effect");
    std::fs::create_dir_all(&folder).expect("temp dir");
    let example = root().join("examples/single_order_cancellation");
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
    let output = keel(&["check", &path.to_string_lossy()]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("K0122"), "{stderr}");
    assert!(
        stderr.contains("tool `cancel_order` is declared `read`, but its adapter `magento.cancel` is destructive"),
        "{stderr}"
    );
    assert!(
        stderr.contains("catalog.toml:"),
        "the catalog's place: {stderr}"
    );
}
