//! The blind conversation-repair corpus (`tests/data/blind/repair/<example>/`):
//! 175 conversations with the four examples, written and labelled by an
//! author who had not read keel's rules — answers given early, corrections,
//! questions in the middle, "never mind", "start over", "repeat", "my other
//! order". `keel test` runs each example's folder; which conversations pass,
//! and why each failing one fails, is a snapshot. A failure is a place where
//! keel and the author disagree: README ("Conversation repair") gives the
//! figure before the repair work and now, and why the rest still differ.

use crate::{Run, arg, keel, root, text};

#[test]
fn repair_conversations_of_the_four_examples() {
    let mut report = String::new();
    for example in [
        "bigcommerce_order_info",
        "magento_cancel_retention",
        "shopify_wismo",
        "single_order_cancellation",
    ] {
        let policy = root().join("examples").join(example);
        let conversations = root().join("tests/data/blind/repair").join(example);
        let run = keel(&[
            "test",
            arg(&policy),
            "--conversations",
            arg(&conversations),
            "--min-coverage",
            "0",
        ])
        .run();
        let output = text(&run.stdout);
        let passed = output
            .lines()
            .filter(|line| line.starts_with("  ok "))
            .count();
        let mut failures = String::new();
        let mut failed = 0;
        let mut in_failure = false;
        for line in output.lines() {
            if let Some(name) = line.strip_prefix("  FAIL ") {
                failed += 1;
                in_failure = true;
                failures.push_str(&format!("  FAIL {name}\n"));
            } else if in_failure && line.starts_with("       ") {
                failures.push_str(&format!("    {}\n", line.trim()));
            } else {
                in_failure = false;
            }
        }
        report.push_str(&format!(
            "{example}: {passed}/{} conversations as the author expected\n{failures}",
            passed + failed
        ));
    }
    insta::assert_snapshot!(report);
}
