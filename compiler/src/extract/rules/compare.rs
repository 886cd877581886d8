//! `If $difference is more than $card.balance`: two values compared.

use super::{ConditionRule, Example};
use crate::extract::compute;
use crate::extract::condition::{Condition, ConditionWords};

/// A condition comparing two values (`$x is more than $y`, `… is at least
/// 0`) tests them.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "compare",
    shape: "If <value> is more than / less than / at least / at most <value>, …",
    about: "A condition comparing two values tests them where it stands: `more than`, `greater than`, `above`, `over`, `exceeds`; `less than`, `below`, `under`; `at least`; `at most`. Each value is as in `Set` (a `$path`, a number, `the sum of $list.field`, …); numbers compare with numbers, amounts with amounts of the same currency or with a number of its units (`$refund is more than 0`). `not` turns the test around.",
    read,
    examples: &[Example {
        text: "If $order.total is more than 100, route to an agent.",
        compiles_to: r#"[ok] test $order.total > 100 ("$order.total is more than 100")
[yes] escalate hand-off to agent: "if $order.total is more than 100""#,
    }],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    let body: Vec<_> = condition
        .body
        .iter()
        .filter(|token| !token.is_a(crate::extract::lexicon::Class::Negation))
        .cloned()
        .collect();
    let test = compute::comparison(&body)?;
    Some(Condition::Test {
        condition: test,
        yes: !condition.negated,
        words: condition.body.to_vec(),
    })
}
