//! `If yes`, `If they decline`, `If the order was not delivered`: the
//! customer's answer, or a statement to test.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::lexicon::Class;

/// Any other condition is an answer.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "answer",
    shape: "If yes / no, … · If they accept / decline, … · If <statement>, …",
    about: "Any other condition is an answer: a bare `yes` / `no` (or `accepts`, `declines`, …) answers the last question or check; words that echo the question, or name one of its options, answer it too. Nearness alone decides only when no other question or check is as near: when two could be answered equally well (two questions in one step, a question and a check, none answered yet), the condition is an error naming both (`K0123`) unless its words name one (`If they decline the cancellation`); a check is never what a person declines. `decline`, `refuse`, `reject` are a no. With no question open, the words are a statement to test (`If the order was delivered more than 30 days ago`); one keel cannot read is an error.",
    read,
    examples: &[
        Example {
            text: "Ask whether the parcel arrived damaged; if yes, open a ticket for the warehouse team.",
            compiles_to: r#"[ok] ask yes/no -> $parcel_arrived_damaged: "Can you confirm that your parcel arrived damaged?"
[yes] escalate ticket to agent: "the warehouse team (the customer answered yes to \"Can you confirm that your parcel arrived damaged?\")""#,
        },
        Example {
            text: "Ask whether they want a refund. Ask whether they want a replacement. If they decline, hand off to an agent.",
            compiles_to: r#"[ok] ask yes/no -> $refund: "Do you want a refund?"
[yes | no] ask yes/no -> $replacement: "Do you want a replacement?"
K0123 ambiguous-anchor: this condition could answer the question "Do you want a refund?" in 6 or the question "Do you want a replacement?" in 6"#,
        },
        Example {
            text: "Ask whether they have the receipt. Unless they do, end the conversation as no_receipt.",
            compiles_to: r#"[ok] ask yes/no -> $have_receipt: "Have you the receipt?"
[no] end no_receipt"#,
        },
        Example {
            text: "Read it back: \"Cancel $order.id?\" Should they change their mind, end the conversation as kept.",
            compiles_to: r#"[ok] ask yes/no -> $confirmed: "Cancel {order.id}?"
[no] end kept"#,
        },
        Example {
            text: "Ask whether they want a refund. Ask whether they want a replacement. If they decline the replacement, hand off to an agent.",
            compiles_to: r#"[ok] ask yes/no -> $refund: "Do you want a refund?"
[yes | no] ask yes/no -> $replacement: "Do you want a replacement?"
[no] escalate hand-off to agent: "if they decline the replacement""#,
        },
    ],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    // `Unless they are, …`, `Should they say they have, …`: the question's
    // own verb, repeated with nothing after it, is a bare answer.
    let elliptic = condition
        .body
        .last()
        .is_some_and(|t| t.is_a(Class::Auxiliary))
        && condition.body.iter().any(|t| t.is_a(Class::SubjectPronoun));
    // `Should they change their mind`: a bare no.
    if crate::extract::condition::changed_mind(condition.body) && condition.words.len() <= 5 {
        return Some(Condition::Answer {
            yes: !condition.negated,
            words: Vec::new(),
        });
    }
    let is_bare_answer = condition.body.iter().all(|t| {
        (elliptic && (t.is_a(Class::Auxiliary) || t.is_a(Class::Negation)))
            || t.word().is_none()
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
