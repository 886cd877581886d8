//! The lock file: frozen LLM answers for the sentences the rules do not
//! understand (`tests/data/lock/`). Each line of `cases.jsonl` is a lock
//! for `policy.md`; the diagnostics, the states marked as extracted by an
//! LLM and (for the answered case) the listing and Mermaid graph are
//! snapshots. Compiling with a lock is pure and byte-identical.

use crate::support::root;
use keel_compiler::lock::{Lock, key, normalise};
use keel_compiler::{Compilation, Source, compile, compile_locked, emit};

fn sources() -> (Vec<Source>, Vec<Source>) {
    let read = |name: &str| {
        let path = format!("compiler/tests/data/lock/{name}");
        let text = std::fs::read_to_string(root().join(&path)).expect("readable");
        Source::new(path, text)
    };
    (vec![read("policy.md")], vec![read("catalog.toml")])
}

fn cases() -> Vec<(String, Lock)> {
    let text = std::fs::read_to_string(root().join("compiler/tests/data/lock/cases.jsonl"))
        .expect("the cases");
    text.lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let mut lock = Lock::new("fixture-model");
            for entry in row["entries"].as_array().into_iter().flatten() {
                lock.insert(
                    entry["sentence"].as_str().unwrap_or_default(),
                    entry["statement"].clone(),
                );
            }
            (row["case"].as_str().unwrap_or_default().to_string(), lock)
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

#[test]
fn each_lock_case_gives_its_diagnostics() {
    let (policies, catalogs) = sources();
    for (case, lock) in cases() {
        // The lock survives its own text form.
        let reread = Lock::parse(&lock.to_text()).expect("a lock parses back");
        assert_eq!(reread, lock, "{case}");
        let compilation = compile_locked(&policies, &catalogs, Some(&reread));
        insta::assert_snapshot!(format!("lock_{case}"), report(&compilation));
    }
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
fn llm_states_are_marked_in_every_view_and_compiling_is_byte_identical() {
    let (policies, catalogs) = sources();
    let (_, lock) = cases().into_iter().next().expect("the answered case");
    let first = compile_locked(&policies, &catalogs, Some(&lock));
    let second = compile_locked(&policies, &catalogs, Some(&lock));
    let json = emit::artifact::to_json(&first.artifact());
    assert_eq!(json, emit::artifact::to_json(&second.artifact()));
    assert!(!first.has_errors(), "{}", report(&first));
    let marked = first.machine.states_extracted_by_llm();
    assert_eq!(marked.len(), 3, "{marked:?}");
    assert_eq!(
        json.matches("\"extracted_by\": \"llm\"").count(),
        3,
        "{json}"
    );
    let mermaid = emit::mermaid(&first.machine);
    let dot = emit::dot(&first.machine);
    assert_eq!(mermaid.matches("[LLM: review]").count(), 3, "{mermaid}");
    assert_eq!(dot.matches("[LLM: review]").count(), 3, "{dot}");
    let svg = emit::svg(&first.machine, &first.sources);
    assert_eq!(
        svg.matches(" llm\" id=\"state-").count(),
        3,
        "the SVG styles LLM states"
    );
    let page = emit::review_page(&first, &emit::ReviewOptions::default());
    assert!(page.contains("3 state(s) extracted by an LLM: review them"));
    insta::assert_snapshot!("lock_answered_listing", first.machine.dump());
    insta::assert_snapshot!("lock_answered_mermaid", mermaid);
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
    lock.insert(
        "Wrap things up",
        serde_json::json!({"kind": "end", "text": "", "tool": ""}),
    );
    let tampered = lock.to_text().replace("Wrap things up", "Wrap things down");
    assert!(
        Lock::parse(&tampered).is_err(),
        "a key that does not match is refused"
    );
    assert!(Lock::parse("{}").is_err());
}
