//! The expression evaluator: what a condition or a tool argument is worth,
//! given where variables' values come from (a [`Scope`]).
//!
//! One evaluator for everything that asks what an expression means: the
//! engine evaluates over a session, and `keel paths`' synthesis
//! ([`crate::synthesis`]) over the values it is choosing, so a generated
//! conversation is planned with exactly the semantics that will run it.
//! (The engine's own copy in `engine.rs` moves here when that file is next
//! reorganised.)

use crate::event::Evidence;
use crate::machine::{Expr, Path};
use crate::value::{Date, Value};
use std::cmp::Ordering;

/// Where variables' values come from.
pub(crate) trait Scope {
    /// The value at a path (`Null` when unset or missing).
    fn lookup(&self, path: &Path) -> Value;
    /// The date "today" means.
    fn today(&self) -> Date;
}

/// The value of an expression; a condition is a `Bool`.
pub(crate) fn eval(scope: &impl Scope, expr: &Expr) -> Value {
    match expr {
        Expr::Path(path) => scope.lookup(path),
        Expr::Text(text) => Value::Text(text.clone()),
        Expr::Number(number) => Value::Number(*number),
        Expr::Today => Value::Date(scope.today()),
        // Whole days from the date to today; nothing when the date is unknown.
        Expr::DaysSince(path) => match scope.lookup(path) {
            Value::Date(date) => Value::Number(f64::from(scope.today().0 - date.0)),
            _ => Value::Null,
        },
        Expr::AtMost(_, _) | Expr::After(_, _) | Expr::IsSet(_) | Expr::Equals(_, _) => {
            Value::Bool(test(scope, expr).0)
        }
    }
}

/// How two values compare, if they can be: dates with dates, numbers with
/// numbers, money with money of the same currency.
pub(crate) fn order(left: &Value, right: &Value) -> Option<Ordering> {
    match (left, right) {
        (Value::Date(left), Value::Date(right)) => Some(left.cmp(right)),
        (Value::Number(left), Value::Number(right)) => left.partial_cmp(right),
        (Value::Money(left), Value::Money(right)) if left.code == right.code => {
            Some(left.minor.cmp(&right.minor))
        }
        _ => None,
    }
}

/// Whether two values are the same: text without regard to case or
/// surrounding space; nothing is the same as nothing else, not even nothing.
pub(crate) fn same(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Text(left), Value::Text(right)) => left.trim().eq_ignore_ascii_case(right.trim()),
        (Value::Null, _) | (_, Value::Null) => false,
        (left, right) => left == right,
    }
}

/// Evaluates a condition; also returns what was compared, for the audit.
pub(crate) fn test(scope: &impl Scope, condition: &Expr) -> (bool, Evidence) {
    let compare = |left: &Expr, right: &Expr| {
        let left = eval(scope, left);
        let right = eval(scope, right);
        (order(&left, &right), Evidence::Compared(left, right))
    };
    match condition {
        Expr::AtMost(left, right) => {
            let (ordering, shown) = compare(left, right);
            (ordering.is_some_and(Ordering::is_le), shown)
        }
        Expr::After(left, right) => {
            let (ordering, shown) = compare(left, right);
            (ordering.is_some_and(Ordering::is_gt), shown)
        }
        Expr::IsSet(path) => {
            let value = scope.lookup(path);
            (!value.is_null(), Evidence::Compared(value, Value::Null))
        }
        Expr::Equals(left, right) => {
            let left = eval(scope, left);
            let right = eval(scope, right);
            (same(&left, &right), Evidence::Compared(left, right))
        }
        other => {
            let value = eval(scope, other);
            (
                value == Value::Bool(true),
                Evidence::Compared(value, Value::Bool(true)),
            )
        }
    }
}
