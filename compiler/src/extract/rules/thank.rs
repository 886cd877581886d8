//! `Thank the customer for …`.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::{Action, Opening};
use crate::extract::lexicon::Class;

/// `Thank [the customer] <for something>` says `Thank you <for something>`.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "thank",
    shape: "Thank the customer for …",
    about: "`Thank [the customer] <for something>` says `Thank you <for something>`.",
    read,
    examples: &[Example {
        text: "Thank the customer for their patience.",
        compiles_to: r#"[ok] say "Thank you for your patience.""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    phrase.verb_is(Class::ThankVerb).then(|| Action::Say {
        words: skip_while(phrase.rest(), is_addressee).to_vec(),
        opening: Opening::Thanks,
    })
}
