//! The confirmation corpus (`tests/data/confirmation_corpus.jsonl`): replies
//! to the cancellation example's read-back, written and labelled by an
//! author who had not read the rules. Each is played at the real read-back
//! of `single_order_cancellation`; none may cancel unless it is an explicit
//! yes, and every explicit yes must. The whole result is pinned line by line.

use crate::common::{example, root, today};
use keel_runtime::{Conversation, DemoStore, Effect, Evidence, Machine};
use std::fmt::Write as _;

/// What the conversation did with the reply.
fn outcome(machine: &Machine, reply: &str) -> (&'static str, String) {
    let mut store = DemoStore::embedded(today());
    let mut conversation = Conversation::new(machine, today());
    conversation.start_blocking(&mut store);
    conversation.reply_blocking("maya@example.com", &mut store);
    conversation.reply_blocking("1", &mut store);
    let before = conversation.entries().len();
    conversation.reply_blocking(reply, &mut store);
    let entries = &conversation.entries()[before..];
    let rule = entries
        .iter()
        .flat_map(|entry| &entry.output.taken)
        .find_map(|taken| match &taken.evidence {
            Evidence::Slot { rule, .. } => Some(rule.to_string()),
            _ => None,
        })
        .or_else(|| {
            entries
                .first()
                .and_then(|entry| entry.output.reasked.map(|_| "re-asked".to_string()))
        })
        .unwrap_or_default();
    let cancelled = entries.iter().any(|entry| {
        entry.output.effects.iter().any(
            |effect| matches!(effect, Effect::CallTool(call) if call.tool.as_ref() == "cancel_order"),
        )
    });
    let got = if cancelled {
        "confirm"
    } else {
        match conversation.session().outcome() {
            Some("kept") => "decline",
            Some("escalated") => "human",
            None => "unclear",
            Some(_) => "other",
        }
    };
    (got, rule)
}

/// One JSON line's reply and label.
fn rows(file: &str) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(root().join("runtime/tests/data").join(file))
        .unwrap_or_else(|error| panic!("{file}: {error}"));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("{file}: {error}: {line}"));
            let field = |name: &str| row[name].as_str().unwrap_or_default().to_string();
            (field("reply"), field("expect"), field("kind"))
        })
        .collect()
}

#[test]
fn no_reply_confirms_without_an_explicit_yes() {
    let machine = example("single_order_cancellation");
    let mut false_confirmations = Vec::new();
    let mut missed_yeses = Vec::new();
    let mut right = 0;
    let mut pinned = String::new();
    let rows = rows("confirmation_corpus.jsonl");
    for (reply, expected, kind) in &rows {
        let (got, rule) = outcome(&machine, reply);
        // A request for a person is handed to one: the safe reading of a
        // reply the author labelled "ask again".
        let agrees = got == expected || (got == "human" && kind == "human_request");
        if agrees {
            right += 1;
        }
        if got == "confirm" && expected != "confirm" {
            false_confirmations.push(reply.clone());
        }
        if expected == "confirm" && got != "confirm" {
            missed_yeses.push(reply.clone());
        }
        let mark = if agrees { "  " } else { "✗ " };
        let _ = writeln!(pinned, "{mark}{expected:7} → {got:7} {rule:28} {reply:?}");
    }
    println!(
        "confirmation corpus: {right}/{} as labelled; {} false confirmations; {} explicit yeses not confirmed",
        rows.len(),
        false_confirmations.len(),
        missed_yeses.len()
    );
    assert!(rows.len() >= 300, "the corpus has {} replies", rows.len());
    assert!(
        false_confirmations.is_empty(),
        "these replies cancelled the order without an explicit yes: {false_confirmations:#?}"
    );
    assert!(
        missed_yeses.is_empty(),
        "these explicit yeses did not confirm: {missed_yeses:#?}"
    );
    insta::assert_snapshot!("confirmation_corpus", pinned);
}

/// The reply's reading at an ordinary yes/no question, as the corpus labels it.
fn ordinary(question: &str, reply: &str) -> &'static str {
    use keel_runtime::slots::{Answer, Question, understand};
    match understand(Question::YesNo { prompt: question }, reply, today()).answer {
        Answer::Yes => "yes",
        Answer::No => "no",
        Answer::Human => "human",
        _ => "unclear",
    }
}

#[test]
fn ordinary_yes_no_questions_are_read_leniently() {
    let text = std::fs::read_to_string(root().join("runtime/tests/data/yes_no_corpus.jsonl"))
        .expect("the corpus is readable");
    let mut right = 0;
    let mut total = 0;
    let mut pinned = String::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let field = |name: &str| row[name].as_str().unwrap_or_default().to_string();
        let (question, reply, expected) = (field("question"), field("reply"), field("expect"));
        let got = ordinary(&question, &reply);
        total += 1;
        let mark = if got == expected {
            right += 1;
            "  "
        } else {
            "✗ "
        };
        let _ = writeln!(pinned, "{mark}{expected:7} → {got:7} {reply:?}");
    }
    println!("ordinary yes/no corpus: {right}/{total} as labelled");
    // The two the issue names, at every kind of yes/no question.
    assert_eq!(
        ordinary(
            "Would you like to hear about our other delivery options?",
            "sure, why not"
        ),
        "yes"
    );
    assert_eq!(
        ordinary(
            "Can you confirm that your order #1042 was delivered?",
            "yes and no, only half of it came"
        ),
        "unclear"
    );
    insta::assert_snapshot!("yes_no_corpus", pinned);
}

