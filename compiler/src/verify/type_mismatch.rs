//! `K0308 type-mismatch`.
//!
//! **What it checks.** Types against the catalog: every tool argument's value
//! fits the argument's declared type (a date is not an order id, a word is
//! not a percentage, a literal passed to an enum argument is in its domain);
//! both sides of a comparison are dates or both are numbers; a match compares
//! text or enum values; a choice among list items is offered from a list.
//!
//! **Why it matters.** A tool called with the wrong kind of value fails at
//! run time, in front of the customer, or worse, succeeds on the wrong
//! record. The catalog already says what each tool takes; the compiler can
//! hold the policy to it.
//!
//! **Example.**
//!
//! ```text
//! 4. Use @order_details(order_id: $order.created_at) to …   <- a date, not a string id
//! ```

use super::Check;
use super::context::{Context, Env};
use crate::catalog::Type;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{Expr, Slot};
use crate::machine::{StateId, StateKind};
use std::collections::BTreeSet;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0308",
    name: "type-mismatch",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, state) in context.reachable_states() {
        let env = context.env(id);
        let mut problems: Vec<(String, String)> = Vec::new();
        match &state.kind {
            StateKind::Call { tool, args, .. } => {
                let Some(tool) = context.catalog.tools.get(tool) else {
                    continue;
                };
                for (name, expr) in args {
                    let Some(expected) = tool.args.get(name) else {
                        continue;
                    };
                    if let (Expr::Text(text), Some(domain)) = (expr, expected.domain()) {
                        if !domain.iter().any(|value| value == text) {
                            problems.push((
                                format!("`{name}` of @{} takes one of {}; \"{text}\" is not one of them", tool.name, domain.join(", ")),
                                format!("pass one of: {}", domain.join(", ")),
                            ));
                        }
                        continue;
                    }
                    if let Expr::Number(number) = expr {
                        let numeric = match expected.required() {
                            Type::Number | Type::Money => true,
                            Type::Int => !number.contains('.'),
                            _ => false,
                        };
                        if !numeric {
                            problems.push((
                                format!(
                                    "`{name}` of @{} takes {expected}, but {number} is a number",
                                    tool.name
                                ),
                                format!("pass a {expected} value for `{name}`"),
                            ));
                        }
                        continue;
                    }
                    for actual in expr_types(context, env, expr) {
                        if !actual.fits(expected) {
                            problems.push((
                                format!(
                                    "`{name}` of @{} takes {expected}, but {expr} is {actual}",
                                    tool.name
                                ),
                                format!("pass a {expected} value for `{name}`"),
                            ));
                        }
                    }
                }
            }
            StateKind::Test { condition, .. } => {
                if let Expr::AtMost(left, right) | Expr::After(left, right) = condition {
                    let left_types = expr_types(context, env, left);
                    let right_types = expr_types(context, env, right);
                    for left_type in &left_types {
                        for right_type in &right_types {
                            if !comparable(left_type, right_type) {
                                problems.push((
                                    format!("{condition} compares {left_type} with {right_type}"),
                                    "compare dates with dates and numbers with numbers".to_string(),
                                ));
                            }
                        }
                    }
                }
            }
            StateKind::Match { subject, .. } => {
                for ty in env.path_types(subject, context.catalog) {
                    if !matches!(ty.required(), Type::Enum(_) | Type::String | Type::Email) {
                        problems.push((
                            format!("{subject} is {ty}; it cannot be compared with text values"),
                            "match an enum or text field".to_string(),
                        ));
                    }
                }
            }
            StateKind::Ask {
                slot: Slot::Item(list),
                ..
            } => {
                for ty in env.path_types(list, context.catalog) {
                    if !matches!(ty.required(), Type::List(_)) {
                        problems.push((
                            format!("{list} is {ty}, not a list to choose from"),
                            "offer the items of a list a tool returned".to_string(),
                        ));
                    }
                }
            }
            _ => {}
        }
        report(context, id, problems, diagnostics);
    }
}

fn report(
    context: &Context<'_>,
    id: StateId,
    problems: Vec<(String, String)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut seen = BTreeSet::new();
    for (message, hint) in problems {
        if !seen.insert(message.clone()) {
            continue;
        }
        let mut diagnostic = Diagnostic::error(CODE, message).hint(hint);
        if let Some(span) = context.span_of(id) {
            diagnostic = diagnostic.at(span);
        }
        diagnostics.push(diagnostic);
    }
}

/// The types an expression may have here (empty when unknown).
fn expr_types(context: &Context<'_>, env: &Env, expr: &Expr) -> BTreeSet<Type> {
    context.expr_types(env, expr)
}

fn comparable(left: &Type, right: &Type) -> bool {
    let numeric = |ty: &Type| matches!(ty.required(), Type::Int | Type::Number | Type::Money);
    let date = |ty: &Type| matches!(ty.required(), Type::Date);
    (numeric(left) && numeric(right)) || (date(left) && date(right))
}
