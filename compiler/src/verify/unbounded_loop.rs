//! `K0303 unbounded-loop`.
//!
//! **What it checks.** Termination: every cycle of the machine passes a
//! bounded counter, the `again` transition of a `retry` state ("if the email
//! is still not found…"), which is taken at most `limit` times per
//! conversation. With that, the static bounds on user turns and on bot
//! actions between two inputs exist and are computed (see `bounds`).
//!
//! **Why it matters.** A cycle without a counter may run forever: a bot that
//! re-asks the same question as long as the answer displeases it, or keeps
//! calling a tool. Rasa CALM finds such loops only at run time, with a
//! 250-step circuit breaker; keel rejects them before the policy ships.
//!
//! **Example.** A policy that goes back to an earlier step on some answer,
//! with no limit on how often (`proceed as described in #this_policy`).
//! Cycles through references to *other* policies are reported as
//! `K0309 unbounded-policy-recursion` instead.

use super::Check;
use super::context::{Context, node, state};
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::{Label, StateId, StateKind, normalise_name};
use petgraph::algo::kosaraju_scc;
use petgraph::visit::EdgeFiltered;
use std::collections::BTreeSet;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0303",
    name: "unbounded-loop",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for cycle in unbounded_cycles(context) {
        if passes_goto(context, &cycle) {
            continue;
        }
        diagnostics.push(report(
            context,
            CODE,
            &cycle,
            "these steps form a loop that no counter bounds",
            "bound the loop (\"if … is still not found, route to an agent\") or end it",
        ));
    }
}

/// The cycles (strongly connected components of the reachable graph
/// without `again` edges) that no counter bounds, each sorted.
pub(crate) fn unbounded_cycles(context: &Context<'_>) -> Vec<Vec<StateId>> {
    let graph = context.graph();
    let without_again = EdgeFiltered::from_fn(graph, |edge| edge.weight().label != Label::Again);
    let mut cycles: Vec<Vec<StateId>> = kosaraju_scc(&without_again)
        .into_iter()
        .map(|component| {
            let mut ids: Vec<StateId> = component.into_iter().map(state).collect();
            ids.sort();
            ids
        })
        .filter(|ids| {
            let cyclic = ids.len() > 1
                || ids.first().is_some_and(|&only| {
                    graph
                        .edges_connecting(node(only), node(only))
                        .any(|edge| edge.weight().label != Label::Again)
                });
            cyclic && ids.iter().any(|id| context.reachable.contains(id))
        })
        .collect();
    cycles.sort();
    cycles
}

/// True if the cycle passes a `#Policy` reference into another policy.
pub(crate) fn passes_goto(context: &Context<'_>, cycle: &[StateId]) -> bool {
    cycle.iter().any(|&id| {
        let state = context.state(id);
        matches!(&state.kind, StateKind::Goto { policy, .. }
            if normalise_name(policy) != normalise_name(&state.policy))
    })
}

/// One diagnostic for a cycle, at its first written state.
pub(crate) fn report(
    context: &Context<'_>,
    code: Code,
    cycle: &[StateId],
    what: &str,
    hint: &str,
) -> Diagnostic {
    let steps: BTreeSet<String> = cycle.iter().map(|&id| context.step_of(id)).collect();
    let asks = cycle
        .iter()
        .any(|&id| matches!(context.state(id).kind, StateKind::Ask { .. }));
    let listed: Vec<String> = steps.into_iter().take(8).collect();
    let mut diagnostic = Diagnostic::error(
        code,
        format!(
            "{what} ({}); {}",
            listed.join(", "),
            if asks {
                "the conversation may never end"
            } else {
                "the bot would run forever without waiting for the customer"
            }
        ),
    )
    .hint(hint.to_string());
    if let Some(span) = cycle.iter().find_map(|&id| context.span_of(id)) {
        diagnostic = diagnostic.at(span);
    }
    diagnostic
}
