//! The reviewer's commands end to end: `keel paths` (snapshot of the
//! Shopify set; every example's generated set reaches 100 % transition
//! coverage under the real `keel test`), the coverage overlay
//! (`keel test --coverage-out` → `keel graph --format html --coverage`) and
//! `keel explain --plain`.

use crate::{Run, SEED_EXAMPLES, arg, keel, root, scratch, text};
use std::path::{Path, PathBuf};

/// The files of a folder, sorted, as one text.
fn folder_text(folder: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("the folder")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            format!(
                "=== {}\n{}",
                file.file_name().unwrap_or_default().to_string_lossy(),
                std::fs::read_to_string(file).expect("a text file")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn paths_writes_an_edge_covering_set_for_shopify() {
    let out = scratch("shopify_snapshot");
    let output = keel(&["paths", "examples/shopify_wismo/policy.md", "-o", arg(&out)]).run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout).replace(arg(&out), "OUT");
    insta::assert_snapshot!("paths_shopify_summary", stdout);
    insta::assert_snapshot!("paths_shopify_files", folder_text(&out));
    // Generating again gives the same bytes and leaves no stale files.
    let before = folder_text(&out);
    let again = keel(&["paths", "examples/shopify_wismo/policy.md", "-o", arg(&out)]).run();
    assert!(again.status.success());
    assert_eq!(before, folder_text(&out));
}

#[test]
fn generated_sets_cover_every_transition_of_every_example() {
    for example in SEED_EXAMPLES {
        let out = scratch(&format!("cover_{example}"));
        let policy = format!("examples/{example}/policy.md");
        let output = keel(&["paths", &policy, "-o", arg(&out)]).run();
        assert!(output.status.success(), "{}", text(&output.stderr));
        let summary = text(&output.stdout).replace(arg(&out), "OUT");
        let coverage = out.join("coverage.json");
        let folder = format!("examples/{example}");
        let tested = keel(&[
            "test",
            &folder,
            "--conversations",
            arg(&out),
            "--coverage-out",
            arg(&coverage),
        ])
        .run();
        let stdout = text(&tested.stdout).replace(arg(&out), "OUT");
        assert!(tested.status.success(), "{example}:\n{stdout}");
        insta::assert_snapshot!(
            format!("paths_cover_{example}"),
            format!("$ keel paths\n{summary}\n$ keel test\n{stdout}")
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&coverage).expect("coverage written"))
                .expect("coverage JSON");
        let entry = &json["examples"][0];
        assert_eq!(
            entry["uncovered"].as_array().map(Vec::len),
            Some(0),
            "{example}"
        );
        assert_eq!(
            entry["covered"].as_array().map(Vec::len),
            entry["transitions"].as_u64().map(|count| count as usize),
            "{example}"
        );
    }
}

#[test]
fn generated_set_covers_a_policy_with_number_date_and_option_asks() {
    // A policy none of the examples resembles: an option question, a
    // number and a date answer, an `else` case and a date test.
    let example = scratch("unseen_example");
    let source = root().join("compiler/tests/data/unseen/subscription_pause_skip");
    std::fs::copy(source.join("revised.policy.md"), example.join("policy.md")).expect("policy");
    std::fs::copy(source.join("catalog.toml"), example.join("catalog.toml")).expect("catalog");
    let out = scratch("unseen_paths");
    let policy = example.join("policy.md");
    let output = keel(&["paths", arg(&policy), "-o", arg(&out)]).run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let tested = keel(&["test", arg(&example), "--conversations", arg(&out)]).run();
    let stdout = text(&tested.stdout)
        .replace(arg(&out), "OUT")
        .replace(arg(&example), "EXAMPLE");
    assert!(tested.status.success(), "{stdout}");
    insta::assert_snapshot!("paths_unseen_test", stdout);
    // The option, number and date answers and the `else` case are in here.
    insta::assert_snapshot!(
        "paths_unseen_files",
        folder_text(&out).replace(arg(&example), "EXAMPLE")
    );
}

#[test]
fn paths_all_writes_every_path_and_stops_clearly_at_the_limit() {
    let out = scratch("all");
    let output = keel(&[
        "paths",
        "examples/single_order_cancellation/policy.md",
        "--all",
        "-o",
        arg(&out),
    ])
    .run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout).replace(arg(&out), "OUT");
    let written = std::fs::read_dir(&out).expect("output").count();
    // The count printed is the count of files written.
    assert!(
        stdout.starts_with(&format!("{written} conversation(s) written")),
        "{stdout}"
    );
    insta::assert_snapshot!("paths_all_summary", stdout);
    let tested = keel(&[
        "test",
        "examples/single_order_cancellation",
        "--conversations",
        arg(&out),
    ])
    .run();
    assert!(tested.status.success(), "{}", text(&tested.stdout));

    let limited = keel(&[
        "paths",
        "examples/single_order_cancellation/policy.md",
        "--all",
        "--limit",
        "5",
        "-o",
        arg(&scratch("limited")),
    ])
    .run();
    assert_eq!(limited.status.code(), Some(2));
    insta::assert_snapshot!("paths_all_limited", text(&limited.stderr));
}

#[test]
fn paths_keeps_files_it_did_not_write_and_reports_bad_input() {
    let out = scratch("keep");
    std::fs::write(out.join("mine.toml"), "user = [\"hi\"]\n").expect("a file");
    let output = keel(&["paths", "examples/shopify_wismo/policy.md", "-o", arg(&out)]).run();
    assert!(output.status.success());
    assert!(out.join("mine.toml").exists());

    let missing = keel(&["paths", "examples/nowhere/policy.md"]).run();
    assert_eq!(missing.status.code(), Some(2));
    insta::assert_snapshot!(text(&missing.stderr), @"error: cannot read examples/nowhere/policy.md: No such file or directory (os error 2)");
}

