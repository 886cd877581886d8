//! `If the lookup fails`: a call's error outcome.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::lexicon::Class;

/// `fails`, `error`, `unavailable`, `times out` attach to the last call's error
/// outcome.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "failed",
    shape: "If <the call> fails / errors / times out, …",
    about: "`fails`, `error`, `unavailable`, `times out`, `doesn't go through`, `didn't work` attach to the last call's error outcome.",
    read,
    examples: &[Example {
        text: "If the lookup fails, create a ticket.",
        compiles_to: r#"[error] escalate ticket to agent: "if the lookup fails""#,
    }],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    let words = &condition.words;
    let failed = condition.any(Class::FailureWord)
        || words
            .windows(2)
            .any(|pair| pair == ["times", "out"] || pair == ["timed", "out"])
        // `doesn't go through`, `didn't work`, `does not succeed`.
        || (condition.negated
            && (words.windows(2).any(|pair| {
                matches!(pair[0], "go" | "goes" | "gone" | "went") && pair[1] == "through"
            }) || condition.any(Class::SuccessWord)
                || words.iter().any(|word| matches!(*word, "work" | "succeed" | "succeeded"))));
    failed.then_some(Condition::Failed)
}
