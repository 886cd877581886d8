//! Review tools: the HTML page's structure, the plain-language round trip,
//! and the semantic diff on pairs of policy versions (`tests/data/diff/`).

use crate::support::{compile_file, example_policies, root};
use keel_compiler::{diff, emit};

/// The page's structure without its styling: each state element with its
/// lines, and each policy line with the states behind it.
fn structure(html: &str) -> String {
    let mut out = Vec::new();
    for piece in html.split("<g class=\"state ").skip(1) {
        let id = attribute(piece, "data-id");
        let lines = attribute(piece, "data-lines");
        out.push(format!("state {id} lines [{lines}]"));
    }
    for piece in html.split("<div class=\"line").skip(1) {
        let states = attribute(piece, "data-states");
        if !states.is_empty() {
            out.push(format!(
                "line {} states [{states}]",
                attribute(piece, "data-key")
            ));
        }
        // What each condition on the line answers (issue 13 point 3).
        let anchors = attribute(piece, "data-anchors");
        if !anchors.is_empty() {
            out.push(format!(
                "line {} anchors [{anchors}]",
                attribute(piece, "data-key")
            ));
        }
    }
    out.join("\n")
}

fn attribute(piece: &str, name: &str) -> String {
    let marker = format!("{name}=\"");
    piece
        .split_once(&marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(value, _)| value.to_string())
        .unwrap_or_default()
}

#[test]
fn review_pages_link_states_and_lines_both_ways() {
    for policy in example_policies() {
        let compilation = compile_file(&policy);
        let html = emit::review_page(&compilation, &emit::ReviewOptions::default());
        assert_eq!(
            html,
            emit::review_page(&compilation, &emit::ReviewOptions::default())
        );
        assert!(
            !html.contains("http://")
                || html.matches("http://").count()
                    == html.matches("http://www.w3.org/2000/svg").count(),
            "no network references"
        );
        let name = policy
            .parent()
            .and_then(|folder| folder.file_name())
            .map(|name| name.to_string_lossy().to_string())
            .unwrap_or_default();
        insta::assert_snapshot!(format!("{name}.review"), structure(&html));
    }
}

#[test]
fn plain_language_round_trip() {
    for name in ["shopify_wismo", "single_order_cancellation"] {
        let compilation = compile_file(&root().join("examples").join(name).join("policy.md"));
        insta::assert_snapshot!(format!("{name}.plain"), emit::plain(&compilation.machine));
    }
}

#[test]
fn semantic_diffs() {
    let base = compile_file(&root().join("compiler/tests/data/diff/base/policy.md"));
    for variant in ["no_confirmation", "reworded", "handoff_removed"] {
        let changed = compile_file(
            &root()
                .join("compiler/tests/data/diff")
                .join(variant)
                .join("policy.md"),
        );
        let result = diff(&base, &changed);
        insta::assert_snapshot!(format!("diff.{variant}"), result.to_text());
        let unsafe_change = variant != "reworded";
        assert_eq!(
            !result.safety.is_empty(),
            unsafe_change,
            "{variant}: {:?}",
            result.safety
        );
    }
    let same = diff(&base, &base);
    assert!(same.is_empty() && same.safety.is_empty());
}
