//! The email corpus (`tests/data/email_corpus.jsonl`, written and labelled
//! by an author who had not read the rules): one address is taken, an
//! address the reply takes back is set aside, and a reply that offers
//! several addresses is asked about, never read as its first. Pinned line
//! by line.

use crate::common::{root, today};
use keel_runtime::Value;
use keel_runtime::slots::{Answer, Question, understand};
use std::fmt::Write as _;

#[test]
fn several_addresses_are_asked_about_never_taken_silently() {
    check("email_corpus.jsonl", "email_corpus");
}

/// The fresh batch, written after the rules by a second blind author.
#[test]
fn a_fresh_batch_of_email_replies() {
    check("fresh/email.jsonl", "fresh_email");
}

fn check(file: &str, snapshot: &str) {
    let text = std::fs::read_to_string(root().join("runtime/tests/data").join(file))
        .unwrap_or_else(|error| panic!("{file}: {error}"));
    let mut pinned = String::new();
    let mut right = 0;
    let mut total = 0;
    let mut first_taken_silently = Vec::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let row: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("{file}: {error}: {line}"));
        let reply = row["reply"].as_str().unwrap_or_default();
        let expected = row["expect"].as_str().unwrap_or_default();
        let understood = understand(Question::Email, reply, today());
        let got = match (&understood.answer, understood.rule) {
            (Answer::Value(Value::Text(email)), _) => format!("email:{email}"),
            (Answer::Unclear, "email-several") => "ask_which".to_string(),
            (Answer::Human, _) => "human".to_string(),
            _ => "unclear".to_string(),
        };
        if expected == "ask_which" && got.starts_with("email:") {
            first_taken_silently.push(reply.to_string());
        }
        total += 1;
        let mark = if got == expected {
            right += 1;
            "  "
        } else {
            "✗ "
        };
        let _ = writeln!(pinned, "{mark}{expected:30} → {got:30} {reply:?}");
    }
    // Shown with `--nocapture`; the snapshot pins every line.
    eprintln!("{file}: {right}/{total} as labelled");
    assert!(
        first_taken_silently.is_empty(),
        "a reply with several addresses was read as one of them: {first_taken_silently:#?}"
    );
    insta::assert_snapshot!(snapshot, pinned);
}
