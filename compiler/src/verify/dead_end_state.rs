//! `K0302 dead-end-state`.
//!
//! **What it checks.** From every reachable state some terminal state (an
//! end or a hand-off) can still be reached.
//!
//! **Why it matters.** A conversation that enters a dead end can never
//! finish: the customer is left waiting and nobody is told. A state with no
//! way out, or a region that only loops on itself, is a machine bug no test
//! conversation may happen to hit.
//!
//! **Example.** A match over a field with no enum domain whose cases all
//! loop back to a question, with nothing that ever leaves the loop.
//! `#Policy` references that did not resolve are reported by the front end
//! (`K0105`) and are not reported again here.

use super::Check;
use super::context::{Context, reach};
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::StateKind;
use petgraph::visit::Reversed;
use std::collections::BTreeSet;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0302",
    name: "dead-end-state",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let graph = context.graph();
    let ends: Vec<_> = context
        .machine
        .states()
        .filter(|(id, state_data)| {
            let unresolved_goto = matches!(state_data.kind, StateKind::Goto { .. })
                && context.machine.transitions_from(*id).is_empty();
            state_data.kind.is_terminal() || unresolved_goto
        })
        .map(|(id, _)| id)
        .collect();
    let finishes = reach(Reversed(graph), &ends);
    let mut reported = BTreeSet::new();
    for (id, state_data) in context.reachable_states() {
        if finishes.contains(&id) {
            continue;
        }
        let span = context.span_of(id);
        if !reported.insert(span) {
            continue;
        }
        let what = if context.machine.transitions_from(id).is_empty() {
            "has no way out"
        } else {
            "can never reach an end or a hand-off"
        };
        let mut diagnostic = Diagnostic::error(
            CODE,
            format!(
                "the {} at {} {what}: the conversation would never finish",
                state_data.kind.name(),
                context.step_of(id)
            ),
        )
        .hint("end the conversation or route to an agent on every branch");
        if let Some(span) = span {
            diagnostic = diagnostic.at(span);
        }
        diagnostics.push(diagnostic);
    }
}