fn exercised(page: &str) -> String {
    let end = page
        .find(" transitions exercised")
        .expect("the page shows coverage");
    let start = page[..end]
        .rfind(|c: char| !(c.is_ascii_digit() || c == ' ' || c.is_alphabetic()))
        .map_or(0, |index| index + 1);
    page[start..end].trim().to_string()
}

#[test]
fn graph_draws_the_coverage_of_a_test_run() {
    // A partial run: three golden conversations.
    let partial = scratch("partial");
    for name in ["status_shipped", "status_canceled", "no_orders"] {
        std::fs::copy(
            root().join(format!("examples/shopify_wismo/conversations/{name}.toml")),
            partial.join(format!("{name}.toml")),
        )
        .expect("a golden conversation");
    }
    let coverage = partial.join("coverage.json");
    let tested = keel(&[
        "test",
        "examples/shopify_wismo",
        "--conversations",
        arg(&partial),
        "--min-coverage",
        "0",
        "--coverage-out",
        arg(&coverage),
    ])
    .run();
    assert!(tested.status.success(), "{}", text(&tested.stdout));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&coverage).expect("written")).expect("JSON");
    let entry = &json["examples"][0];
    let total = entry["transitions"].as_u64().expect("a count");
    let covered = entry["covered"].as_array().expect("covered").len() as u64;
    let uncovered = entry["uncovered"].as_array().expect("uncovered").len() as u64;
    assert_eq!(covered + uncovered, total);
    assert!(covered > 0 && uncovered > 0);
    for transition in entry["covered"].as_array().expect("covered") {
        for field in ["from", "label", "to"] {
            assert!(transition[field].is_string(), "{transition}");
        }
    }
    let page_path = partial.join("page.html");
    let graph = keel(&[
        "graph",
        "examples/shopify_wismo/policy.md",
        "--format",
        "html",
        "--coverage",
        arg(&coverage),
        "-o",
        arg(&page_path),
    ])
    .run();
    assert!(graph.status.success(), "{}", text(&graph.stderr));
    let page = std::fs::read_to_string(&page_path).expect("the page");
    assert_eq!(exercised(&page), format!("{covered} of {total}"));
    let listed: Vec<u64> = entry["uncovered"]
        .as_array()
        .expect("uncovered")
        .iter()
        .filter_map(|transition| transition["index"].as_u64())
        .collect();
    let drawn = format!(
        "var uncovered = [{}];",
        listed
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    assert!(page.contains(&drawn), "missing {drawn}");

    // The golden set covers everything.
    let full = scratch("full").join("coverage.json");
    let tested = keel(&[
        "test",
        "examples/shopify_wismo",
        "--coverage-out",
        arg(&full),
    ])
    .run();
    assert!(tested.status.success(), "{}", text(&tested.stdout));
    let page_path = partial.join("full.html");
    let graph = keel(&[
        "graph",
        "examples/shopify_wismo/policy.md",
        "--format",
        "html",
        "--coverage",
        arg(&full),
        "-o",
        arg(&page_path),
    ])
    .run();
    assert!(graph.status.success());
    let page = std::fs::read_to_string(&page_path).expect("the page");
    assert_eq!(exercised(&page), format!("{total} of {total}"));
    assert!(page.contains("var uncovered = [];"));

    // Bad coverage input is a clear error.
    let junk = partial.join("junk.json");
    std::fs::write(&junk, "not json").expect("a file");
    let graph = keel(&[
        "graph",
        "examples/shopify_wismo/policy.md",
        "--format",
        "html",
        "--coverage",
        arg(&junk),
    ])
    .run();
    assert_eq!(graph.status.code(), Some(2));
    insta::assert_snapshot!(
        "graph_coverage_junk",
        text(&graph.stderr).replace(arg(&junk), "JUNK")
    );
    let svg = keel(&[
        "graph",
        "examples/shopify_wismo/policy.md",
        "--format",
        "svg",
        "--coverage",
        arg(&full),
    ])
    .run();
    assert_eq!(svg.status.code(), Some(2));
}

#[test]
fn explain_plain_prints_the_compiled_policy_in_plain_language() {
    let output = keel(&["explain", "examples/shopify_wismo/policy.md", "--plain"]).run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    insta::assert_snapshot!("explain_plain_shopify", text(&output.stdout));
    // Without --plain, explain still wants one session log.
    let two = keel(&[
        "explain",
        "examples/shopify_wismo/policy.md",
        "examples/bigcommerce_order_info/policy.md",
    ])
    .run();
    assert_eq!(two.status.code(), Some(2));
    insta::assert_snapshot!("explain_two_policies", text(&two.stderr));
    // A policy with errors is read back too, with what keel refused.
    let broken = keel(&["explain", "--plain", "tests/data/cli/typo.policy.md"]).run();
    assert_eq!(broken.status.code(), Some(1));
    insta::assert_snapshot!("explain_plain_broken", text(&broken.stdout));
}

/// The review page lists the policy's `Answers` entries beside the
/// findings, each pointing at its line.
#[test]
fn review_page_lists_the_policy_answers() {
    let page = keel(&["graph", "--format", "html", "tests/data/answers/policy.md"]).run();
    assert!(page.status.success(), "{}", text(&page.stderr));
    let html = text(&page.stdout);
    let section = html
        .split("<h2>Answers to questions in the middle</h2>")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .unwrap_or_default();
    let entries: Vec<&str> = section
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("<li"))
        .collect();
    insta::assert_snapshot!(entries.join("\n"));
}
