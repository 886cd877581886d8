//! `Look at the status:`, `Go by the result:`, `Depending on the plan:`:
//! what the conditions after it are about.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::tokens::written;

/// `Look at / go by / check / compare <something>` before the conditions
/// about it, or `depending on <something>`: the conditions that follow do
/// the work; the words are kept as a note.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "dispatch",
    shape: "Look at its status: … · Go by the result: … · Depending on the plan, …",
    about: "`Look at <something>`, `Go by <something>`, `Compare <something>`, `Depending on <something>` or `<something> depends on <something>` introduce the conditions that follow (`If \"active\", …`; `\"Monthly\": …`): they do the work, so the introduction makes no state; its words are kept as a note. The conditions still find their subject by the values they name.",
    read,
    examples: &[Example {
        text: "Look at the order's status: if \"Shipped\", tell them it is on its way.",
        compiles_to: r#"note "Look at the order's status"
[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped"] say "It is on its way.""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    let words: Vec<&str> = body.iter().filter_map(|t| t.word()).collect();
    let first_two = (words.first().copied(), words.get(1).copied());
    let introduces = matches!(
        first_two,
        (Some("look" | "looking"), Some("at"))
            | (Some("go" | "going"), Some("by"))
            | (Some("compare" | "depending" | "based" | "according"), _)
    ) || (!body.first().is_some_and(|t| t.is_phrase_verb())
        && words
            .windows(2)
            .any(|pair| matches!(pair[0], "depends" | "depend") && pair[1] == "on"));
    // `tell them it takes 5 days depending on their bank` is the say-rule's:
    // only a phrase that opens with the introduction (or `<it> depends on
    // <something>` with no verb before) is one.
    // Nothing is done here: at most a dozen words, no reference.
    (introduces && words.len() <= 14).then(|| Action::Note {
        text: written(body),
    })
}
