//! `If the email address is not found`: a lookup that came back empty.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::lexicon::Class;
use crate::extract::tokens::Tok;

/// `not found` (or not located, not recognised, no match …), `has no …`, `no
/// orders …`, `invalid`, `empty` attach to the last lookup that can come back
/// empty (a `T?` or list result, or a pick from a list); with `still` or
/// `again`, to the retry the first one set up.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "not-found",
    shape: "If <it> is not found, … · If it is still not found, …",
    about: "`not found` (or not located, not recognised, no match …), `has no …`, `no orders …`, `invalid`, `empty` attach to the last lookup that can come back empty (a `T?` or list result, or a pick from a list); with `still` or `again`, to the retry the first one set up.",
    read,
    examples: &[Example {
        text: "If the order is not found, route to an agent.",
        compiles_to: r#"[not found] escalate hand-off to agent: "if the order is not found""#,
    }],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    let words = &condition.words;
    let still = condition.any(Class::Still);
    let explicit_comparison = condition
        .body
        .iter()
        .any(|token| matches!(token.kind, Tok::Var(_)))
        && condition.any(Class::Comparison);
    let has_no = words
        .windows(2)
        .any(|pair| matches!(pair, ["has" | "have" | "are" | "is" | "returns", "no"]));
    let not_found =
        (condition.negated && !explicit_comparison && condition.any(Class::NotFoundWord))
            || has_no
            || words.first().is_some_and(|word| *word == "no") && words.len() > 1
            || condition.any(Class::EmptyWord);
    not_found.then_some(Condition::NotFound { still })
}
