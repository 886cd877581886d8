//! End to end against a real small model served on loopback by llama.cpp's
//! OpenAI-compatible server (`scripts/local-llm/start.sh` installs it,
//! hash-pinned, and prints the settings). Without `KEEL_LLM_BASE_URL` these
//! tests say so and pass, unless `KEEL_LLM_REQUIRED=1` (as `.ci/run` sets
//! when the model is up), which makes a missing model a failure.
//!
//! They assert what must hold whatever the model says — answers
//! schema-valid and inside the closed set, failures falling back to the
//! rules, no move outside the question's own edges for any reply of the
//! injection corpus — and exact labels only for clear-cut replies.

use crate::common::{QUESTIONS, check_turn, injections, machine, run_to_ask};
use keel_llm::intent::LlmInterpreter;
use keel_llm::{Client, Config};
use keel_runtime::{Event, IntentQuestion};
use std::time::Duration;

/// The configured real model, or `None` (said loudly) when there is none.
fn real_config() -> Option<Config> {
    let config = Config::from_env(|name| std::env::var(name).ok()).expect("valid LLM settings");
    if config.is_none() {
        let required = std::env::var("KEEL_LLM_REQUIRED").is_ok_and(|value| value == "1");
        assert!(
            !required,
            "KEEL_LLM_REQUIRED=1 but KEEL_LLM_BASE_URL is not set: the real-model test cannot run"
        );
        eprintln!(
            "REAL-MODEL TEST NOT RUN: set KEEL_LLM_BASE_URL and KEEL_LLM_MODEL (scripts/local-llm/start.sh)"
        );
    }
    config.map(|mut config| {
        // Small models on shared 2-core machines are slow under load.
        config.timeout = Duration::from_secs(60);
        config
    })
}

fn interpreter(config: &Config) -> LlmInterpreter {
    LlmInterpreter::new(Client::new(config.clone()).expect("a client"))
}

#[test]
fn real_model_injection_corpus_moves_only_along_the_questions_own_edges() {
    let Some(config) = real_config() else {
        return;
    };
    let mut llm = interpreter(&config);
    let mut failures = Vec::new();
    let mut chosen = Vec::new();
    let machines = QUESTIONS.map(|(name, prefix)| (name, prefix, machine(name)));
    let corpus = injections();
    // Each reply once, the questions taking turns: the whole corpus meets
    // the real model at both kinds of question in half the CI time.
    for (index, injection) in corpus.iter().enumerate() {
        let (name, prefix, machine) = &machines[index % machines.len()];
        match check_turn(machine, prefix, injection, &mut llm) {
            Ok(value) => chosen.push(format!("{name}: {injection:?} → {value}")),
            Err(why) => failures.push(format!("{name}: {injection:?}: {why}")),
        }
    }
    eprintln!("{}", chosen.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        llm.requests <= corpus.len() as u32,
        "one call per reply at most"
    );
}

#[test]
fn real_model_answers_clear_cut_replies() {
    let Some(config) = real_config() else {
        return;
    };
    let mut llm = interpreter(&config);
    let yes_no = |reply: &str| IntentQuestion {
        state: "test".to_string(),
        prompt: "Can you confirm that your order #1031 was delivered?".to_string(),
        reply: reply.to_string(),
        options: vec!["yes".to_string(), "no".to_string()],
    };
    let offers = |reply: &str| IntentQuestion {
        state: "test".to_string(),
        prompt: "Which would you like: Discount Offer, Shipping Upgrade or Future Discount?"
            .to_string(),
        reply: reply.to_string(),
        options: vec![
            "Discount Offer".to_string(),
            "Shipping Upgrade".to_string(),
            "Future Discount".to_string(),
        ],
    };
    // Only the plainest replies are clear-cut enough for an exact label.
    // With keel's conservative prompt the 0.5B model reads even "No." as
    // unclear (measured; the rules then ask again), so for "no" the test
    // holds only that it never flips to "yes".
    let cases = [
        (yes_no("Yes."), "yes"),
        (yes_no("Yes, it was delivered."), "yes"),
        (offers("Shipping Upgrade"), "Shipping Upgrade"),
        (offers("Future Discount"), "Future Discount"),
    ];
    for (question, expected) in cases {
        let interpretation = keel_runtime::block_on(llm.ask(&question)).expect("a runtime");
        assert_eq!(interpretation.error, None, "{question:?}");
        let output = interpretation.output.clone().unwrap_or_default();
        let value: serde_json::Value = serde_json::from_str(&output).expect("schema-valid JSON");
        assert_eq!(value["choice"], interpretation.chosen, "{output}");
        assert_eq!(interpretation.chosen, expected, "{question:?}");
    }
    for reply in ["No.", "No, it was not delivered."] {
        let interpretation = keel_runtime::block_on(llm.ask(&yes_no(reply))).expect("a runtime");
        assert_ne!(interpretation.chosen, "yes", "{reply:?} read as yes");
    }
}

#[test]
fn real_model_too_slow_falls_back_to_the_rules() {
    let Some(mut config) = real_config() else {
        return;
    };
    config.timeout = Duration::from_millis(1);
    config.retries = 0;
    let mut llm = interpreter(&config);
    let machine = machine("magento_cancel_retention");
    let (mut conversation, mut store, ask) = run_to_ask(&machine, QUESTIONS[0].1);
    let first = conversation.reply_interpreting_blocking("hmm", &mut store, &mut llm);
    let entry = &conversation.entries()[first];
    let Event::Interpreted(interpretation) = &entry.event else {
        panic!("the call is logged");
    };
    assert_eq!(interpretation.chosen, "unclear");
    assert!(interpretation.error.is_some());
    assert_eq!(entry.output.reasked, Some(1));
    assert_eq!(conversation.session().state(), ask);
}

#[test]
fn real_model_rewrites_are_judged_by_the_compiler() {
    let Some(config) = real_config() else {
        return;
    };
    let client = Client::new(config).expect("a client");
    let read = |name: &str| {
        let path = format!("compiler/tests/data/lock/{name}");
        let text = std::fs::read_to_string(crate::common::root().join(&path)).expect("readable");
        keel_compiler::Source::new(path, text)
    };
    let (policies, catalogs) = (vec![read("policy.md")], vec![read("catalog.toml")]);
    let compilation = keel_compiler::compile(&policies, &catalogs);
    assert!(compilation.unread.len() >= 2, "{:?}", compilation.unread);
    for unread in compilation.unread.iter().take(2) {
        let rewrite = keel_runtime::block_on(keel_llm::extraction::rewrite(
            &client,
            unread,
            &compilation.catalog,
        ))
        .expect("a runtime")
        .expect("a schema-valid answer");
        // Accepted or rejected, the compiler decides; a rejection says why.
        let verdict = keel_compiler::lock::accept(
            &policies,
            &catalogs,
            &keel_compiler::lock::Lock::new("real"),
            unread,
            &rewrite,
        );
        if let Err(why) = verdict {
            assert!(!why.is_empty());
        }
    }
}
