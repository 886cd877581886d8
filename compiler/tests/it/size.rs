//! No crash on input size (issue 12): policies of many long steps, many
//! short steps, and one step with many sub-bullets go through every stage
//! (parse, extract, lower, verify, every emitter, the diff) on a thread with
//! the 2 MiB stack of a tokio worker — so no stage recurses as deep as the
//! input is long. The inputs are generated (`large_inputs.rs`), not committed.

use keel_compiler::emit::{self, ReviewOptions};
use keel_compiler::{Compilation, Source, compile, diff, diff_page};

const CATALOG: &str = include_str!("../../../examples/single_order_cancellation/catalog.toml");

#[path = "large_inputs.rs"]
mod large_inputs; // The three inputs, shared with serve's and the CLI's tests.
use large_inputs::{FRONT, long_steps, short_steps, sub_bullets};

/// 5,000 questions, each answered by the next step's `If yes`: conditions
/// nest as deep as the policy is long, up to extraction's bound.
fn nested_conditions() -> String {
    let mut text = FRONT.to_string();
    text.push_str("1. Ask if the customer wants to continue.\n");
    for step in 2..=5_000 {
        text.push_str(&format!(
            "{step}. If yes, ask if the customer wants to continue.\n"
        ));
    }
    text
}

/// Runs `work` on a thread with a tokio worker's stack (2 MiB).
fn on_a_worker_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(work)
        .expect("a thread")
        .join()
        .expect("no stage overflowed the stack or panicked")
}

fn every_stage(text: String) -> (usize, usize) {
    on_a_worker_stack(move || {
        let compilation: Compilation = compile(
            &[Source::new("policy.md", text)],
            &[Source::new("catalog.toml", CATALOG)],
        );
        let artifact = compilation.artifact();
        let json = emit::artifact::to_json(&artifact);
        let machine = &compilation.machine;
        // The review page holds the SVG drawing (and so the layout).
        let views = [
            emit::dot(machine),
            emit::mermaid(machine),
            emit::plain(machine),
            emit::review_page(&compilation, &ReviewOptions::default()),
            machine.dump(),
        ];
        assert!(views.iter().all(|view| !view.is_empty()));
        // The diff (of a version with itself: every path and safety search
        // runs on both sides) and its page, which draws both graphs.
        let changes = diff(&compilation, &compilation);
        assert!(changes.safety.is_empty());
        let page = diff_page(&compilation, &compilation, &changes);
        assert!(!changes.to_text().is_empty() || !page.is_empty());
        assert!(!json.is_empty());
        (machine.state_count(), compilation.diagnostics.len())
    })
}

#[test]
fn many_long_steps_go_through_every_stage() {
    let (states, _) = every_stage(long_steps());
    assert!(states >= 9_999, "{states}");
}

#[test]
fn many_short_steps_go_through_every_stage() {
    let (states, _) = every_stage(short_steps());
    assert!(states >= 9_999, "{states}");
}

#[test]
fn a_step_with_many_sub_bullets_goes_through_every_stage() {
    let (states, _) = every_stage(sub_bullets());
    assert!(states >= 2, "{states}");
}

#[test]
fn conditions_nested_as_deep_as_extraction_allows_go_through_every_stage() {
    let (states, diagnostics) = every_stage(nested_conditions());
    assert!(states >= 2 && diagnostics >= 1, "{states} {diagnostics}");
}

#[test]
fn a_chain_of_thousands_of_policies_compiles() {
    let count = 3_000;
    let policies: Vec<Source> = (0..count)
        .map(|index| {
            let next = if index + 1 < count {
                format!("2. Go to #P{}.\n", index + 1)
            } else {
                String::new()
            };
            Source::new(
                format!("p{index}.md"),
                format!("---\npolicy: P{index}\n---\n1. Say hello.\n{next}"),
            )
        })
        .collect();
    let states = on_a_worker_stack(move || compile(&policies, &[]).machine.state_count());
    assert!(states >= count, "{states}");
}
