//! `Set $refund to the sum of $items.price`: a value computed from others.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::compute;
use crate::extract::lexicon::Class;
use crate::extract::tokens::Tok;

/// `Set $name to <value>` (or compute, calculate, remember) binds a value
/// computed from others.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "set",
    shape: "Set $name to <value>",
    about: "`Set $name to <value>` (or `compute`, `calculate`, `remember … as`) binds a value computed from others, to show it or to pass it on. A value is a `$path`, a number, `the sum of $list.field` (the sum of each item's field; `the total of` too), `the number of $list`, `nothing` (an empty list to add to), or such values joined by `plus` and `minus`, read left to right. Any other word makes the sentence unread (an error), never a guess.",
    read,
    examples: &[Example {
        text: "Set $refund to the sum of $order.items.price minus $order.total.",
        compiles_to: "[ok] set $refund = sum($order.items.price) - ($order.total)",
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::SetVerb) {
        return None;
    }
    let rest = phrase.rest();
    let rest = &rest[..rest.len()
        - rest
            .iter()
            .rev()
            .take_while(|t| t.word().is_none() && !matches!(t.kind, Tok::Var(_) | Tok::Number(_)))
            .count()];
    // `set $x to …` / `set $x = …`; `remember … as $x`.
    if let Some(Tok::Var(path)) = rest.first().map(|t| &t.kind) {
        let [var] = path.as_slice() else {
            return None;
        };
        let value = rest.get(1..)?;
        let value = match value.first() {
            Some(t) if t.is("to") || t.is_punct('=') || t.is("as") => &value[1..],
            _ => return None,
        };
        return Some(Action::Set {
            var: var.clone(),
            value: compute::value(value)?,
        });
    }
    let at = rest.iter().rposition(|t| t.is("as"))?;
    let Some(Tok::Var(path)) = rest.get(at + 1).map(|t| &t.kind) else {
        return None;
    };
    let [var] = path.as_slice() else {
        return None;
    };
    (at + 2 == rest.len()).then_some(())?;
    Some(Action::Set {
        var: var.clone(),
        value: compute::value(&rest[..at])?,
    })
}
