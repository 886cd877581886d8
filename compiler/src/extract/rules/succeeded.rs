//! `Found:`, `Done:`, `If the refund goes through`: the last call succeeded.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::lexicon::Class;
use crate::extract::tokens::Tok;

/// A condition saying the last call worked (`found`, `done`, `goes
/// through`, `has been added`) takes its `ok` path: what it says runs right
/// after the call.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "succeeded",
    shape: "Found: … · Done: … · If the refund goes through, … · When the credit has been added, …",
    about: "A condition saying the last call worked — `found`, `done`, `succeeded`, `goes through`, `checks out`, or a perfect passive of what a call does (`has been added`, `has gone through`) — takes the call's `ok` path: what it says runs right after the call, in the same block. It never carries a negation (that is `failed` or `not found`).",
    read,
    examples: &[Example {
        text: "Use @get_tracking to look up the shipment. Found: tell them the carrier is $tracking.carrier.",
        compiles_to: r#"[ok] call @get_tracking(order_id: $order.id) -> $tracking: Tracking [read]
[ok] say "The carrier is {tracking.carrier}.""#,
    }],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    if condition.negated
        || condition
            .body
            .iter()
            .any(|token| matches!(token.kind, Tok::Literal(_) | Tok::Var(_)))
    {
        return None;
    }
    let words = &condition.words;
    let through = words.windows(2).any(|pair| {
        matches!(pair[0], "goes" | "gone" | "went" | "go") && pair[1] == "through"
            || matches!(pair[0], "checks" | "checked") && pair[1] == "out"
    });
    let perfect = condition.any(Class::DoneParticiple)
        && words
            .iter()
            .any(|word| matches!(*word, "has" | "have" | "been"));
    (condition.any(Class::SuccessWord) || through || perfect).then_some(Condition::Succeeded)
}
