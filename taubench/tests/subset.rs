//! CI subset: every dev task, once, with the scripted customer in structured
//! phrasing, through the compiled retail policy. The verdict of each task is
//! a snapshot, so a task that starts or stops passing shows in review.
//! Without the shared data it fails under CI (`CI` set), where the data is
//! always beside the clone, and is skipped with a note elsewhere.

// A test binary: it may unwrap and expect (libraries may not).
#![allow(clippy::expect_used)]

use keel_taubench::bench::{Bench, Mode, Options};

/// The bench over the shared data; `None` (skipped, with a note) where the
/// data is not beside the clone, which CI (`CI` set) never allows.
fn bench() -> Option<Bench> {
    match keel_taubench::data_dir() {
        Ok(dir) => Some(Bench::load(&dir).expect("the bench loads")),
        Err(error) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "the τ-bench data must be present in CI: {error}"
            );
            eprintln!("skipped: {error}");
            None
        }
    }
}

#[test]
fn every_dev_task_scripted() {
    let Some(bench) = bench() else {
        return;
    };
    let report = bench.run(
        &Options {
            mode: Mode::Structured,
            runs: 1,
            splits: vec!["dev".to_string()],
            tasks: Vec::new(),
            limit: None,
        },
        None,
    );
    assert_eq!(report.tasks.len(), 20);
    let verdicts: Vec<String> = report
        .tasks
        .iter()
        .map(
            |task| match task.runs.first().and_then(|run| run.failure.as_deref()) {
                None => format!("{} pass", task.name),
                Some(why) => format!("{} FAIL {why}", task.name),
            },
        )
        .collect();
    insta::assert_snapshot!(verdicts.join("\n"));
}

/// Train tasks that once failed for a general reason, kept passing: a reply
/// kept for a later question answered the next request's question after a
/// write (train/117 returned the grill for "the makeup kit, medium"), and
/// a short word of an option's value was skipped ("brand a", train/211).
#[test]
fn train_tasks_that_caught_general_bugs() {
    let Some(bench) = bench() else {
        return;
    };
    let report = bench.run(
        &Options {
            mode: Mode::Structured,
            runs: 1,
            splits: vec!["train".to_string()],
            tasks: vec!["train/117".to_string(), "train/211".to_string()],
            limit: None,
        },
        None,
    );
    assert_eq!(report.tasks.len(), 2);
    for task in &report.tasks {
        let failure = task.runs.first().and_then(|run| run.failure.clone());
        assert_eq!(failure, None, "{}", task.name);
    }
}

/// A reply kept for a later question keeps only what its answer did not
/// use: in dev/12 with varied wording (seed 0), "I'd like to change the
/// payment method of an order" chose the request, and its "payment method"
/// then picked the original payment method at the payment question, so
/// keel refused the change ("the new payment method must differ") without
/// asking. The question is asked now, and the task passes.
#[test]
fn an_answer_given_early_never_reuses_the_words_of_an_answer_already_given() {
    let Some(bench) = bench() else {
        return;
    };
    let task = bench.task("dev/12").expect("dev/12");
    let run = bench.run_task(task, Mode::Natural, 0, None);
    assert!(
        run.transcript
            .contains("customer: I'd like to change the payment method of an order."),
        "the wording this test is about:\n{}",
        run.transcript
    );
    assert!(
        run.transcript
            .contains("Which payment method do you want to pay with instead?"),
        "{}",
        run.transcript
    );
    assert_eq!(run.failure, None, "{}", run.transcript);
}
