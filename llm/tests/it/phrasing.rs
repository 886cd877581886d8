//! Phrasing: the fact guard on `tests/data/phrasing.jsonl` (each rewording
//! accepted or refused as labelled), and a conversation whose messages are
//! reworded through the stub: accepted rewordings are sent, refused ones
//! fall back to the template, every decision is logged and replays.

use crate::common::{machine, today};
use crate::stub::{Reply, Stub};
use keel_llm::phrasing::{LlmPhraser, facts, guard};
use keel_llm::{Client, Config};
use keel_runtime::{Conversation, DemoStore, Event, log};
use serde_json::Value;
use std::sync::Arc;

#[test]
fn the_guard_accepts_and_refuses_as_labelled() {
    let text = std::fs::read_to_string(crate::common::root().join("llm/tests/data/phrasing.jsonl"))
        .expect("the phrasing cases");
    let mut wrong = Vec::new();
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).expect("a JSON line");
        let template = row["template"].as_str().unwrap_or_default();
        let phrased = row["phrased"].as_str().unwrap_or_default();
        let expected = row["expect"].as_str().unwrap_or_default();
        let verdict = guard(template, phrased);
        let got = if verdict.is_ok() { "accept" } else { "reject" };
        if got != expected {
            wrong.push(format!("{phrased:?}: expected {expected}, got {verdict:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        facts("Your order #1042 was shipped on 4 March 2026 to Maya."),
        ["#1042", "4", "March", "2026", "Maya"]
    );
}

#[test]
fn reworded_messages_are_sent_only_when_the_guard_agrees_and_are_logged() {
    let machine = machine("shopify_wismo");
    // Rewords by prefixing; drops every number from the order list.
    let stub = Stub::always(Reply::With(Arc::new(|request: &Value| {
        let message = request["messages"][1]["content"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("Message: ")
            .to_string();
        let reworded = if message.contains("recent orders") {
            "Here are your orders. Which one?".to_string()
        } else {
            format!("Hi there! {message}")
        };
        serde_json::json!({ "message": reworded }).to_string()
    })));
    let mut phraser =
        LlmPhraser::new(Client::new(Config::new(&stub.base_url, "stub-model")).expect("a client"));
    let mut store = DemoStore::embedded(today());
    let mut conversation = Conversation::new(&machine, today());
    let mut sent = Vec::new();
    for reply in [None, Some("maya@example.com")] {
        let first = match reply {
            None => conversation.start_blocking(&mut store),
            Some(reply) => conversation.reply_blocking(reply, &mut store),
        };
        keel_runtime::block_on(conversation.phrase_since(first, &mut phraser))
            .expect("a tokio runtime");
        sent.extend(conversation.messages_since(first).map(str::to_string));
    }
    assert_eq!(sent[0], "Hi there! Could you share your email address?");
    assert!(
        sent[1].starts_with("Here are your recent orders:\n1. Order #1042"),
        "{sent:?}"
    );
    let decisions: Vec<(bool, String)> = conversation
        .entries()
        .iter()
        .filter_map(|entry| match &entry.event {
            Event::Phrased(phrasing) => Some((phrasing.accepted, phrasing.verdict.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(decisions.len(), 2);
    assert!(decisions[0].0);
    assert!(
        !decisions[1].0,
        "the list lost its facts: {}",
        decisions[1].1
    );
    let written = log::write(&conversation, &[]);
    let replayed = log::replay(&machine, &written).expect("the log replays without the LLM");
    assert_eq!(log::write(&replayed, &[]), written);
}
