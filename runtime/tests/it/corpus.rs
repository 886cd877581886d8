//! Runs the labelled corpus (`tests/data/slot_corpus.jsonl`) through the
//! slot rules and pins the result line by line: the snapshot holds, for
//! every reply, what the rules read and by which rule, with known misses
//! marked `MISS`, and the accuracy per slot. A rule change that reads any
//! reply differently shows up in review, however the total moves.

use crate::common::{order, today};
use keel_runtime::Value;
use keel_runtime::slots::{Answer, Question, understand};
use std::collections::BTreeMap;

const OPTIONS: [&str; 3] = ["Discount Offer", "Shipping Upgrade", "Future Discount"];

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
        Answer::Items(indexes) => format!(
            "items:{}",
            indexes
                .iter()
                .map(|index| items
                    .get(*index)
                    .and_then(|item| item.field("id"))
                    .and_then(Value::as_text)
                    .unwrap_or("?"))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Answer::NoneOfThem => "none".to_string(),
        Answer::Repair(intent) => intent.name().to_string(),
        Answer::Unclear => "unclear".to_string(),
    }
}

#[test]
fn slot_rules_read_the_corpus_as_pinned() {
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
    let mut lines = Vec::new();
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
            && !matches!(
                understood.answer,
                Answer::Human | Answer::Unclear | Answer::Repair(_)
            )
        {
            actual = format!("{slot}:{actual}");
        }
        let entry = per_slot.entry(slot.to_string()).or_default();
        entry.1 += 1;
        let mark = if actual == expected {
            entry.0 += 1;
            String::new()
        } else {
            format!("  MISS: expected {expected}")
        };
        lines.push(format!(
            "{:3} {slot} {reply:?} → {actual} ({}){mark}",
            number + 1,
            understood.rule
        ));
    }
    let right: usize = per_slot.values().map(|(right, _)| right).sum();
    let total: usize = per_slot.values().map(|(_, total)| total).sum();
    assert!(total >= 150, "the corpus has only {total} replies");
    let mut report = format!(
        "slot rules: {right}/{total} = {:.1} %\n",
        right as f64 * 100.0 / total as f64
    );
    for (slot, (right, total)) in &per_slot {
        report.push_str(&format!("  {slot:8} {right}/{total}\n"));
    }
    report.push('\n');
    report.push_str(&lines.join("\n"));
    insta::assert_snapshot!(report);
}
