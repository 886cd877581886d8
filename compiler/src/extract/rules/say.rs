//! Telling the customer something: `Inform the customer that …`.

use super::{ActionRule, Example, Phrase, skip_person, skip_while};
use crate::extract::action::{Action, Opening};
use crate::extract::lexicon::Class;

/// `Inform / tell / let … know / notify / explain / remind [the customer]
/// [that] <statement>` says the statement, rewritten into second person (`their
/// order` → `your order {order.id}`); `… about <topic>` opens with the topic.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "say",
    shape: "Inform [the customer] that <statement>",
    about: "`Inform / tell / let … know / notify / explain / remind [the customer] [that] <statement>` says the statement, rewritten into second person (`their order` → `your order {order.id}`); `… about <topic>` opens with the topic. `Send [the customer] <thing>` without `saying` gives a value (`send the tracking link`). A statement that promises a hand-off (`that the request will be transferred to an agent`) also hands off.",
    read,
    examples: &[
        Example {
            text: "Inform the customer that their order is on its way.",
            compiles_to: r#"[ok] say "Your order is on its way.""#,
        },
        Example {
            text: "Let them know a refund takes 5-7 business days.",
            compiles_to: r#"[ok] say "A refund takes 5-7 business days.""#,
        },
        Example {
            text: "Warn them that a refund can take 5 to 10 days depending on their bank.",
            compiles_to: r#"[ok] say "A refund can take 5 to 10 days depending on your bank.""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::SayVerb) {
        return None;
    }
    let mut words = skip_person(phrase.rest());
    if phrase.verb().is_some_and(|verb| verb.is("send")) {
        // `send a message saying …`, `send the tracking link`.
        let position = words
            .iter()
            .position(|t| t.is_a(Class::Saying) || t.is("that"));
        match position {
            Some(position) => words = &words[position + 1..],
            None => {
                return Some(Action::Provide {
                    noun: words.to_vec(),
                });
            }
        }
    }
    // `Say so`: the statement just before.
    if matches!(words, [so] if so.is("so")) {
        return Some(Action::SayPrevious);
    }
    // `remind them of the next date` is about it.
    let opening = if words.first().is_some_and(|t| t.is("about") || t.is("of")) {
        words = &words[1..];
        Opening::About
    } else {
        Opening::Plain
    };
    let words = skip_while(words, |t| t.is("that"));
    if words.is_empty() {
        // `Tell them.` says the statement just before it.
        return (!phrase.verb().is_some_and(|verb| verb.is("send"))).then_some(Action::SayPrevious);
    }
    Some(Action::Say {
        words: words.to_vec(),
        opening,
    })
}
