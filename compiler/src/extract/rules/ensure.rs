//! `Ensure the customer receives a message saying …`.

use super::{ActionRule, Example, Phrase, skip_while};
use crate::extract::action::{Action, Opening};
use crate::extract::lexicon::Class;

/// `Ensure / make sure … confirming / saying / stating / explaining that
/// <statement>` says the statement.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "ensure",
    shape: "Ensure the customer receives a message saying that <statement>",
    about: "`Ensure / make sure … confirming / saying / stating / explaining that <statement>` says the statement.",
    read,
    examples: &[Example {
        text: "Ensure the customer receives a message confirming that the claim was filed.",
        compiles_to: r#"[ok] say "The claim was filed.""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::EnsureVerb) {
        return None;
    }
    let rest = phrase.rest();
    let position = rest.iter().position(|t| t.is_a(Class::Saying))?;
    let words = skip_while(&rest[position + 1..], |t| t.is("that"));
    Some(Action::Say {
        words: words.to_vec(),
        opening: Opening::Plain,
    })
}
