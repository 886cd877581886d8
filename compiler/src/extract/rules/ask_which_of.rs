//! `Ask which items of $order.items they want to return`: a pick from a
//! list the policy names by its path, a list variable or a record's list
//! field, of one item or of several.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, Token};

/// `Ask [the customer] which <noun> of $list …` picks from the list `$list`
/// names (`$orders`, `$user.orders`, `$order.items`).
pub(crate) const RULE: ActionRule = ActionRule {
    name: "ask-which-of",
    shape: "Ask [the customer] which <item> / <items> of $list … [as $name]",
    about: "`Ask [the customer] which <noun> of $list …` picks from the list the path names: a list looked up earlier (`$orders`) or a record's list field (`$user.orders`, `$order.items`). The list is shown with the question. A plural noun (`which items`, `which ones`) picks one or more items (\"the kettle and the lamp\", \"1 and 3\", \"all of them\", \"all but the lamp\"), bound as a list in the list's order; a singular noun picks one. `as $name` names the answer; otherwise it is the list's name, singular (`$order`) or, for several, `$selected_<list>`. Picking from the verified customer's own list is what `K0315` recognises as their record.",
    read,
    examples: &[
        Example {
            text: "Ask which items of $order.items they want to return.",
            compiles_to: r#"[ok] ask items of $order.items -> $selected_items: "{list order.items}\nWhich items do you want to return?""#,
        },
        Example {
            text: "Ask the customer which item of $order.items they want to exchange, as $item.",
            compiles_to: r#"[ok] ask one item of $order.items -> $item: "{list order.items}\nWhich item do you want to exchange?""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::AskVerb) {
        return None;
    }
    let after_person = skip_while(phrase.rest(), is_addressee);
    if !after_person.first().is_some_and(|t| t.is("which")) {
        return None;
    }
    let noun = &after_person[1..];
    // The list: the first `$path` after `of` / `in` / `from`.
    let at = noun.iter().position(|t| matches!(t.kind, Tok::Var(_)))?;
    if !at
        .checked_sub(1)
        .and_then(|before| noun.get(before))
        .is_some_and(|t| t.is_any(&["of", "in", "from", "among"]))
    {
        return None;
    }
    let Tok::Var(list) = &noun[at].kind else {
        return None;
    };
    // `as $name` names the answer.
    let var = noun
        .windows(2)
        .find_map(|pair| match (&pair[0], &pair[1].kind) {
            (word, Tok::Var(path)) if word.is("as") && path.len() == 1 => path.first().cloned(),
            _ => None,
        });
    let head = noun.first().and_then(Token::word).unwrap_or_default();
    let several =
        head == "ones" || (head.len() > 3 && head.ends_with('s') && !head.ends_with("ss"));
    // What is asked, without the list and the name: `items they want to return`.
    let words: Vec<Token> = noun
        .iter()
        .enumerate()
        .filter(|(index, token)| {
            *index + 1 != at
                && *index != at
                && !(token.is("as")
                    && noun
                        .get(index + 1)
                        .is_some_and(|next| matches!(next.kind, Tok::Var(_))))
                && !(*index > 0 && noun[index - 1].is("as") && matches!(token.kind, Tok::Var(_)))
        })
        .map(|(_, token)| token.clone())
        .collect();
    Some(Action::AskWhichOf {
        list: list.clone(),
        noun: words,
        several,
        var,
    })
}
