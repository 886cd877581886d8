//! The evaluator on every kind of expression: the cases of
//! `runtime/tests/data/eval.json` (one scope of values, then each case's
//! expression, its value and, for a condition, the two values it compared).
//!
//! Each case is evaluated over two scopes holding the same values: one that
//! lends them (as a session does) and one that makes them from JSON when
//! asked (as synthesis does), so the value of an expression cannot depend
//! on where its variables come from.

use super::{Scope, eval, test};
use crate::event::Evidence;
use crate::machine::{VarId, expression};
use crate::value::{Date, Value};
use keel_compiler::emit::artifact::ExprEntry;
use serde::Deserialize;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
struct Cases {
    today: String,
    vars: BTreeMap<String, Json>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    case: String,
    expr: ExprEntry,
    value: Json,
    /// For a condition: what it compared (left, right).
    compared: Option<(Json, Json)>,
}

/// Lends its values, as a session does.
struct Lends {
    vars: Vec<Value>,
    today: Date,
}

impl Scope for Lends {
    fn var(&self, var: VarId) -> Cow<'_, Value> {
        Cow::Borrowed(self.vars.get(usize::from(var.0)).unwrap_or(&Value::Null))
    }

    fn today(&self) -> Date {
        self.today
    }
}

/// Makes its values from JSON when asked, as synthesis does.
struct Makes {
    vars: Vec<Json>,
    today: Date,
}

impl Scope for Makes {
    fn var(&self, var: VarId) -> Cow<'_, Value> {
        Cow::Owned(
            self.vars
                .get(usize::from(var.0))
                .map_or(Value::Null, Value::from_json),
        )
    }

    fn today(&self) -> Date {
        self.today
    }
}

/// Runs one case over one scope; the problems found, if any.
fn check(scope: &impl Scope, case: &Case, expr: &crate::machine::Expr) -> Vec<String> {
    let mut problems = Vec::new();
    let want = Value::from_json(&case.value);
    let value = eval(scope, expr);
    if value != want {
        problems.push(format!("value {} (want {})", value.plain(), want.plain()));
    }
    if let Some((left, right)) = &case.compared {
        let (holds, evidence) = test(scope, expr);
        let shown = Evidence::Compared(Value::from_json(left), Value::from_json(right));
        if holds != (want == Value::Bool(true)) {
            problems.push(format!("the condition holds: {holds}"));
        }
        if evidence != shown {
            problems.push(format!("compared {evidence:?} (want {shown:?})"));
        }
    }
    problems
}

#[test]
fn every_expression_kind_evaluates_as_the_cases_say() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/eval.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    let cases: Cases = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{error}"));
    let today = Date::parse_iso(&cases.today).unwrap_or_else(|| panic!("today"));
    let mut failures = Vec::new();
    let mut kinds = BTreeSet::new();
    for case in &cases.cases {
        let (expr, names) =
            expression(&case.expr).unwrap_or_else(|error| panic!("{}: {error}", case.case));
        kinds.insert(
            serde_json::to_value(&case.expr)
                .map(|json| json["op"].to_string())
                .ok(),
        );
        // The variables in the order the expression names them.
        let mut json = vec![Json::Null; names.len()];
        for (name, id) in &names {
            if let (Some(value), Some(slot)) =
                (cases.vars.get(name), json.get_mut(usize::from(id.0)))
            {
                *slot = value.clone();
            }
        }
        let lends = Lends {
            vars: json.iter().map(Value::from_json).collect(),
            today,
        };
        let makes = Makes { vars: json, today };
        for (scope, problems) in [
            ("lent", check(&lends, case, &expr)),
            ("made", check(&makes, case, &expr)),
        ] {
            for problem in problems {
                failures.push(format!("{} ({scope} values): {problem}", case.case));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert_eq!(kinds.len(), 15, "a case for every kind of expression");
}
