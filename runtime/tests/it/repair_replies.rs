//! The blind reply corpus of conversation repair
//! (`tests/data/blind/repair_replies.jsonl`): single replies to an order
//! list, an offers question and a yes/no question, written and labelled by
//! an author who had not read the rules — picks, negations and
//! self-corrections inside a reply, questions that are not answers,
//! "never mind", "start over", "repeat", "my other order". Pinned line by
//! line; README gives the figure before the repair work and now.

use crate::common::{order, root, today};
use keel_runtime::Value;
use keel_runtime::slots::{Answer, Question, Repair, understand};
use std::fmt::Write as _;

const OPTIONS: [&str; 3] = ["Discount Offer", "Shipping Upgrade", "Future Discount"];

/// The answer in the corpus's labels.
fn label(answer: &Answer, items: &[Value]) -> String {
    match answer {
        Answer::Item(index) => format!(
            "item:{}",
            items
                .get(*index)
                .and_then(|item| item.field("id"))
                .and_then(Value::as_text)
                .unwrap_or("?")
        ),
        Answer::Option(index) => format!("option:{}", OPTIONS.get(*index).unwrap_or(&"?")),
        Answer::NoneOfThem => "none_of_them".to_string(),
        Answer::Decline => "decline".to_string(),
        Answer::Yes => "yes".to_string(),
        Answer::No => "no".to_string(),
        Answer::Human => "human".to_string(),
        Answer::Repair(Repair::Question) => "question".to_string(),
        Answer::Repair(Repair::CancelFlow) => "cancel_flow".to_string(),
        Answer::Repair(Repair::StartOver) => "start_over".to_string(),
        Answer::Repair(Repair::Repeat) => "repeat".to_string(),
        Answer::Repair(Repair::Skip) => "skip".to_string(),
        Answer::Repair(Repair::SomethingElse) => "something_else".to_string(),
        Answer::Repair(Repair::CannotHandle) => "cannot_handle".to_string(),
        _ => "unclear".to_string(),
    }
}

#[test]
fn repair_replies_are_read_as_a_person_reads_them() {
    let file = "runtime/tests/data/blind/repair_replies.jsonl";
    let text = std::fs::read_to_string(root().join(file))
        .unwrap_or_else(|error| panic!("{file}: {error}"));
    let items = vec![
        order("1042", "2026-03-04", "Trail running shoes", "Shipped"),
        order("1039", "2026-03-01", "Merino wool sweater", "In transit"),
        order("1031", "2026-02-18", "Ceramic mug set", "Delivered"),
    ];
    // What the Magento policy says about each offer (its line under the
    // question, "• Future Discount: Use @create_coupon(…) to give a 20%
    // coupon for their next order."), as the runtime reads it.
    let policy = "examples/magento_cancel_retention/policy.md";
    let policy = std::fs::read_to_string(root().join(policy))
        .unwrap_or_else(|error| panic!("{policy}: {error}"));
    let described: Vec<&str> = OPTIONS
        .iter()
        .map(|label| {
            policy
                .lines()
                .find_map(|line| line.split_once(&format!("{label}: ")).map(|(_, text)| text))
                .unwrap_or_else(|| panic!("the policy says nothing about {label}"))
        })
        .collect();
    let mut pinned = String::new();
    let mut right = 0;
    let mut total = 0;
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let row: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("{file}: {error}: {line}"));
        let field = |name: &str| row[name].as_str().unwrap_or_default().to_string();
        let (asked, reply, expected) = (field("question"), field("reply"), field("expect"));
        let question = if asked.starts_with("Here are your recent orders") {
            Question::Item(&items)
        } else if asked.starts_with("I can offer you") {
            Question::Described(&OPTIONS, &described)
        } else {
            Question::YesNo { prompt: &asked }
        };
        let got = label(&understand(question, &reply, today()).answer, &items);
        total += 1;
        let mark = if got == expected {
            right += 1;
            "  "
        } else {
            "✗ "
        };
        let _ = writeln!(pinned, "{mark}{expected:24} → {got:24} {reply:?}");
    }
    println!("repair replies: {right}/{total} as labelled");
    insta::assert_snapshot!("repair_replies", pinned);
}
