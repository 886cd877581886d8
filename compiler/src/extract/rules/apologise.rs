//! `Apologise to the customer for …`.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::{Action, Opening};
use crate::extract::lexicon::Class;

/// `Apologise [to the customer] <for something>` says `I'm sorry <for
/// something>`.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "apologise",
    shape: "Apologise [to the customer] for …",
    about: "`Apologise [to the customer] <for something>` says `I'm sorry <for something>`.",
    read,
    examples: &[Example {
        text: "Apologise for the delay.",
        compiles_to: r#"[ok] say "I'm sorry for the delay.""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    phrase.verb_is(Class::ApologiseVerb).then(|| Action::Say {
        words: skip_while(phrase.rest(), |t| t.is("to") || is_addressee(t)).to_vec(),
        opening: Opening::Apology,
    })
}
