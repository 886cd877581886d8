//! The lock file: LLM rewrites of the sentences the rules do not read
//! (`tests/data/lock/`). Each line of `cases.jsonl` is a recorded model
//! answer for one sentence of `policy.md` and whether the compiler accepts
//! it (`keel_compiler::lock::accept`: names and conditions checked, the
//! rules read it, no new error); the verdicts are one snapshot. The
//! accepted rewrites make a lock that survives its own text form; compiled
//! with it, what the rewrites became is marked as extracted by an LLM in
//! every view, the sentences show beside their rewrites, and compiling is
//! pure and byte-identical.

use crate::support::root;
use keel_compiler::lock::{Lock, accept, key, normalise};
use keel_compiler::{Compilation, Source, compile, compile_locked, emit};

fn sources() -> (Vec<Source>, Vec<Source>) {
    let read = |name: &str| {
        let path = format!("compiler/tests/data/lock/{name}");
        let text = std::fs::read_to_string(root().join(&path)).expect("readable");
        Source::new(path, text)
    };
    (vec![read("policy.md")], vec![read("catalog.toml")])
}

struct Case {
    name: String,
    sentence: String,
    rewrite: String,
    accepted: bool,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("compiler/tests/data/lock/cases.jsonl"))
        .expect("the cases");
    text.lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let field = |name: &str| row[name].as_str().unwrap_or_default().to_string();
            Case {
                name: field("case"),
                sentence: field("sentence"),
                rewrite: field("rewrite"),
                accepted: row["accepted"].as_bool().unwrap_or(false),
            }
        })
        .collect()
}

fn report(compilation: &Compilation) -> String {
    let mut out = String::new();
    for diagnostic in &compilation.diagnostics {
        let place = diagnostic.span.map_or_else(String::new, |span| {
            let location = compilation.sources.location(span);
            format!(" {}:{}", location.line, location.column)
        });
        out.push_str(&format!(
            "{}[{}]{place}: {}\n",
            diagnostic.code.id, diagnostic.code.name, diagnostic.message
        ));
        for (_, note) in &diagnostic.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
    }
    for rewrite in &compilation.rewrites {
        out.push_str(&format!(
            "step {}: \"{}\" → \"{}\" ({})\n",
            rewrite.step,
            rewrite.original,
            rewrite.rewrite,
            match &rewrite.outcome {
                Ok(()) => "read in its place".to_string(),
                Err(why) => format!("rejected: {why}"),
            }
        ));
    }
    out.push_str(&format!(
        "unread: {:?}\nextracted by an LLM: {:?}\n",
        compilation
            .unread
            .iter()
            .map(|unread| unread.sentence.as_str())
            .collect::<Vec<_>>(),
        compilation.machine.states_extracted_by_llm()
    ));
    out
}

/// The lock of every accepted case.
fn accepted_lock() -> Lock {
    let mut lock = Lock::new("fixture-model");
    for case in cases().into_iter().filter(|case| case.accepted) {
        lock.insert(&case.sentence, &case.rewrite);
    }
    lock
}

#[test]
fn each_recorded_rewrite_is_accepted_or_rejected_with_its_reason() {
    let (policies, catalogs) = sources();
    let plain = compile(&policies, &catalogs);
    let mut verdicts = String::new();
    let mut wrong = Vec::new();
    for case in cases() {
        let unread = plain
            .unread
            .iter()
            .find(|unread| normalise(&unread.sentence) == normalise(&case.sentence))
            .unwrap_or_else(|| panic!("{}: the rules read “{}”", case.name, case.sentence));
        let verdict = accept(
            &policies,
            &catalogs,
            &Lock::new("fixture-model"),
            unread,
            &case.rewrite,
        );
        if verdict.is_ok() != case.accepted {
            wrong.push(format!("{}: {verdict:?}", case.name));
        }
        verdicts.push_str(&format!(
            "{} (step {})\n  \"{}\"\n  → \"{}\"\n  {}\n",
            case.name,
            unread.step,
            case.sentence,
            case.rewrite,
            match verdict {
                Ok(()) => "accepted".to_string(),
                Err(why) => format!("rejected: {why}"),
            }
        ));
    }
    assert!(wrong.is_empty(), "{}\n{verdicts}", wrong.join("\n"));
    insta::assert_snapshot!("lock_rewrite_verdicts", verdicts);
}

