//! The reply-reading rules case by case (`tests/data/replies/`): picks by
//! a number or a date an item shows, by the words of its name, refusals,
//! options named by the policy's words about them, negated mentions,
//! questions, self-corrections — each line a reply and what a person reads
//! in it. Pinned line by line with the rule that decided; `✗` marks a line
//! read otherwise than `expect` (none are left: a new one is a regression
//! or a new case to look at).

use crate::common::{root, today};
use keel_runtime::Value;
use keel_runtime::slots::{Answer, Question, ReadBack, understand};
use std::fmt::Write as _;

fn data(name: &str) -> String {
    let path = root().join("runtime/tests/data/replies").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn rows(name: &str) -> Vec<serde_json::Value> {
    data(name)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|error| panic!("{name}: {error}: {line}"))
        })
        .collect()
}

fn field<'a>(row: &'a serde_json::Value, name: &str) -> &'a str {
    row[name].as_str().unwrap_or_default()
}

/// What an answer is, in the files' terms.
fn shown(answer: &Answer, items: &[Value], labels: &[&str]) -> String {
    match answer {
        Answer::Item(index) => items
            .get(*index)
            .and_then(|item| item.field("id"))
            .and_then(Value::as_text)
            .unwrap_or("?")
            .to_string(),
        Answer::Option(index) => labels.get(*index).unwrap_or(&"?").to_string(),
        Answer::NoneOfThem => "none_of_them".to_string(),
        Answer::Decline => "decline".to_string(),
        Answer::Yes => "yes".to_string(),
        Answer::No => "no".to_string(),
        Answer::Human => "human".to_string(),
        Answer::Value(Value::Text(text)) => text.to_string(),
        Answer::Value(other) => format!("{other:?}"),
        Answer::Items(_) => "items".to_string(),
        Answer::Repair(intent) => intent.name().to_string(),
        Answer::Unclear => "unclear".to_string(),
    }
}

/// Reads every line of `file` with `read` and pins what it gave.
fn pin(
    file: &str,
    out: &mut String,
    mut read: impl FnMut(&serde_json::Value) -> (String, &'static str),
) {
    let lines = rows(file);
    let mut right = 0;
    let mut body = String::new();
    for row in &lines {
        let (got, rule) = read(row);
        let expect = field(row, "expect");
        let mark = if got == expect {
            right += 1;
            "  "
        } else {
            "✗ "
        };
        let _ = writeln!(
            body,
            "{mark}{expect:22} → {got:22} {rule:26} {:?}",
            field(row, "reply")
        );
    }
    let _ = writeln!(out, "{file}: {right}/{} as expected\n{body}", lines.len());
}

#[test]
fn replies_are_read_by_general_rules() {
    let lists: serde_json::Value =
        serde_json::from_str(&data("lists.json")).unwrap_or_else(|error| panic!("{error}"));
    let list = |name: &str| -> Vec<Value> {
        Value::from_json(&lists[name])
            .as_list()
            .unwrap_or_else(|| panic!("lists.json has no list `{name}`"))
            .to_vec()
    };
    let mut out = String::new();

    pin("picks.jsonl", &mut out, |row| {
        let items = list(field(row, "list"));
        let read = understand(Question::Item(&items), field(row, "reply"), today());
        (shown(&read.answer, &items, &[]), read.rule)
    });

    let options: serde_json::Value =
        serde_json::from_str(&data("options.json")).unwrap_or_else(|error| panic!("{error}"));
    let strings = |name: &str| -> Vec<String> {
        options[name]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|value| value.as_str().map(str::to_string))
            .collect()
    };
    let (labels, described) = (strings("labels"), strings("described"));
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let described: Vec<&str> = described.iter().map(String::as_str).collect();
    pin("options.jsonl", &mut out, |row| {
        // A line may bring its own labels (without descriptions).
        let own: Vec<&str> = row["labels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .collect();
        let (question, shown_labels) = if own.is_empty() {
            (Question::Described(&labels, &described), &labels)
        } else {
            (Question::Options(&own), &own)
        };
        let read = understand(question, field(row, "reply"), today());
        (shown(&read.answer, &[], shown_labels), read.rule)
    });

    pin("yes_no.jsonl", &mut out, |row| {
        let prompt = field(row, "prompt");
        let read = understand(Question::YesNo { prompt }, field(row, "reply"), today());
        (shown(&read.answer, &[], &[]), read.rule)
    });

    // Maya's orders at the single-order cancellation's read-back of #100000311.
    let order = |id: &str, increment: &str, items: &str, amount: &str, date: &str| {
        Value::from_json(&serde_json::json!({
            "id": id, "increment_id": increment, "items": items, "created_at": date,
            "total": { "amount": amount, "currency": "USD" }
        }))
    };
    let shirt = order("311", "100000311", "Linen shirt", "79.00", "2026-03-09");
    let espresso = order(
        "305",
        "100000305",
        "Espresso machine",
        "240.00",
        "2026-03-07",
    );
    let read_back = ReadBack {
        text: "Do you want to cancel order #100000311 placed on 9 March 2026 for $79.00?",
        records: vec![&shirt],
        others: vec![&espresso],
        position: Some(1),
    };
    pin("confirm.jsonl", &mut out, |row| {
        let read = understand(Question::Confirm(&read_back), field(row, "reply"), today());
        (shown(&read.answer, &[], &[]), read.rule)
    });

    pin("email.jsonl", &mut out, |row| {
        let read = understand(Question::Email, field(row, "reply"), today());
        let got = match (&read.answer, read.rule) {
            (Answer::Unclear, rule @ "email-several") => rule.to_string(),
            (answer, _) => shown(answer, &[], &[]),
        };
        (got, read.rule)
    });

    insta::assert_snapshot!("replies", out);
}
