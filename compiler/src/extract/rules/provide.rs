//! `Provide the tracking number`: a field of a record looked up earlier.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;

/// `Provide / give / include [the customer with] <field>` tells the customer
/// the value of the field the words name (`the tracking number` →
/// `{order.tracking_number}`), from a record looked up earlier; a field nothing
/// in scope has is an error.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "provide",
    shape: "Provide [the customer with] <field>",
    about: "`Provide / give / include [the customer with] <field>` tells the customer the value of the field the words name (`the tracking number` → `{order.tracking_number}`), from a record looked up earlier; a field nothing in scope has is an error.",
    read,
    examples: &[Example {
        text: "Provide the tracking number.",
        compiles_to: r#"[ok] say "The tracking number is {order.tracking_number}.""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    phrase.verb_is(Class::ProvideVerb).then(|| Action::Provide {
        noun: skip_while(phrase.rest(), |t| t.is("with") || is_addressee(t)).to_vec(),
    })
}
