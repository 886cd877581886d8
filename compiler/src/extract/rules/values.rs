//! `If "Shipped", …`: literal values of an enum field.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::tokens::Tok;
use crate::source::Span;

/// A condition naming quoted values (`If "Shipped" or "In transit"`, `If
/// $order.status is "Delivered"`) compares a field with them.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "values",
    shape: "If \"<value>\" [or \"<value>\"…], … · If $record.field is \"<value>\", …",
    about: "A condition naming quoted values (`If \"Shipped\" or \"In transit\"`, `If $order.status is \"Delivered\"`) compares a field with them: the field written, else the one enum field in scope whose domain holds every value (none or several is an error, never a guess). A value that names an option of the question before picks that option. Words after the values (`\"Delivered\" more than 30 days ago`) become a check inside the case, or an error when keel cannot read them. A value in a one-word code span (`` `resale_listed` ``) is a quoted value. Values no case names are an error (`K0304`), except after guards: when every case named ends the conversation (an ending, a hand-off, another policy) and more follows, the other values go on with what follows (`If \"Canceled\", end the conversation. Tell them …`).",
    read,
    examples: &[
        Example {
            text: "If \"Shipped\" or \"In transit\", tell them it is on the way.",
            compiles_to: r#"[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped" | "In transit"] say "It is on the way.""#,
        },
        Example {
            text: "If \"Canceled\", end the conversation as canceled. Tell them it is on its way.",
            compiles_to: r#"[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Canceled"] end canceled
[else] say "It is on its way.""#,
        },
    ],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    let literals: Vec<(String, Span)> = condition
        .body
        .iter()
        .filter_map(|token| match &token.kind {
            Tok::Literal(text) => Some((text.clone(), token.span)),
            _ => None,
        })
        .collect();
    if literals.is_empty() || condition.negated {
        return None;
    }
    let subject = condition.body.iter().find_map(|token| match &token.kind {
        Tok::Var(path) => Some(path.clone()),
        _ => None,
    });
    Some(Condition::Values {
        subject,
        values: literals,
        hint_words: condition
            .words
            .iter()
            .map(|word| word.to_string())
            .collect(),
        tokens: condition.body.to_vec(),
        still: condition.body.iter().any(|token| token.is("still")),
    })
}
