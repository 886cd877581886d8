//! The verifier's data-driven tests, and the examples verifying clean.
//!
//! Each `tests/data/verify/*.policy.md` whose name starts with `err_` or
//! `ok_` is a test. Its header (the `//` lines at the top, blanked before
//! compiling so line numbers stay those of the file) says what to expect:
//!
//! ```text
//! // expect: error[K0312] 5:8
//! // expect: warning[K0307] other.policy.md:6:7
//! // import: other.policy.md
//! // catalog: other.toml
//! ```
//!
//! The diagnostics of the whole compilation (front end and verifier) are
//! compared with the expectations as a full set: none missing, none extra.
//! `err_` files expect at least one diagnostic; `ok_` files expect nothing. Every
//! verifier check that policy text can trigger has an `err_` file.
//! `KEEL_BLESS=1` rewrites the `expect:` lines with what was found.

#[path = "verify_soundness.rs"]
mod soundness; // Random executions of accepted machines never break the verifier's claims.

use crate::support::{compile_file, example_policies, relative, root};
use keel_compiler::machine::StateKind;
use keel_compiler::{Compilation, Source, compile, verify};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    root().join("compiler/tests/data/verify")
}

fn test_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data())
        .expect("tests/data/verify")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().to_string())
                .unwrap_or_default();
            name.ends_with(".policy.md") && (name.starts_with("err_") || name.starts_with("ok_"))
        })
        .collect();
    files.sort();
    files
}

/// A test file: its policy text (header blanked) and what its header says.
struct Case {
    text: String,
    expected: BTreeSet<String>,
    imports: Vec<String>,
    catalog: String,
}

fn read_case(path: &Path) -> Case {
    let raw = std::fs::read_to_string(path).expect("readable");
    let mut case = Case {
        text: String::new(),
        expected: BTreeSet::new(),
        imports: Vec::new(),
        catalog: "catalog.toml".to_string(),
    };
    let mut in_header = true;
    for line in raw.split_inclusive('\n') {
        let header = in_header && line.starts_with("//");
        if !header {
            in_header = false;
            case.text.push_str(line);
            continue;
        }
        let content = line.trim_start_matches("//").trim();
        if let Some(expect) = content.strip_prefix("expect:") {
            case.expected.insert(expect.trim().to_string());
        } else if let Some(import) = content.strip_prefix("import:") {
            case.imports.push(import.trim().to_string());
        } else if let Some(catalog) = content.strip_prefix("catalog:") {
            case.catalog = catalog.trim().to_string();
        }
        // Keep the line break so positions are those of the file.
        case.text.push('\n');
    }
    case
}

fn compile_case(path: &Path, case: &Case) -> Compilation {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut policies = vec![Source::new(name, case.text.clone())];
    for import in &case.imports {
        let imported = read_case(&data().join(import));
        policies.push(Source::new(import.clone(), imported.text));
    }
    let catalog = std::fs::read_to_string(data().join(&case.catalog)).expect("catalog");
    compile(&policies, &[Source::new(case.catalog.clone(), catalog)])
}

/// `severity[code] line:column`, with the file name when it is not the
/// test's own.
fn actual(path: &Path, compilation: &Compilation) -> BTreeSet<String> {
    let own = path
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_default();
    compilation
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let place = match diagnostic.span {
                Some(span) => {
                    let location = compilation.sources.location(span);
                    let file = compilation.sources.name(span.source);
                    if file == own {
                        format!("{}:{}", location.line, location.column)
                    } else {
                        format!("{file}:{}:{}", location.line, location.column)
                    }
                }
                None => "-".to_string(),
            };
            format!("{}[{}] {place}", diagnostic.severity, diagnostic.code.id)
        })
        .collect()
}

