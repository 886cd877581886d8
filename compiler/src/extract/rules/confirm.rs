//! `Confirm …`: a yes/no question, or a statement with `confirm that`.

use super::{ActionRule, Example, Phrase, is_addressee, skip_person, skip_while};
use crate::extract::action::{Action, Opening};
use crate::extract::lexicon::Class;

/// `Confirm [with the customer] if/whether …` and `Confirm <something>` ask a
/// yes/no question; `Confirm that <statement>` and `Confirm it's <done>`
/// tell the customer the statement.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "confirm",
    shape: "Confirm [with the customer] whether … · Confirm that <statement>",
    about: "`Confirm [with the customer] if/whether …` and `Confirm <something>` ask a yes/no question; `Confirm that <statement>` and `Confirm <it> is <what a call does, done>` (`Confirm it's skipped`, `Confirm the refund was issued`) tell the customer the statement.",
    read,
    examples: &[
        Example {
            text: "Confirm with the customer whether the address is correct.",
            compiles_to: r#"[ok] ask yes/no -> $address_correct: "Can you confirm that the address is correct?""#,
        },
        Example {
            text: "Confirm that the order has been updated.",
            compiles_to: r#"[ok] say "Your order {order.id} has been updated.""#,
        },
        Example {
            text: "Confirm the order was cancelled.",
            compiles_to: r#"[ok] say "Your order {order.id} was cancelled.""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::ConfirmVerb) {
        return None;
    }
    let rest = phrase.rest();
    let after_person = skip_while(rest, |t| t.is("with") || is_addressee(t));
    match after_person.first() {
        Some(t) if t.is_a(Class::Whether) => Some(Action::AskYesNo {
            question: after_person[1..].to_vec(),
        }),
        Some(t) if t.is("that") => Some(Action::Say {
            words: after_person[1..].to_vec(),
            opening: Opening::Plain,
        }),
        // `Confirm it's skipped`, `Confirm the refund was issued`: what a
        // call did, told (`Confirm with them the order was updated` asks).
        Some(_)
            if !rest.first().is_some_and(|t| t.is("with"))
                && after_person.iter().any(|t| t.is_a(Class::DoneParticiple)) =>
        {
            Some(Action::Say {
                words: skip_person(rest).to_vec(),
                opening: Opening::Plain,
            })
        }
        Some(_) => Some(Action::AskYesNo {
            question: after_person.to_vec(),
        }),
        None => None,
    }
}
