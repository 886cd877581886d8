//! The paraphrase corpus (`tests/data/paraphrase/corpus.txt`): the same
//! intent written many ways must extract to the same statements.

use crate::support::root;
use keel_compiler::ir::Slot;
use keel_compiler::machine::{Label, Machine, StateKind};
use keel_compiler::{Source, compile};

fn data(name: &str) -> String {
    std::fs::read_to_string(root().join("compiler/tests/data/paraphrase").join(name))
        .expect("corpus file")
}

/// `<incoming edge>: <kind>; <kind>…` for the states step 6 produced.
fn signature(machine: &Machine) -> String {
    let produced: Vec<_> = machine
        .states()
        .filter(|(_, state)| {
            state
                .origin
                .as_ref()
                .is_some_and(|origin| origin.step == "6" || origin.step.starts_with("6."))
        })
        .collect();
    let Some((first, _)) = produced.first() else {
        return "none".to_string();
    };
    let ids: Vec<_> = produced.iter().map(|(id, _)| *id).collect();
    let incoming = machine
        .transitions()
        .into_iter()
        .find(|(_, from, _, to)| to == first && !ids.contains(from))
        .map_or("start".to_string(), |(_, _, transition, _)| {
            transition.label.text()
        });
    let kinds: Vec<String> = produced
        .iter()
        .map(|(id, state)| match &state.kind {
            StateKind::Ask { slot, .. } => match slot {
                Slot::Item(_) => "ask item".to_string(),
                Slot::Items(_) => "ask items".to_string(),
                Slot::Options(_) => "ask options".to_string(),
                other => format!("ask {}", other.name()),
            },
            StateKind::Call { tool, .. } => format!("call {tool}"),
            StateKind::Match { .. } => {
                let values: Vec<String> = machine
                    .transitions_from(*id)
                    .into_iter()
                    .filter(|(_, _, target)| ids.contains(target))
                    .filter_map(|(_, transition, _)| match &transition.label {
                        Label::Case(values) => Some(
                            values
                                .iter()
                                .map(|value| format!("\"{value}\""))
                                .collect::<Vec<_>>()
                                .join(" "),
                        ),
                        _ => None,
                    })
                    .collect();
                format!("match {}", values.join(" "))
            }
            StateKind::Test { .. } => "test".to_string(),
            StateKind::Say { .. } => "say".to_string(),
            StateKind::Set { .. } => "set".to_string(),
            StateKind::Escalate { ticket, .. } => {
                if *ticket { "ticket" } else { "escalate" }.to_string()
            }
            StateKind::End { outcome } => format!("end {outcome}"),
            StateKind::Retry { limit, .. } => format!("retry {limit}"),
            StateKind::Goto { policy, .. } => format!("goto {policy}"),
            StateKind::Wait { seconds, .. } => format!("wait {seconds}"),
        })
        .collect();
    format!("{incoming}: {}", kinds.join("; "))
}

#[test]
fn paraphrase_corpus() {
    let context = data("context.policy.md");
    let returns = data("returns.policy.md");
    let catalog = Source::new("catalog.toml", data("catalog.toml"));
    let mut failures = Vec::new();
    let mut total = 0;
    for line in data("corpus.txt").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((expected, sentence)) = line.split_once(" | ") else {
            failures.push(format!("malformed line: {line}"));
            continue;
        };
        total += 1;
        // `\n` in a case starts a new line: sub-items under step 6.
        let policy = Source::new(
            "context.policy.md",
            context.replace("SENTENCE", &sentence.replace("\\n", "\n")),
        );
        let compilation = compile(
            &[policy, Source::new("returns.policy.md", returns.clone())],
            std::slice::from_ref(&catalog),
        );
        let front_end_errors: Vec<String> = compilation
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error() && diagnostic.code.id.starts_with("K01"))
            .map(|diagnostic| format!("{}: {}", diagnostic.code, diagnostic.message))
            .collect();
        let got = signature(&compilation.machine);
        if std::env::var_os("KEEL_SHOW_CORPUS").is_some() {
            eprintln!("{got:<40} | {sentence}");
        }
        if !front_end_errors.is_empty() || got != expected {
            failures.push(format!(
                "{sentence}\n    expected {expected}\n    got      {got} {front_end_errors:?}"
            ));
        }
    }
    assert!(
        total >= 60,
        "the corpus must keep at least 60 paraphrases, has {total}"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} paraphrases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
