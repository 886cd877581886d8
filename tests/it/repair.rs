//! The blind conversation-repair corpora (`tests/data/blind/repair/<example>/`,
//! and fresh batches in `tests/data/blind/repair_b/`, `repair_c/` and
//! `repair_d/`): 175 + 60 + 60 + 60 conversations with the four examples, each batch written
//! and labelled by an author who had not read keel's rules — answers given early, corrections,
//! questions in the middle, "never mind", "start over", "repeat", "my other
//! order". `keel test` runs each example's folder; which conversations pass,
//! and why each failing one fails, is a snapshot. A failure is a place where
//! keel and the author disagree: README ("Conversation repair") gives the
//! figure before the repair work and now, and why the rest still differ.

use crate::{Run, arg, keel, root, text};
use std::path::Path;

/// What `keel test` prints for an example's policy and the conversations
/// in `corpus/<example>`.
fn keel_test(example: &str, corpus: &Path) -> String {
    let policy = root().join("examples").join(example);
    let conversations = corpus.join(example);
    let run = keel(&[
        "test",
        arg(&policy),
        "--conversations",
        arg(&conversations),
        "--min-coverage",
        "0",
    ])
    .run();
    text(&run.stdout)
}

#[test]
fn repair_conversations_of_the_four_examples() {
    let mut report = String::new();
    // `repair`: the first batch (175, since used to develop the reply rules);
    // `repair_b`: a fresh batch of 60 by another blind author, measured
    // before and after this round's reply rules with no change made for it;
    // `repair_c`: another fresh 60, measured the same way in the following
    // round (44 → 52/60) and once more at the start of the next (52/60),
    // then kept here as development material; `repair_d`: a fresh 60 the
    // next round, measured before (50/60) and after (54/60) its changes.
    for (corpus, example) in ["repair", "repair_b", "repair_c", "repair_d"]
        .into_iter()
        .flat_map(|corpus| {
            [
                "bigcommerce_order_info",
                "magento_cancel_retention",
                "shopify_wismo",
                "single_order_cancellation",
            ]
            .map(|example| (corpus, example))
        })
    {
        let output = keel_test(example, &root().join("tests/data/blind").join(corpus));
        let passed = output
            .lines()
            .filter(|line| line.starts_with("  ok "))
            .count();
        // Each failing conversation with the reasons `keel test` gives.
        let mut failing: Vec<(String, Vec<String>)> = Vec::new();
        for line in output.lines() {
            if let Some(name) = line.strip_prefix("  FAIL ") {
                failing.push((name.to_string(), Vec::new()));
            } else if let (Some((_, reasons)), true) =
                (failing.last_mut(), line.starts_with("       "))
            {
                reasons.push(line.trim().to_string());
            }
        }
        // The corpus was written when a plain ending was named `resolved`;
        // since issue #16 keel names it `ended` (`resolved` only right after
        // the customer's yes). A conversation that differs in that name
        // alone is counted apart, not as passing.
        let renamed = |reasons: &[String]| {
            !reasons.is_empty()
                && reasons
                    .iter()
                    .all(|reason| reason == "outcome: expected `resolved`, got `ended`")
        };
        let only_renamed = failing
            .iter()
            .filter(|(_, reasons)| renamed(reasons))
            .count();
        report.push_str(&format!(
            "{corpus}/{example}: {passed}/{} conversations as the author expected; {only_renamed} more differ only in the plain ending's name (`ended`)\n",
            passed + failing.len()
        ));
        for (name, reasons) in &failing {
            if renamed(reasons) {
                report.push_str(&format!("  RENAMED {name}\n"));
            } else {
                report.push_str(&format!("  FAIL {name}\n"));
                for reason in reasons {
                    report.push_str(&format!("    {reason}\n"));
                }
            }
        }
    }
    insta::assert_snapshot!(report);
}

/// The engine's repair rules, one conversation each
/// (`runtime/tests/data/replies/conversations/<example>/`, written by the
/// engineer who wrote the rules: a development set, pinned so that each
/// rule keeps doing what its doc comment says): a request the policy
/// cannot do goes to a person (at a question, after the end; never at a
/// confirmation), a change of one's own answer is no such request, a
/// conditional question names no pick, "my other order" of two is the
/// other one, an email at the list corrects the email, offers refused
/// early, an offer chosen going back from the read-back, a switch at the
/// read-back, a long unknown id, a thank-you or a closing after the end
/// or a hand-off, an imperative ("just cancel it") or a noun asked for
/// ("can I get a refund") where no tool does it.
#[test]
fn the_repair_rules_conversation_by_conversation() {
    for example in [
        "bigcommerce_order_info",
        "shopify_wismo",
        "magento_cancel_retention",
        "single_order_cancellation",
    ] {
        let output = keel_test(
            example,
            &root().join("runtime/tests/data/replies/conversations"),
        );
        assert!(
            output.lines().any(|line| line.starts_with("  ok ")),
            "{example}: no conversation ran\n{output}"
        );
        assert!(
            !output.lines().any(|line| line.starts_with("  FAIL ")),
            "{example}:\n{output}"
        );
    }
}

/// Names given whole (`tests/data/names/`, with the τ-bench retail
/// policy's first-name, last-name and zip-code questions): a full name
/// where the first name is asked, or before any name is asked, answers
/// both questions — its first word the first name, the rest the last —
/// and a zip code given with it is not asked again; the full name again at
/// the last-name question answers it with what follows the first name; an
/// apology is no name.
#[test]
fn a_full_name_answers_the_first_and_last_name_questions() {
    let run = keel(&[
        "test",
        arg(&root().join("taubench/policy")),
        "--conversations",
        arg(&root().join("tests/data/names")),
        "--min-coverage",
        "0",
    ])
    .run();
    let output = text(&run.stdout);
    assert_eq!(
        output
            .lines()
            .filter(|line| line.starts_with("  ok "))
            .count(),
        5,
        "{output}"
    );
}
