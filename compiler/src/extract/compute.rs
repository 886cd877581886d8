//! Values computed from others and comparisons of two values, as authors
//! write them, read into expressions with no guessing: every value is a
//! `$path`, a number, or a word from the lexicon's value classes.
//!
//! A value:
//!
//! * `$refund`, `$order.total`, `12.50`;
//! * `the sum of $items.price` (or `the total of …`): the sum of a list's
//!   numbers or amounts, `$items.price` being each item's price;
//! * `the number of $items` (or `the count of …`): how many items;
//! * `nothing`, `an empty list`: no value, an empty list to add to;
//! * `<value> plus <value>`, `<value> minus <value>`, left to right.
//!
//! A comparison: `<value> is more than / greater than / above / over
//! <value>`, `… exceeds …`, `… is less than / below / under …`, `… is at
//! least …`, `… is at most …`.

use super::lexicon::Class;
use super::tokens::{Tok, Token};
use crate::ir::{Expr, Path};

/// Words that carry nothing in a value: `the`, `an`, `of`, `list`, `is`.
fn filler(token: &Token) -> bool {
    token.is_a(Class::ValueFiller) || token.is_punct(',')
}

/// Reads a value; `None` when any word of it is not part of one.
pub(crate) fn value(tokens: &[Token]) -> Option<Expr> {
    // Split at `plus` / `minus`, left to right.
    let mut terms: Vec<(bool, &[Token])> = Vec::new();
    let mut start = 0;
    let mut minus = false;
    for (index, token) in tokens.iter().enumerate() {
        if token.is_a(Class::PlusWord) || token.is_a(Class::MinusWord) {
            terms.push((minus, &tokens[start..index]));
            minus = token.is_a(Class::MinusWord);
            start = index + 1;
        }
    }
    terms.push((minus, &tokens[start..]));
    let mut result: Option<Expr> = None;
    for (minus, term) in terms {
        let term = single(term)?;
        result = Some(match result {
            None if minus => return None,
            None => term,
            Some(left) if minus => Expr::Minus(Box::new(left), Box::new(term)),
            Some(left) => Expr::Plus(Box::new(left), Box::new(term)),
        });
    }
    result
}

/// One term: a path, a number, a sum, a count or nothing.
fn single(tokens: &[Token]) -> Option<Expr> {
    let content: Vec<&Token> = tokens.iter().filter(|token| !filler(token)).collect();
    match content.as_slice() {
        [token] => match &token.kind {
            Tok::Var(path) => Some(Expr::Path(Path(path.clone()))),
            Tok::Number(number) => Some(Expr::Number(number.replace(',', ""))),
            _ if token.is_a(Class::NothingWord) => Some(Expr::Nothing),
            _ => None,
        },
        [word, token] => {
            let Tok::Var(path) = &token.kind else {
                return None;
            };
            let path = Path(path.clone());
            if word.is_a(Class::SumWord) {
                Some(Expr::Sum(path))
            } else if word.is_a(Class::CountWord) {
                Some(Expr::Count(path))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Reads a comparison of two values; `None` when the words are not one.
pub(crate) fn comparison(tokens: &[Token]) -> Option<Expr> {
    let at = tokens.iter().position(|token| {
        token.is_a(Class::Greater)
            || token.is_a(Class::Smaller)
            || token.is_a(Class::Least)
            || token.is_a(Class::Most)
    })?;
    let word = &tokens[at];
    // `at least` / `at most`: the `at` before belongs to the comparison.
    let left_end =
        if (word.is_a(Class::Least) || word.is_a(Class::Most)) && at > 0 && tokens[at - 1].is("at")
        {
            at - 1
        } else if word.is_a(Class::Least) || word.is_a(Class::Most) {
            return None;
        } else {
            at
        };
    let left = value(&tokens[..left_end])?;
    let right = value(&tokens[at + 1..])?;
    let (left, right) = (Box::new(left), Box::new(right));
    Some(if word.is_a(Class::Greater) {
        Expr::After(left, right)
    } else if word.is_a(Class::Smaller) {
        Expr::After(right, left)
    } else if word.is_a(Class::Least) {
        Expr::AtMost(right, left)
    } else {
        Expr::AtMost(left, right)
    })
}
