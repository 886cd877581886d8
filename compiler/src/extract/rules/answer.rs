//! `If yes`, `If they decline`, `If the order was not delivered`: the
//! customer's answer, or a statement to test.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::lexicon::Class;

/// Any other condition is an answer.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "answer",
    shape: "If yes / no, … · If they accept / decline, … · If <statement>, …",
    about: "Any other condition is an answer: a bare `yes` / `no` (or `accepts`, `declines`, …) answers the last question or check; words that echo the question, or name one of its options, answer it too. With no question open, the words are a statement to test (`If the order was delivered more than 30 days ago`); one keel cannot read is an error.",
    read,
    examples: &[Example {
        text: "Ask whether the parcel arrived damaged; if yes, open a ticket for the warehouse team.",
        compiles_to: r#"[ok] ask yes/no -> $parcel_arrived_damaged: "Can you confirm that your parcel arrived damaged?"
[yes] escalate ticket to agent: "the warehouse team (the customer answered yes to \"Can you confirm that your parcel arrived damaged?\")""#,
    }],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    let is_bare_answer = condition.body.iter().all(|t| {
        t.word().is_none()
            || t.is("the")
            || t.is_a(Class::Customer)
            || t.is_a(Class::SubjectPronoun)
            || t.is_a(Class::Replies)
            || t.is_a(Class::BareAnswer)
    });
    Some(Condition::Answer {
        yes: !condition.negated,
        words: if is_bare_answer {
            Vec::new()
        } else {
            condition.body.to_vec()
        },
    })
}
