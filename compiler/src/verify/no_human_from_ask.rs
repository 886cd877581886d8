//! `K0311 no-human-from-ask`.
//!
//! **What it checks.** From every ask, a request for a human (the global
//! `human requested` transition) leads to a hand-off.
//!
//! **Why it matters.** The "defensive wall": a bot that keeps the customer
//! in a loop of questions when they ask for a person is the most resented
//! failure of support automation. Lowering adds the transition to every
//! ask; this check keeps it true for every machine the runtime is given.
//!
//! **Example.** A machine whose ask has only its answer transitions, or
//! whose `human requested` transition leads back into the questions.

use super::Check;
use super::context::{Context, reach};
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::{Label, StateKind};
use petgraph::visit::Reversed;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0311",
    name: "no-human-from-ask",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let escalations: Vec<_> = context
        .machine
        .states()
        .filter(|(_, state)| matches!(state.kind, StateKind::Escalate { .. }))
        .map(|(id, _)| id)
        .collect();
    let reaches_human = reach(Reversed(context.graph()), &escalations);
    for (id, state) in context.reachable_states() {
        if !matches!(state.kind, StateKind::Ask { .. }) {
            continue;
        }
        let handled =
            context
                .machine
                .transitions_from(id)
                .into_iter()
                .any(|(_, transition, to)| {
                    transition.label == Label::HumanRequested && reaches_human.contains(&to)
                });
        if handled {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            CODE,
            format!(
                "a customer who asks for a human at {} is never handed to one",
                context.step_of(id)
            ),
        )
        .hint("route `human requested` from this question to an agent");
        if let Some(span) = context.span_of(id) {
            diagnostic = diagnostic.at(span);
        }
        diagnostics.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::machine::Label;
    use crate::verify::tests::codes_after;

    #[test]
    fn an_ask_with_no_way_to_a_human_is_reported() {
        let codes = codes_after(|machine| {
            machine
                .graph_mut()
                .retain_edges(|graph, edge| graph[edge].label != Label::HumanRequested);
        });
        assert_eq!(codes, vec!["K0311"]);
    }
}
