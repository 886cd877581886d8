//! `End the conversation [as <outcome>]`.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;

/// `End / close / stop / finish / resolve / mark the conversation (chat, case,
/// …) [as <outcome>]` ends the conversation with that outcome (`ended` when
/// none is named; `resolved` for `resolve …`).
pub(crate) const RULE: ActionRule = ActionRule {
    name: "end",
    shape: "End the conversation [as <outcome>]",
    about: "`End / close / stop / finish / resolve / mark the conversation (chat, case, …) [as <outcome>]` ends the conversation with that outcome (`ended` when none is named, which the KPIs do not count as resolved; `resolved` for `resolve the ticket`).",
    read,
    examples: &[
        Example {
            text: "End the conversation as not eligible.",
            compiles_to: "[ok] end not_eligible",
        },
        Example {
            text: "Close as label sent.",
            compiles_to: "[ok] end label_sent",
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::EndVerb) {
        return None;
    }
    let rest = phrase.rest();
    let words: Vec<&str> = rest.iter().filter_map(|t| t.word()).collect();
    // `Close as item added`: the outcome straight after the verb.
    let is_end = words.is_empty()
        || words.first().is_some_and(|word| *word == "as")
        || rest.iter().any(|t| t.is_a(Class::EndNoun));
    if !is_end {
        return None;
    }
    let outcome = words
        .iter()
        .position(|word| matches!(*word, "as" | "with"))
        .and_then(|position| words.get(position + 1..))
        .map(|rest| {
            rest.iter()
                .copied()
                .filter(|word| !matches!(*word, "outcome" | "an" | "a" | "the"))
                .collect::<Vec<_>>()
                .join("_")
        })
        .filter(|outcome| !outcome.is_empty())
        // A plain ending says nothing of how it went: `ended`, which the
        // KPIs do not count as resolved (unless the customer's last answer
        // was yes: the runtime's `resolved` by confirmation); `resolve the
        // ticket` says it in its verb.
        .unwrap_or_else(|| {
            if phrase.verb().is_some_and(|verb| verb.is("resolve")) {
                "resolved".to_string()
            } else {
                "ended".to_string()
            }
        });
    Some(Action::End { outcome })
}
