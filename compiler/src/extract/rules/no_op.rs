//! `Leave the order as it is`, `Keep the subscription`: nothing to do.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::lexicon::{self, Class};
use crate::extract::tokens::{Tok, written};

/// `Leave / keep <it> as it is (unchanged, alone, in place)`, `keep the
/// subscription`, `nothing changes`: the branch does nothing more than
/// what else it says (an ending, a message); the words are kept as a note.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "no-op",
    shape: "Leave <it> as it is · Keep the <thing> · Nothing changes · Change nothing · <It> stays <as it is>",
    about: "`Leave <it> as it is` (unchanged, alone, in place), `Keep the <thing>`, `Nothing changes`, `Change nothing`, `Do nothing`, `Nothing to do`, `<the plan> stays Premium`, `leave it`, an acknowledgement alone (`fine`, `all good`) and `Needs a clear yes` (the verifier demands an explicit yes before every destructive call anyway) ask for nothing to be done: no state, the words kept as a note of the step. What else the branch says (a message, an ending) still runs.",
    read,
    examples: &[
        Example {
            text: "If \"Shipped\", leave the order as it is and end the conversation as unchanged.",
            compiles_to: r#"note "leave the order as it is"
[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped"] end unchanged"#,
        },
        Example {
            text: "If \"Shipped\", leave the order, end, nothing sent.",
            compiles_to: r#"note "leave the order"
note "nothing sent"
[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped"] end ended"#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    let verb = phrase.verb()?;
    let words: Vec<&str> = body.iter().filter_map(|t| t.word()).collect();
    let as_it_is = words.windows(3).any(|triple| triple == ["as", "it", "is"])
        || words.windows(2).any(|pair| pair == ["as", "is"])
        || words
            .iter()
            .any(|word| matches!(*word, "unchanged" | "alone" | "untouched"))
        || words.windows(2).any(|pair| pair == ["in", "place"]);
    // `leave it`, `leave them be`: a pronoun alone after `leave`.
    let leave_it = verb.is("leave")
        && words.len() <= 3
        && words[1..]
            .iter()
            .all(|word| matches!(*word, "it" | "them" | "that" | "be"));
    let leaves = (verb.is("leave") || verb.is("keep")) && (as_it_is || verb.is("keep"))
        || (leave_it && words.len() > 1);
    // `fine`, `all good`: an acknowledgement says nothing to do.
    let acknowledged = !words.is_empty()
        && body.iter().all(|t| t.word().is_some() || t.is_punct(','))
        && words
            .iter()
            .all(|word| lexicon::is(word, Class::Acknowledgement));
    // `Needs a clear yes`: what the verifier demands of every destructive
    // call anyway (an explicit yes to the read-back before it).
    let needs_yes = matches!(
        words.first(),
        Some(&("needs" | "need" | "requires" | "require"))
    ) && words.last() == Some(&"yes")
        && words.len() <= 5;
    // `nothing changes`, `nothing sent`, `nothing is charged`.
    let nothing_changes = verb.is("nothing")
        && words.len() <= 3
        && words.iter().skip(1).any(|word| {
            matches!(
                *word,
                "changes"
                    | "happens"
                    | "else"
                    | "more"
                    | "sent"
                    | "changed"
                    | "done"
                    | "charged"
                    | "applied"
                    | "added"
                    | "made"
                    | "cancelled"
                    | "canceled"
            )
        })
        && words.iter().skip(1).all(|word| {
            matches!(*word, "is" | "gets" | "was") || !lexicon::is(word, Class::Negation)
        });
    // `leave the fee`, `leave the item on backorder`: what is left is
    // not touched (one or two words, and where it stays).
    let leave_thing = verb.is("leave")
        && words
            .get(1)
            .is_some_and(|word| matches!(*word, "the" | "their" | "this" | "that"))
        && {
            let thing = words
                .iter()
                .skip(2)
                .take_while(|word| !matches!(**word, "on" | "in" | "at"))
                .count();
            let place = words.len() - 2 - thing;
            (1..=2).contains(&thing) && (place == 0 || (2..=3).contains(&place))
        }
        && !body
            .iter()
            .any(|t| matches!(t.kind, Tok::Tool { .. } | Tok::Policy(_) | Tok::Var(_)));
    // `change nothing`, `do nothing`, `nothing to do`.
    let nothing = (verb.is("change") || verb.is("do")) && words.get(1) == Some(&"nothing")
        || words.starts_with(&["nothing", "to", "do"]);
    // `the plan stays Premium`, `credit remains untouched`: a subject of
    // one or two words that stays as it is.
    let stays = words
        .iter()
        .take(3)
        .skip(1)
        .any(|word| matches!(*word, "stays" | "remains"))
        && !body
            .iter()
            .any(|t| matches!(t.kind, Tok::Tool { .. } | Tok::Policy(_)));
    (leaves || leave_thing || nothing_changes || nothing || stays || acknowledged || needs_yes)
        .then(|| Action::Note {
            text: written(body),
        })
}