#[test]
fn every_test_policy_gets_exactly_the_diagnostics_its_header_expects() {
    let files = test_files();
    assert!(files.len() >= 10, "{files:?}");
    let mut failures = Vec::new();
    for path in &files {
        let case = read_case(path);
        let compilation = compile_case(path, &case);
        let found = actual(path, &compilation);
        let name = relative(path);
        if name.contains("/err_") && case.expected.is_empty() {
            failures.push(format!("{name}: an err_ test must expect a diagnostic"));
        }
        if found != case.expected && std::env::var_os("KEEL_BLESS").is_some() {
            bless(path, &found);
            continue;
        }
        if found != case.expected {
            let missing: Vec<&String> = case.expected.difference(&found).collect();
            let extra: Vec<&String> = found.difference(&case.expected).collect();
            let messages: Vec<String> = compilation
                .diagnostics
                .iter()
                .map(|diagnostic| format!("  {}: {}", diagnostic.code, diagnostic.message))
                .collect();
            failures.push(format!(
                "{name}\n  missing: {missing:?}\n  extra: {extra:?}\n{}",
                messages.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Rewrites a test file's `expect:` lines with what was found
/// (`KEEL_BLESS=1 cargo test`); review the diff before committing.
fn bless(path: &Path, found: &BTreeSet<String>) {
    let raw = std::fs::read_to_string(path).expect("readable");
    let mut out = String::new();
    let mut in_header = true;
    let mut written = false;
    for line in raw.split_inclusive('\n') {
        in_header &= line.starts_with("//");
        if in_header && line.trim_start_matches("//").trim().starts_with("expect:") {
            continue;
        }
        if !in_header && !written {
            for expected in found {
                out.push_str(&format!("// expect: {expected}\n"));
            }
            written = true;
        }
        out.push_str(line);
    }
    std::fs::write(path, out).expect("writable");
}

#[test]
fn every_check_that_policy_text_can_trigger_has_a_failing_policy() {
    // These three guard invariants the lowering always establishes (an
    // error edge on every call, a human from every ask, a reason on every
    // hand-off); no policy text can break them, so they are demonstrated by
    // unit tests that damage a compiled machine (`verify::*::tests`).
    let lowering_guarantees = ["K0310", "K0311", "K0314"];
    let mut demonstrated = BTreeSet::new();
    for path in test_files() {
        for expected in read_case(&path).expected {
            if let Some(code) = expected.split('[').nth(1).and_then(|rest| rest.get(..5)) {
                demonstrated.insert(code.to_string());
            }
        }
    }
    for code in verify::codes() {
        if lowering_guarantees.contains(&code.id) {
            continue;
        }
        assert!(
            demonstrated.contains(code.id),
            "no err_ policy demonstrates {code}"
        );
    }
}

#[test]
fn the_examples_verify_with_zero_errors_and_finite_bounds() {
    for policy in example_policies() {
        let compilation = compile_file(&policy);
        let errors: Vec<String> = compilation
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .map(|diagnostic| format!("{}: {}", diagnostic.code, diagnostic.message))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", relative(&policy));
        assert!(compilation.bounds.user_turns.is_some(), "{policy:?}");
        assert!(compilation.bounds.bot_actions.is_some(), "{policy:?}");
    }
}

#[test]
fn magento_cancellation_is_always_preceded_by_the_customers_yes() {
    // The retention policy enters the single-order cancellation, hands back
    // at its alternatives, and on a decline resumes at the confirmation:
    // every path to @cancel_order passes the yes of a question that shows
    // the order. The verifier proves it (no K0312), and the proof is not
    // vacuous: the call is there, destructive and reachable.
    let compilation = compile_file(&root().join("examples/magento_cancel_retention/policy.md"));
    assert!(
        !compilation
            .diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code.id == "K0312"),
        "{:?}",
        compilation.diagnostics
    );
    let cancels: Vec<_> = compilation
        .machine
        .states()
        .filter(|(_, state)| {
            matches!(&state.kind, StateKind::Call { tool, effect, .. }
                if tool == "cancel_order" && *effect == keel_compiler::catalog::Effect::Destructive)
        })
        .collect();
    assert_eq!(cancels.len(), 1);
    // Removing the confirmation from the catalog's point of view (making
    // the cancellation a plain write) is not what the verifier checks; the
    // damaged variant lives in tests/data/verify/err_unconfirmed_*.
    let listing = compilation.machine.dump();
    assert!(listing.contains("yes -> Single_order_cancellation_policy:5.c.call"));
}

/// A destructive tool whose every call keel finds unreachable is listed
/// among the guarantees with nothing proved and a warning, not left out.
#[test]
fn a_destructive_tool_keel_finds_unreachable_is_listed_as_a_warning() {
    let path = data().join("err_unreachable_cancellation.policy.md");
    let compilation = compile_case(&path, &read_case(&path));
    let [guarantee] = compilation.guarantees.as_slice() else {
        panic!("{:?}", compilation.guarantees);
    };
    assert_eq!(
        (
            guarantee.tool.as_str(),
            guarantee.calls,
            guarantee.unreachable
        ),
        ("cancel_order", 0, 1)
    );
    assert!(!guarantee.identity_first && !guarantee.own_records && !guarantee.explicit_yes);
    let line = guarantee.describe();
    assert!(
        line.contains("warning") && line.contains("K0301") && !line.contains("proved to run"),
        "{line}"
    );
}