#[test]
fn without_a_lock_nothing_changes() {
    let (policies, catalogs) = sources();
    let plain = compile(&policies, &catalogs);
    let unlocked = compile_locked(&policies, &catalogs, None);
    assert_eq!(
        emit::artifact::to_json(&plain.artifact()),
        emit::artifact::to_json(&unlocked.artifact())
    );
    assert_eq!(plain.diagnostics, unlocked.diagnostics);
    insta::assert_snapshot!("lock_none", report(&plain));
}

#[test]
fn a_lock_round_trip_reads_the_rewrites_marks_them_and_is_byte_identical() {
    let (policies, catalogs) = sources();
    let lock = accepted_lock();
    let reread = Lock::parse(&lock.to_text()).expect("a lock parses back");
    assert_eq!(reread, lock);
    assert_eq!(reread.to_text(), lock.to_text());
    let first = compile_locked(&policies, &catalogs, Some(&reread));
    let second = compile_locked(&policies, &catalogs, Some(&reread));
    let json = emit::artifact::to_json(&first.artifact());
    assert_eq!(json, emit::artifact::to_json(&second.artifact()));
    let marked = first.machine.states_extracted_by_llm();
    assert_eq!(marked.len(), 2, "{marked:?}\n{}", report(&first));
    assert_eq!(
        json.matches("\"extracted_by\": \"llm\"").count(),
        2,
        "{json}"
    );
    let mermaid = emit::mermaid(&first.machine);
    assert_eq!(mermaid.matches("[LLM: review]").count(), 2, "{mermaid}");
    let page = emit::review_page(&first, &emit::ReviewOptions::default());
    assert!(page.contains("2 state(s) extracted by an LLM: review them"));
    insta::assert_snapshot!("lock_rewritten", report(&first));
    insta::assert_snapshot!("lock_rewritten_listing", first.machine.dump());
}

#[test]
fn a_rejected_or_stale_entry_is_a_diagnostic() {
    let (policies, catalogs) = sources();
    let mut lock = Lock::new("fixture-model");
    // Recorded answers that fail the checks on reading, and one for a
    // sentence the policy no longer has.
    lock.insert(
        "Have a satisfaction survey go out to the shopper.",
        "Use @refund_order to refund the order.",
    );
    lock.insert(
        "If the shopper sounds upset, let them vent before anything else.",
        "Inform the customer that we hear them before anything else.",
    );
    lock.insert(
        "Wrap things up on a friendly note, always.",
        "End the conversation.",
    );
    let compilation = compile_locked(&policies, &catalogs, Some(&lock));
    insta::assert_snapshot!("lock_rejected_and_stale", report(&compilation));
}

#[test]
fn keys_hash_the_normalised_sentence_and_the_model() {
    assert_eq!(
        normalise("  Wrap things   UP on a friendly note. "),
        "wrap things up on a friendly note"
    );
    assert_eq!(
        key("Wrap things up on a friendly note.", "m"),
        key("wrap  things up on a friendly note", "m")
    );
    assert_ne!(key("Wrap things up", "m"), key("Wrap things up", "n"));
    assert_ne!(key("Wrap things up", "m"), key("Wrap things down", "m"));
    let mut lock = Lock::new("m");
    lock.insert("Wrap things up", "End the conversation.");
    let tampered = lock.to_text().replace("Wrap things up", "Wrap things down");
    assert!(
        Lock::parse(&tampered).is_err(),
        "a key that does not match is refused"
    );
    assert!(Lock::parse("{}").is_err());
    let old = "{\"keel_lock\": 1, \"model\": \"m\", \"entries\": {}}";
    assert!(Lock::parse(old).is_err_and(|why| why.contains("format 1")));
}
