//! `Check if <statement>`: a test of something keel can read.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;

/// `Check [with the customer] if/whether <statement>` (or verify, determine,
/// see) tests the statement.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "check",
    shape: "Check if <statement>",
    about: "`Check [with the customer] if/whether <statement>` (or verify, determine, see) tests the statement: a date window (`the order was delivered within the last 30 days`), a field that is set, two values that match. A statement keel cannot read is an error; `check if the customer exists` is the lookup's own found / not found.",
    read,
    examples: &[Example {
        text: "Check if the estimated delivery date has passed.",
        compiles_to: r#"[ok] test today() > $order.estimated_delivery_date ("the estimated delivery date has passed")"#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::CheckVerb) {
        return None;
    }
    let after = skip_while(phrase.rest(), |t| t.is("with") || is_addressee(t));
    after
        .first()
        .is_some_and(|t| t.is_a(Class::Whether))
        .then(|| Action::Check {
            predicate: after[1..].to_vec(),
        })
}
