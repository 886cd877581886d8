//! `K0304 missing-enum-case`.
//!
//! **What it checks.** A match over a field with an enum domain in the
//! catalog handles every value of the domain, either with a case or with an
//! `otherwise` the author wrote. The missing values are listed.
//!
//! **Why it matters.** A status the policy forgets is the classic support
//! bug: the catalog says an order can be "Pending Shipment", the policy only
//! talks about "Shipped" and "Delivered". Lowering keeps the machine total by
//! sending unhandled values to a visible hand-off, but that default is not
//! something the author decided, so it is an **error**, not a warning: the
//! fix is one line (handle the value, or write "otherwise, route to an
//! agent"), and a policy that says nothing about a status its catalog
//! declares is incomplete. Literals that are not in the domain at all are
//! reported by the front end with a did-you-mean (`K0113`).
//!
//! **Example.**
//!
//! ```text
//! 2. If "open", inform that the order is being prepared.
//! 3. If "shipped", inform that the order is on its way.
//!    <- "closed" is never handled
//! ```

use super::Check;
use super::context::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::{Label, StateKind};
use std::collections::BTreeSet;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0304",
    name: "missing-enum-case",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, state) in context.reachable_states() {
        let StateKind::Match {
            subject,
            domain: Some(domain),
        } = &state.kind
        else {
            continue;
        };
        let transitions = context.machine.transitions_from(id);
        let covered: BTreeSet<&String> = transitions
            .iter()
            .filter_map(|(_, transition, _)| match &transition.label {
                Label::Case(values) => Some(values),
                _ => None,
            })
            .flatten()
            .collect();
        // An `otherwise` the author wrote leads to written text; the
        // default lowering adds leads to a hand-off keel made up.
        let written_otherwise = transitions.iter().any(|(_, transition, to)| {
            transition.label == Label::Else && context.state(*to).origin.is_some()
        });
        if written_otherwise {
            continue;
        }
        let missing: Vec<&String> = domain
            .iter()
            .filter(|value| !covered.contains(value))
            .collect();
        let Some(first) = missing.first() else {
            continue;
        };
        let listed: Vec<String> = missing.iter().map(|value| format!("\"{value}\"")).collect();
        let mut diagnostic = Diagnostic::error(
            CODE,
            format!(
                "{subject} can also be {}, which the policy does not handle",
                listed.join(", ")
            ),
        )
        .hint(format!(
            "add `If \"{first}\", …` or `Otherwise, route to an agent.`"
        ))
        .note(
            None,
            "until then these values go to an implicit hand-off to an agent",
        );
        if let Some(span) = context.span_of(id) {
            diagnostic = diagnostic.at(span);
        }
        diagnostics.push(diagnostic);
    }
}