mod never_confirms {
    //! Any reply with a question mark, an `if`, or an order number other
    //! than the read-back's never confirms, whatever else it says.

    use super::outcome;
    use crate::common::example;
    use keel_runtime::Machine;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    /// Compiled once for every case.
    static MACHINE: OnceLock<Machine> = OnceLock::new();

    /// Words that confirm on their own or agree with the read-back.
    const AGREEING: &[&str] = &[
        "yes",
        "Yes,",
        "yeah",
        "sure",
        "please",
        "cancel",
        "it",
        "go ahead",
        "do it",
        "confirm",
        "absolutely",
        "the order",
        "#100000311",
        "100000311",
        "$79.00",
        "9 March",
        "2026",
        "thanks",
        "👍",
        "ok",
        "the linen shirt",
        "now",
        "definitely",
        "I'm sure",
        "proceed",
        "!",
        ".",
    ];

    fn trap() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("?".to_string()),
            Just("if".to_string()),
            Just("If".to_string()),
            Just("#100000305".to_string()),
            Just("order 100000298".to_string()),
            // Any other number of three to nine digits that is not the
            // read-back's id nor its ending.
            (100u64..999_999_999)
                .prop_filter("another id", |number| {
                    !"100000311".ends_with(&number.to_string())
                })
                .prop_map(|number| format!("#{number}")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(200)
        ))]

        #[test]
        fn a_question_a_condition_or_another_order_never_confirms(
            words in prop::collection::vec(prop::sample::select(AGREEING), 0..8),
            trap in trap(),
            at in 0usize..9,
        ) {
            let machine = MACHINE.get_or_init(|| example("single_order_cancellation"));
            let mut parts: Vec<String> = words.iter().map(|word| word.to_string()).collect();
            let at = at.min(parts.len());
            parts.insert(at, trap);
            let reply = parts.join(" ");
            let (got, rule) = outcome(machine, &reply);
            prop_assert_ne!(got, "confirm", "{:?} confirmed ({})", reply, rule);
        }
    }
}

/// A refund read-back built by hand: the unit-level reader on another
/// action and record than the cancellation example's.
fn refund_reading(reply: &str) -> &'static str {
    use keel_runtime::Value;
    use keel_runtime::slots::{Answer, Question, ReadBack, understand};
    use std::sync::Arc;
    let order = |id: &str, items: &str, status: &str| {
        Value::record(vec![
            (Arc::from("id"), Value::text(id)),
            (Arc::from("items"), Value::text(items)),
            (Arc::from("status"), Value::text(status)),
        ])
    };
    let shown = order("1031", "Ceramic mug set", "Delivered");
    let other = order("1042", "Trail running shoes", "Shipped");
    let read_back = ReadBack {
        text: "Shall I refund $42.00 for the ceramic mug set from order #1031 to your original payment method?",
        records: vec![&shown],
        others: vec![&other],
        position: None,
    };
    match understand(Question::Confirm(&read_back), reply, today()).answer {
        Answer::Yes => "confirm",
        Answer::No => "decline",
        Answer::Human => "human",
        _ => "unclear",
    }
}

/// The fresh batch (`tests/data/fresh/`), written after the reader by a
/// second author who had not read the rules; measured once before any
/// change for it (README gives those figures) and pinned since.
#[test]
fn a_fresh_batch_of_replies_never_confirms_without_an_explicit_yes() {
    let machine = example("single_order_cancellation");
    let mut pinned = String::new();
    let mut false_confirmations = Vec::new();
    for (file, read) in [
        ("fresh/confirmation_cancel.jsonl", None),
        (
            "fresh/confirmation_refund.jsonl",
            Some(refund_reading as fn(&str) -> &'static str),
        ),
    ] {
        let rows = rows(file);
        let mut right = 0;
        let mut missed = 0;
        let _ = writeln!(pinned, "== {file}");
        for (reply, expected, _) in &rows {
            let got = match read {
                Some(read) => read(reply),
                None => outcome(&machine, reply).0,
            };
            if got == expected {
                right += 1;
            }
            if got == "confirm" && expected != "confirm" {
                false_confirmations.push(reply.clone());
            }
            if expected == "confirm" && got != "confirm" {
                missed += 1;
            }
            let mark = if got == expected { "  " } else { "✗ " };
            let _ = writeln!(pinned, "{mark}{expected:7} → {got:7} {reply:?}");
        }
        println!(
            "{file}: {right}/{} as labelled; {missed} explicit yeses re-asked",
            rows.len()
        );
    }
    assert!(
        false_confirmations.is_empty(),
        "these replies confirmed without an explicit yes: {false_confirmations:#?}"
    );
    insta::assert_snapshot!("fresh_confirmation_batch", pinned);
}
