//! The clauses of a sentence in the order they are read: a trailing guard
//! on what ends a branch is turned round into its condition first.

use super::condition;
use super::lexicon::Class;
use super::rules;
use super::tokens::{self, Token};

/// The clauses of `sentence`, each with whether it was turned round
/// (`Hand off to a CSR if there's no match` → `if there's no match, hand
/// off to a CSR`, see [`rules::trailing_guard`]): what follows a turned
/// clause goes on outside its branch.
pub(super) fn read_order(sentence: &[Token]) -> Vec<(Vec<Token>, bool)> {
    let mut clauses: Vec<(Vec<Token>, bool)> = Vec::new();
    let mut written = tokens::clauses(sentence).into_iter().peekable();
    while let Some(mut clause) = written.next() {
        let plain = condition::split_condition(&clause).0.is_none()
            && condition::split_label(&clause).is_none();
        // `End the chat if no order comes back` is split before its
        // `if no`: the guard alone, with nothing to do, is this
        // clause's.
        let guard_only = written.peek().is_some_and(|next| {
            next.first().is_some_and(|t| t.is("if"))
                && matches!(condition::split_condition(next), (Some(_), ref actions) if !actions.iter().any(|t| t.word().is_some()))
        });
        if plain && guard_only {
            let mut joined = clause.clone();
            joined.extend(written.peek().cloned().unwrap_or_default());
            if rules::trailing_guard(&joined).is_some() {
                clause = joined;
                written.next();
            }
        }
        match plain.then(|| rules::trailing_guard(&clause)).flatten() {
            Some((before, turned)) => {
                if before.iter().any(|t| t.word().is_some()) {
                    clauses.push((before, false));
                }
                clauses.push((turned, true));
            }
            None => clauses.push((clause, false)),
        }
    }
    clauses
}

/// `(yes/no)`, `(y / n)`, `(yes or no)`: a parenthesised list of the bare
/// answers a question takes, a sentence of its own after the question.
pub(super) fn answers_annotation(sentence: &[Token]) -> bool {
    let [open, inner @ .., close] = sentence else {
        return false;
    };
    open.is_punct('(')
        && close.is_punct(')')
        && inner.iter().any(|t| t.is_any(&["yes", "y"]))
        && inner.iter().any(|t| t.is_any(&["no", "n"]))
        && inner
            .iter()
            .all(|t| t.is_any(&["yes", "no", "y", "n", "or"]) || t.is_punct('/') || t.is_punct(','))
}

/// `Then check where they subscribed.`, `Next, check how they're billed.`,
/// `Have a look at the status of the delivery they picked.`: a check that
/// names no tool and no value of its own (a `wh-` clause, or `the status
/// of …`), right before a sentence that opens with a condition: the
/// conditions are the check. Anything else is left to the rules.
pub(super) fn lead_in_check(sentence: &[Token], next: &[Token]) -> bool {
    let body: Vec<&Token> = sentence
        .iter()
        .skip_while(|t| t.is_a(Class::Filler) || t.is_punct(','))
        .collect();
    let opens_condition = next.first().is_some_and(|t| t.is("should"))
        || next
            .iter()
            .find(|t| !(t.is_a(Class::Filler) || t.is_punct(',')))
            .is_some_and(|t| t.is_a(Class::ConditionOpener) && !t.is_a(Class::Otherwise));
    if !opens_condition
        || sentence.iter().any(|t| {
            !matches!(
                t.kind,
                super::tokens::Tok::Word { .. } | super::tokens::Tok::Punct(_)
            )
        })
    {
        return false;
    }
    let words: Vec<&str> = body.iter().filter_map(|t| t.word()).collect();
    let rest = match words.as_slice() {
        ["check" | "see" | "verify" | "determine", rest @ ..] => rest,
        ["have" | "take", "a", "look" | "quick", rest @ ..] => rest,
        ["look", "at", rest @ ..] => rest,
        _ => return false,
    };
    let rest: Vec<&str> = rest
        .iter()
        .copied()
        .skip_while(|word| matches!(*word, "look" | "at"))
        .collect();
    matches!(
        rest.first(),
        Some(&("how" | "where" | "what" | "which" | "when" | "who"))
    ) || rest.starts_with(&["the", "status"])
        || rest.starts_with(&["its", "status"])
        || rest.starts_with(&["their", "status"])
}
