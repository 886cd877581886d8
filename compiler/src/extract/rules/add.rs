//! `Add $item to $items`: a list built one item at a time.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::compute;
use crate::extract::lexicon::Class;
use crate::extract::tokens::Tok;
use crate::ir::{Expr, Path};

/// `Add <value> to $list` appends to a list variable.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "add",
    shape: "Add <value> to $list",
    about: "`Add <value> to $list` (or `append`) appends the value to the list variable; a list never set is empty, and `Set $list to nothing` empties it. Only a list variable named with `$` is added to: `add a note to the ticket` is not this shape.",
    read,
    examples: &[Example {
        text: "Add $order to $chosen_orders.",
        compiles_to: "[ok] set $chosen_orders = $chosen_orders + [$order]",
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::AddVerb) {
        return None;
    }
    let rest = phrase.rest();
    let rest = &rest[..rest.len()
        - rest
            .iter()
            .rev()
            .take_while(|t| t.word().is_none() && !matches!(t.kind, Tok::Var(_) | Tok::Number(_)))
            .count()];
    let to = rest.iter().rposition(|t| t.is("to"))?;
    let Some(Tok::Var(path)) = rest.get(to + 1).map(|t| &t.kind) else {
        return None;
    };
    let [list] = path.as_slice() else {
        return None;
    };
    (to + 2 == rest.len()).then_some(())?;
    let item = compute::value(&rest[..to])?;
    Some(Action::Set {
        var: list.clone(),
        value: Expr::Append(Path::var(list), Box::new(item)),
    })
}
