//! Suggesting something to the customer: `Suggest a new order for the extra item`.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::{Action, Opening};
use crate::extract::lexicon::Class;

/// `Suggest / recommend / propose [to the customer] <something>` says `I'd
/// suggest <something>`: advice, nothing done.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "suggest",
    shape: "Suggest <something> · Recommend <something>",
    about: "`Suggest / recommend / propose [to the customer] <something>` says `I'd suggest <something>`: advice given, nothing done (an offer the customer answers is `Offer …`).",
    read,
    examples: &[
        Example {
            text: "Suggest a new order for the extra item.",
            compiles_to: r#"[ok] say "I'd suggest a new order for the extra item.""#,
        },
        Example {
            text: "Recommend that they contact the carrier first.",
            compiles_to: r#"[ok] say "I'd suggest that you contact the carrier first.""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::SuggestVerb) {
        return None;
    }
    let rest = phrase.rest();
    // `suggest to them that …`.
    let rest = match rest.first() {
        Some(first) if first.is("to") && rest.get(1).is_some_and(is_addressee) => {
            skip_while(&rest[1..], is_addressee)
        }
        _ => rest,
    };
    (rest.iter().any(|t| t.word().is_some())).then(|| Action::Say {
        words: rest.to_vec(),
        opening: Opening::Suggestion,
    })
}
