//! `If the email address is not found`: a lookup that came back empty.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords, Missing};
use crate::extract::lexicon::Class;
use crate::extract::tokens::Tok;

/// `not found` (or not located, not recognised, no match …), `has no …`, `no
/// orders …`, `there isn't one`, `none`, `invalid`, `empty` attach to the last lookup that can come back
/// empty (a `T?` or list result, or a pick from a list); with `still` or
/// `again`, to the retry the first one set up.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "not-found",
    shape: "If <it> is not found, … · If it is still not found, …",
    about: "`not found` (or not located, not recognised, no match …), `has no …`, `no orders …`, `there isn't one`, `if none comes back`, `invalid`, `empty` attach to the last lookup that can come back empty (a `T?` or list result, or a pick from a list); with `still` or `again`, to the retry the first one set up.",
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
    let has_no = words.windows(2).any(|pair| {
        matches!(
            pair,
            [
                "has" | "have" | "are" | "is" | "returns" | "there's" | "there" | "with",
                "no"
            ]
        )
    });
    // `there aren't any`, `they don't have any orders`.
    let not_any = condition.negated && words.contains(&"any");
    // `if there isn't one`, `if there is none`, `if none comes back`.
    let none_there = (condition.negated && words.first().is_some_and(|word| *word == "there"))
        || (words.contains(&"none") && !none_of(words));
    let not_found = none_there
        || (condition.negated && !explicit_comparison && condition.any(Class::NotFoundWord))
            || has_no
            || not_any
            || (condition.negated && condition.any(Class::ListWord))
            || (condition.negated && one_of(words))
            || none_of(words)
            || words.first().is_some_and(|word| *word == "no") && words.len() > 1
            || condition.any(Class::EmptyWord)
            // `if that fails too`, `if the second try fails as well`: the
            // retry a lookup's empty result set up came back empty again.
            || (still && (condition.any(Class::FailureWord) || condition.any(Class::Unsuccessful)));
    if !not_found {
        return None;
    }
    Some(Condition::NotFound {
        still,
        missing: missing(condition),
    })
}

/// What is missing: the customer's pick (`not in the list`), a lookup's
/// result (`no orders`, `there are no payments`, `nothing comes back`),
/// or whichever came last (`the order is not found`).
fn missing(condition: &ConditionWords<'_>) -> Missing {
    // `the list is empty` is about what a lookup returned, not a pick.
    let list_empty = condition.words.contains(&"empty");
    if (condition.any(Class::ListWord) && !list_empty)
        || (condition.negated && one_of(&condition.words))
        || none_of(&condition.words)
    {
        return Missing::Pick;
    }
    let words = &condition.words;
    // `no orders`, `has no orders`, `there are no payments`, `no account comes back`.
    let after_no = words.iter().position(|word| *word == "no");
    let empty = condition.any(Class::EmptyWord)
        || words
            .windows(2)
            .any(|pair| pair[1] == "any" && pair[0].ends_with("n't"));
    match after_no {
        Some(position) => Missing::Lookup(
            words[position + 1..]
                .iter()
                .take_while(|word| !condition_filler(word))
                .map(|word| word.to_string())
                .collect(),
        ),
        None if empty => Missing::Lookup(Vec::new()),
        None => Missing::Any,
    }
}

/// `it's not one of them`, `isn't one of those`: not among what was listed.
fn one_of(words: &[&str]) -> bool {
    words.windows(3).any(|triple| {
        triple[0] == "one" && triple[1] == "of" && matches!(triple[2], "them" | "those" | "these")
    })
}

/// `none of them works`, `none of those`: nothing among what was listed.
fn none_of(words: &[&str]) -> bool {
    words.windows(3).any(|triple| {
        triple[0] == "none" && triple[1] == "of" && matches!(triple[2], "them" | "those" | "these")
    })
}

/// Words after `no <noun>` that end the noun: `no account comes back`.
fn condition_filler(word: &str) -> bool {
    matches!(
        word,
        "is" | "are"
            | "was"
            | "were"
            | "comes"
            | "come"
            | "came"
            | "found"
            | "on"
            | "in"
            | "for"
            | "at"
            | "with"
            | "back"
            | "returned"
            | "left"
            | "yet"
            | "that"
            | "this"
    )
}
