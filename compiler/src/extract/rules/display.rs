//! `Display the orders`: a list looked up earlier, one line per item.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;

/// `Display / show / list / present <list>` shows the list the words name (the
/// most recent list looked up when none is named), one line per item; when no
/// list is in scope, the field the words name.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "display",
    shape: "Display <list>",
    about: "`Display / show / list / present <list>` shows the list the words name (the most recent list looked up when none is named), one line per item; when no list is in scope, the field the words name.",
    read,
    examples: &[Example {
        text: "Show the customer's orders.",
        compiles_to: r#"[ok] say "Here are your orders:\n{list orders}""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    phrase.verb_is(Class::DisplayVerb).then(|| Action::Display {
        noun: phrase.rest().to_vec(),
    })
}
