//! `Offer …`: several options (the item's sub-items), or one thing.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;

/// `Offer options:` with one sub-item per option asks the customer to take
/// one or decline them all; `Offer <one thing>` is a yes/no question.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "offer",
    shape: "Offer options: (sub-items `Label: what to do`) · Offer <one thing>",
    about: "`Offer [retention] options:` with one sub-item per option (`Label: what to do`) asks the customer to take one or decline them all; `Offer <one thing>` asks whether they would like it (yes / no).",
    read,
    examples: &[Example {
        text: "Offer a 10% discount on the next order.",
        compiles_to: r#"[ok] ask yes/no -> $discount_next_order: "Would you like a 10% discount on the next order?""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::OfferVerb) {
        return None;
    }
    let rest = phrase.rest();
    if rest.iter().any(|t| t.is_a(Class::OptionsNoun)) {
        Some(Action::OfferOptions)
    } else {
        Some(Action::OfferOne {
            words: rest.to_vec(),
        })
    }
}
