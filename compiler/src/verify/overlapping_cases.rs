//! `K0305 overlapping-cases`.
//!
//! **What it checks.** No value appears in two cases of one match (or twice
//! in one case).
//!
//! **Why it matters.** Cases are tried in written order, so for a value
//! listed twice the later case never runs: the author believes "Shipped"
//! does what the second rule says, the machine does what the first says.
//!
//! **Example.**
//!
//! ```text
//! 2. If "open" or "shipped", inform that the order is on its way.
//! 3. If "shipped", provide the tracking number.   <- never runs
//! ```

use super::Check;
use super::context::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::{Label, StateKind};
use std::collections::BTreeMap;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0305",
    name: "overlapping-cases",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, state) in context.reachable_states() {
        let StateKind::Match { subject, .. } = &state.kind else {
            continue;
        };
        let mut first_case: BTreeMap<&String, crate::machine::StateId> = BTreeMap::new();
        for (_, transition, to) in context.machine.transitions_from(id) {
            let Label::Case(values) = &transition.label else {
                continue;
            };
            for value in values {
                let Some(&earlier) = first_case.get(value) else {
                    first_case.insert(value, to);
                    continue;
                };
                let mut diagnostic = Diagnostic::error(
                    CODE,
                    format!(
                        "\"{value}\" of {subject} is handled twice; only the first case ({}) ever runs for it",
                        context.step_of(earlier)
                    ),
                )
                .hint(format!("remove \"{value}\" from one of the cases"));
                if let Some(span) = context.span_of(to).or_else(|| context.span_of(id)) {
                    diagnostic = diagnostic.at(span);
                }
                if let Some(span) = context.span_of(earlier) {
                    diagnostic = diagnostic.note(Some(span), "the case that runs");
                }
                diagnostics.push(diagnostic);
            }
        }
    }
}
