//! `Check if <statement>`: a test of something keel can read.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, written};

/// `Check [with the customer] if/whether <statement>` (or verify, determine,
/// see) tests the statement.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "check",
    shape: "Check if <statement> · Check the <status> of <it>:",
    about: "`Check [with the customer] if/whether <statement>` (or verify, determine, see) tests the statement: a date window (`the order was delivered within the last 30 days`), a field that is set, two values that match. A statement keel cannot read is an error; `check if the customer exists` is the lookup's own found / not found. `Check the <status / state / stage / result> of <it>` only introduces the conditions on that field written after it: a note, nothing to do.",
    read,
    examples: &[
        Example {
            text: "Check if the estimated delivery date has passed.",
            compiles_to: r#"[ok] test today() > $order.estimated_delivery_date ("the estimated delivery date has passed")"#,
        },
        Example {
            text: "Check the status of the order they picked: when it is \"Shipped\", tell them it is on its way.",
            compiles_to: r#"note "Check the status of the order they picked"
[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped"] say "It is on its way.""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::CheckVerb) {
        return None;
    }
    let after = skip_while(phrase.rest(), |t| t.is("with") || is_addressee(t));
    if after.first().is_some_and(|t| t.is_a(Class::Whether)) {
        return Some(Action::Check {
            predicate: after[1..].to_vec(),
        });
    }
    // `Check the warranty status of the appliance they chose:` introduces
    // the conditions on that field below it: nothing to do of its own.
    let names_field = after.iter().take(4).any(|t| t.is_a(Class::StatusNoun));
    let references = after
        .iter()
        .any(|t| matches!(t.kind, Tok::Tool { .. } | Tok::Policy(_)));
    (names_field && !references).then(|| Action::Note {
        text: written(phrase.body),
    })
}
