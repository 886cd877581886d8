//! The predicate reader: an English statement to test (`the order is within
//! 30 days of delivery`, `$email matches $order.email`) as an expression —
//! comparisons of two values, date windows and day counts, set fields,
//! existence.

use super::lexicon::{self, Class};
use super::scope::Scope;
use super::tokens::{Tok, Token};
use crate::catalog::Type;
use crate::ir::{Expr, Path};

pub(super) enum PredicateRead {
    Expr(Expr),
    /// `the user exists`: the lookup's own found / not-found outcome.
    Existence,
    Unknown,
}

/// Reads a testable statement: comparisons of two values, date windows and
/// day counts, set fields, existence.
pub(super) fn predicate(words_tokens: &[Token], scope: &Scope<'_>) -> PredicateRead {
    let words: Vec<&str> = words_tokens.iter().filter_map(Token::word).collect();
    let paths: Vec<Path> = words_tokens
        .iter()
        .filter_map(|token| match &token.kind {
            Tok::Var(path) => Some(Path(path.clone())),
            _ => None,
        })
        .collect();
    let any = |class: Class| words_tokens.iter().any(|token| token.is_a(class));
    // `$membership.offer_used is false`: a yes/no field is the test itself
    // (`false`, like `not`, makes the condition the `no` of it).
    if let [path] = paths.as_slice() {
        if scope
            .path_type(&path.0)
            .is_some_and(|ty| matches!(ty.required(), Type::Bool))
        {
            return PredicateRead::Expr(Expr::Path(path.clone()));
        }
    }
    let compares = any(Class::Comparison);
    if compares {
        // `$email does not match $order.email`, or one `$path` and a field named in words.
        let right = match paths.as_slice() {
            [_, second, ..] => Some(second.clone()),
            [only] => {
                let others: Vec<&str> = words
                    .iter()
                    .copied()
                    .filter(|word| {
                        !lexicon::is(word, Class::Comparison) && !matches!(*word, "as" | "to")
                    })
                    .collect();
                scope
                    .find_field(&others, &|_| true)
                    .map(|(path, _)| path)
                    .filter(|path| path != only)
            }
            [] => None,
        };
        if let (Some(left), Some(right)) = (paths.first(), right) {
            return PredicateRead::Expr(Expr::Equals(
                Box::new(Expr::Path(left.clone())),
                Box::new(Expr::Path(right)),
            ));
        }
    }
    if let Some(path) = paths.first() {
        if any(Class::IsSetWord) {
            return PredicateRead::Expr(Expr::IsSet(path.clone()));
        }
    }
    let is_date = |ty: &Type| matches!(ty.required(), Type::Date);
    let field_words: Vec<&str> = words
        .iter()
        .copied()
        .filter(|word| !lexicon::is(word, Class::DateFiller))
        .collect();
    let date_field = paths
        .iter()
        .find(|path| scope.path_type(&path.0).is_some_and(|ty| is_date(&ty)))
        .cloned()
        .or_else(|| {
            scope
                .find_field(&field_words, &is_date)
                .map(|(path, _)| path)
        });
    // Day counts: `more than 30 days ago`, `within the last 30 days`.
    let days = words_tokens
        .windows(2)
        .find_map(|pair| match &pair[0].kind {
            Tok::Number(number) if pair[1].is_a(Class::DayUnit) => Some(number.clone()),
            _ => None,
        });
    if let (Some(days), Some(field)) = (&days, &date_field) {
        let since = Box::new(Expr::DaysSince(field.clone()));
        let count = Box::new(Expr::Number(days.clone()));
        let more = any(Class::MoreThan);
        let fewer = any(Class::LessThan);
        if more && !fewer {
            return PredicateRead::Expr(Expr::After(since, count));
        }
        if fewer && !more {
            return PredicateRead::Expr(Expr::AtMost(since, count));
        }
        return PredicateRead::Unknown;
    }
    let mentions_today = any(Class::Today);
    if let (true, Some(field)) = (mentions_today, &date_field) {
        let field = Box::new(Expr::Path(field.clone()));
        let today = Box::new(Expr::Today);
        if any(Class::Earlier) {
            return PredicateRead::Expr(Expr::After(today, field));
        }
        if any(Class::Later) {
            return PredicateRead::Expr(Expr::After(field, today));
        }
        if any(Class::IsOn) {
            return PredicateRead::Expr(Expr::Equals(field, today));
        }
        return PredicateRead::Unknown;
    }
    // Amounts and counts: `$check.amount is more than $500`, `the total is
    // under 50`, `at least 3`.
    let number = words_tokens.iter().find_map(|token| match &token.kind {
        Tok::Number(number) => Some(number.trim_end_matches('.').to_string()),
        _ => None,
    });
    if let (Some(number), None) = (&number, &days) {
        let is_amount = |ty: &Type| matches!(ty.required(), Type::Money | Type::Number | Type::Int);
        let amount_field = paths
            .iter()
            .find(|path| scope.path_type(&path.0).is_some_and(|ty| is_amount(&ty)))
            .cloned()
            .or_else(|| scope.find_field(&words, &is_amount).map(|(path, _)| path));
        if let Some(field) = amount_field {
            let field = Box::new(Expr::Path(field));
            let number = Box::new(Expr::Number(number.clone()));
            let pair = |first: &str, second: &str| {
                words
                    .windows(2)
                    .any(|pair| pair[0] == first && pair[1] == second)
            };
            let at_least = pair("at", "least") || pair("or", "more");
            let at_most = pair("at", "most") || pair("or", "less") || pair("no", "more");
            let more = any(Class::MoreThan)
                || words
                    .iter()
                    .any(|word| matches!(*word, "above" | "exceeds" | "greater"));
            let fewer = any(Class::LessThan) || words.contains(&"below");
            return PredicateRead::Expr(match (at_least, at_most, more, fewer) {
                (true, false, _, _) => Expr::AtMost(number, field),
                (false, true, _, _) => Expr::AtMost(field, number),
                (false, false, true, false) => Expr::After(field, number),
                (false, false, false, true) => Expr::After(number, field),
                _ => return PredicateRead::Unknown,
            });
        }
    }
    let within = any(Class::ByDate);
    let late = any(Class::Late);
    if within || late {
        if let Some(field) = date_field {
            let today = Box::new(Expr::Today);
            let field = Box::new(Expr::Path(field));
            return PredicateRead::Expr(if late {
                Expr::After(today, field)
            } else {
                Expr::AtMost(today, field)
            });
        }
    }
    if any(Class::Exists) {
        return PredicateRead::Existence;
    }
    if any(Class::Have) {
        if let Some((path, _)) = scope.find_field(&words, &|ty| ty.is_optional()) {
            return PredicateRead::Expr(Expr::IsSet(path));
        }
    }
    PredicateRead::Unknown
}
