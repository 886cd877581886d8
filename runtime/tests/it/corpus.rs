//! Runs the labelled corpus (`tests/data/slot_corpus.jsonl`) through the
//! slot rules, prints the accuracy per slot and every miss, and holds a floor.

use crate::common::today;
use keel_runtime::Value;
use keel_runtime::slots::{Answer, Question, understand};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The accuracy the rules must keep.
const FLOOR: f64 = 0.95;

const OPTIONS: [&str; 3] = ["Discount Offer", "Shipping Upgrade", "Future Discount"];

fn order(id: &str, date: &str, items: &str, status: &str) -> Value {
    Value::record(vec![
        (Arc::from("id"), Value::text(id)),
        (
            Arc::from("created_at"),
            Value::Date(keel_runtime::Date::parse_iso(date).unwrap_or(keel_runtime::Date(0))),
        ),
        (Arc::from("items"), Value::text(items)),
        (Arc::from("status"), Value::text(status)),
    ])
}

fn shown(answer: &Answer, items: &[Value]) -> String {
    match answer {
        Answer::Human => "human".to_string(),
        Answer::Value(Value::Text(text)) => text.to_string(),
        Answer::Value(Value::Number(number)) => format!("number:{number}"),
        Answer::Value(Value::Date(date)) => format!("date:{}", date.iso()),
        Answer::Value(other) => format!("{other:?}"),
        Answer::Yes => "yes".to_string(),
        Answer::No => "no".to_string(),
        Answer::Option(index) => format!("option:{}", OPTIONS.get(*index).unwrap_or(&"?")),
        Answer::Decline => "decline".to_string(),
        Answer::Item(index) => format!(
            "item:{}",
            items
                .get(*index)
                .and_then(|item| item.field("id"))
                .and_then(Value::as_text)
                .unwrap_or("?")
        ),
        Answer::NoneOfThem => "none".to_string(),
        Answer::Unclear => "unclear".to_string(),
    }
}

#[test]
fn slot_rules_meet_the_accuracy_floor() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/slot_corpus.jsonl"
    ))
    .expect("the corpus is readable");
    let items = vec![
        order("1042", "2026-03-04", "Trail running shoes", "Shipped"),
        order("1039", "2026-03-01", "Merino wool sweater", "In transit"),
        order("1031", "2026-02-18", "Ceramic mug set", "Delivered"),
    ];
    let prompt = "Can you confirm that your order #1031 was delivered?";
    let mut per_slot: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let row: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let slot = row["slot"].as_str().unwrap_or_default();
        let reply = row["reply"].as_str().unwrap_or_default();
        let expected = row["expect"].as_str().unwrap_or_default();
        let question = match slot {
            "email" => Question::Email,
            "yes_no" => Question::YesNo { prompt },
            "options" => Question::Options(&OPTIONS),
            "item" => Question::Item(&items),
            "number" => Question::Number,
            "date" => Question::Date,
            _ => Question::Text,
        };
        let understood = understand(question, reply, today());
        let mut actual = shown(&understood.answer, &items);
        if matches!(slot, "email" | "text")
            && !matches!(understood.answer, Answer::Human | Answer::Unclear)
        {
            actual = format!("{slot}:{actual}");
        }
        let entry = per_slot.entry(slot.to_string()).or_default();
        entry.1 += 1;
        if actual == expected {
            entry.0 += 1;
        } else {
            misses.push(format!(
                "line {}: {slot} {reply:?}: expected {expected}, got {actual} ({})",
                number + 1,
                understood.rule
            ));
        }
    }
    let right: usize = per_slot.values().map(|(right, _)| right).sum();
    let total: usize = per_slot.values().map(|(_, total)| total).sum();
    let accuracy = right as f64 / total as f64;
    println!("slot rules: {right}/{total} = {:.1} %", accuracy * 100.0);
    for (slot, (right, total)) in &per_slot {
        println!("  {slot:8} {right}/{total}");
    }
    for miss in &misses {
        println!("  miss {miss}");
    }
    assert!(total >= 150, "the corpus has only {total} replies");
    assert!(
        accuracy >= FLOOR,
        "accuracy {:.1} % is below the floor; misses:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}
