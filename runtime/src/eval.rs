//! The expression evaluator: what a condition or a tool argument is worth,
//! given where variables' values come from (a [`Scope`]).
//!
//! The one evaluator of the runtime: the engine evaluates over a session
//! (conditions, `Set` values, tool arguments, a trigger's condition), and
//! `keel paths`' synthesis ([`crate::synthesis`]) over the values it is
//! choosing, so a generated conversation is planned with exactly the
//! semantics that will run it. A path means the same everywhere ([`lookup`]):
//! a field of a list is that field of each of its items, as the catalog
//! types it (`$order.items.price` is a `[money]`).

use crate::event::Evidence;
use crate::machine::{Expr, Path, VarId};
use crate::session::Session;
use crate::value::{Date, Value};
use std::borrow::Cow;
use std::cmp::Ordering;

#[cfg(test)]
mod tests;

/// Where variables' values come from.
pub(crate) trait Scope {
    /// A variable's value (`Null` when unset): borrowed where the scope
    /// holds it as a [`Value`] (a session), owned where it is made when
    /// asked for (synthesis's cells).
    fn var(&self, var: VarId) -> Cow<'_, Value>;
    /// The date "today" means.
    fn today(&self) -> Date;
}

impl Scope for Session {
    #[inline]
    fn var(&self, var: VarId) -> Cow<'_, Value> {
        Cow::Borrowed(self.vars.get(usize::from(var.0)).unwrap_or(&Value::Null))
    }

    fn today(&self) -> Date {
        self.today
    }
}

/// The value at a path: the variable, then each field in turn, where a
/// field of a list is that field of each of its items (`$items.price` →
/// the prices); `Null` when any part is missing. Borrowed from the scope
/// unless a list is projected.
pub(crate) fn lookup<'s>(scope: &'s impl Scope, path: &Path) -> Cow<'s, Value> {
    match scope.var(path.var) {
        Cow::Borrowed(root) => find(root, &path.fields),
        Cow::Owned(root) => Cow::Owned(find(&root, &path.fields).into_owned()),
    }
}

/// The value at `fields` under `value`, as [`lookup`] reads a path:
/// borrowed while each field is found; a list that lacks a field gives
/// the rest of the path read on each of its items (a field of a list of
/// lists is a list of lists).
fn find<'v>(mut value: &'v Value, fields: &[Box<str>]) -> Cow<'v, Value> {
    for (at, field) in fields.iter().enumerate() {
        value = match (value.field(field), value) {
            (Some(inner), _) => inner,
            (None, Value::List(items)) => {
                let rest = fields.get(at..).unwrap_or_default();
                return Cow::Owned(Value::List(
                    items
                        .iter()
                        .map(|item| find(item, rest).into_owned())
                        .collect(),
                ));
            }
            (None, _) => return Cow::Borrowed(&Value::Null),
        };
    }
    Cow::Borrowed(value)
}

/// The value of an expression; a condition is a `Bool`.
pub(crate) fn eval(scope: &impl Scope, expr: &Expr) -> Value {
    match expr {
        Expr::Path(path) => lookup(scope, path).into_owned(),
        Expr::Text(text) => Value::Text(text.clone()),
        Expr::Number(number) => Value::Number(*number),
        Expr::Today => Value::Date(scope.today()),
        // Whole days from the date to today; nothing when the date is unknown.
        Expr::DaysSince(path) => match *lookup(scope, path) {
            Value::Date(date) => Value::Number(f64::from(scope.today().0 - date.0)),
            _ => Value::Null,
        },
        Expr::AtMost(_, _) | Expr::After(_, _) | Expr::IsSet(_) | Expr::Equals(_, _) => {
            Value::Bool(test(scope, expr).0)
        }
        Expr::Sum(path) => sum(&lookup(scope, path)),
        Expr::Count(path) => count(&lookup(scope, path)),
        Expr::Plus(left, right) => arithmetic(eval(scope, left), eval(scope, right), false),
        Expr::Minus(left, right) => arithmetic(eval(scope, left), eval(scope, right), true),
        Expr::Append(list, item) => append(&lookup(scope, list), eval(scope, item)),
        Expr::Nothing => Value::Null,
    }
}

/// `left + right` (or `-`) over numbers, or amounts of one currency;
/// anything else is nothing.
fn arithmetic(left: Value, right: Value, minus: bool) -> Value {
    match (left, right) {
        (Value::Money(left), Value::Money(right)) if left.code == right.code => {
            let minor = if minus {
                left.minor.checked_sub(right.minor)
            } else {
                left.minor.checked_add(right.minor)
            };
            minor.map_or(Value::Null, |minor| {
                Value::Money(crate::value::Money {
                    minor,
                    code: left.code,
                })
            })
        }
        (Value::Number(left), Value::Number(right)) => {
            Value::Number(if minus { left - right } else { left + right })
        }
        _ => Value::Null,
    }
}

/// The sum of a list's numbers or amounts; nothing for an empty list or a
/// list of anything else.
fn sum(value: &Value) -> Value {
    let Value::List(items) = value else {
        return Value::Null;
    };
    let mut items = items.iter();
    let Some(first) = items.next() else {
        return Value::Null;
    };
    items.fold(first.clone(), |total, item| {
        arithmetic(total, item.clone(), false)
    })
}

/// How many items a list holds (none when it is unset).
fn count(value: &Value) -> Value {
    match value {
        Value::List(items) => Value::Number(items.len() as f64),
        Value::Null => Value::Number(0.0),
        _ => Value::Null,
    }
}

/// The list with one more item (an unset list is empty).
fn append(list: &Value, item: Value) -> Value {
    let mut items: Vec<Value> = list.as_list().map(<[Value]>::to_vec).unwrap_or_default();
    items.push(item);
    Value::List(items.into())
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
        // An amount against a number of its units (`more than 0`).
        (Value::Money(money), Value::Number(number)) => {
            Some(money.minor.cmp(&((number * 100.0).round() as i64)))
        }
        (Value::Number(number), Value::Money(money)) => {
            Some(((number * 100.0).round() as i64).cmp(&money.minor))
        }
        _ => None,
    }
}

/// Whether two values are the same: text without regard to case or
/// surrounding space; nothing is the same as nothing else, not even nothing.
fn same(left: &Value, right: &Value) -> bool {
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
            let value = lookup(scope, path).into_owned();
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
