//! `Otherwise, …`: every other outcome of the condition before.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::lexicon::Class;

/// `Otherwise` / `else` is the other outcome of the last condition.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "otherwise",
    shape: "Otherwise, …",
    about: "`Otherwise` / `else` (or `Anything else:`, `For any other result`) is the other outcome of the last condition: the values a match did not name, the options of a question no condition named, the `no` of a question or check, or — after a condition on a lookup coming back empty or failing — the lookup's ok path (`If there's nothing on backorder, end. Otherwise list the items…`).",
    read,
    examples: &[Example {
        text: "If \"Shipped\", say it is on its way; otherwise, route to an agent.",
        compiles_to: r#"[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped"] say "It is on its way."
[else] escalate hand-off to agent: "otherwise""#,
    }],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    let opener = condition.opener.is_some_and(|t| t.is_a(Class::Otherwise));
    // `Anything else:`, `Any other status:`, `For any other result`.
    let words = &condition.words;
    let any_other = words.windows(2).any(|pair| {
        matches!(pair[0], "any" | "all" | "every" | "anything" | "everything")
            && matches!(pair[1], "other" | "else")
    });
    (opener || any_other).then_some(Condition::Otherwise)
}
