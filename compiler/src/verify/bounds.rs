//! Static bounds: how many user turns a conversation can take, and how many
//! bot actions can run between two user inputs (DESIGN §5.12).
//!
//! Both are longest-path problems on a graph whose only cycles pass a
//! bounded counter (a `retry` state's `again` transition); the
//! termination check reports any other cycle, and then there is no bound.
//!
//! The method is sound rather than exact. Counters count per conversation:
//! the `again` edge of a retry state is taken at most `limit` times in a
//! whole session. Take the strongly connected components of the graph (with
//! `again` edges); inside one component `S`, every walk is a sequence of
//! walks in the acyclic graph without `again` edges, separated by at most
//! `L(S)` `again` transitions (the sum of the limits of the counters whose
//! `again` edge stays in `S`). So a walk inside `S` weighs at most
//! `(L(S) + 1) · W(S)`, where `W(S)` is the heaviest path of `S` without
//! `again` edges; the bound is the heaviest path through the condensation,
//! each component weighing that much. Every step is linear in the graph.
//!
//! * **User turns**: an ask weighs `max_attempts` (each visit takes at most
//!   that many answers: unclear ones are asked again until the budget is
//!   spent), an ending that conversation repair can reopen weighs one (the
//!   message that reopens it), every other state weighs nothing.
//! * **Bot actions**: every state the machine runs weighs one (messages,
//!   tool calls, decisions, the prompt of the next ask, the hand-off or end);
//!   walks start at the start or just after an ask (or a reopenable ending)
//!   took its answer, and stop at the next one.

use super::context::{Context, node, state};
use crate::machine::{Label, StateId, StateKind};
use petgraph::algo::{kosaraju_scc, toposort};
use petgraph::graph::NodeIndex;
use petgraph::visit::{EdgeFiltered, EdgeRef, IntoEdges};

/// The static bounds of a machine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bounds {
    /// The most user turns (answers) any conversation can take; `None` when
    /// some cycle is not bounded by a counter.
    pub user_turns: Option<u64>,
    /// The most bot actions (states run) between two user inputs; `None`
    /// when unbounded.
    pub bot_actions: Option<u64>,
}

/// Computes both bounds.
pub(crate) fn bounds(context: &Context<'_>) -> Bounds {
    let machine = context.machine;
    // An ending that conversation repair can reopen ("start over", "I meant
    // the other order") waits for the customer like an ask: the message
    // that reopens it is one more turn.
    let waits = |id: StateId| match &machine.state(id).kind {
        StateKind::Ask { .. } => true,
        StateKind::End { .. } => !machine.transitions_from(id).is_empty(),
        _ => false,
    };
    let turn_weight = |id: StateId| match &machine.state(id).kind {
        StateKind::Ask { max_attempts, .. } => u64::from((*max_attempts).max(1)),
        _ if waits(id) => 1,
        _ => 0,
    };
    let user_turns = longest(context, &turn_weight, &|_| true, &[machine.start]);
    // Between two inputs: the walk stops at an ask (its prompt is sent, then
    // the machine waits), so the edges out of asks are left out, and walks
    // start at the start and after every ask.
    let mut entries = vec![machine.start];
    for (id, _) in context.reachable_states() {
        if waits(id) {
            entries.extend(
                machine
                    .transitions_from(id)
                    .into_iter()
                    .map(|(_, _, to)| to),
            );
        }
    }
    entries.sort();
    entries.dedup();
    let bot_actions = longest(context, &|_| 1, &|from| !waits(from), &entries);
    Bounds {
        user_turns,
        bot_actions,
    }
}

/// The heaviest walk from any of `entries`, over the edges out of states
/// that `keep_out` accepts, with `again` edges bounded by their counters.
fn longest(
    context: &Context<'_>,
    weight: &dyn Fn(StateId) -> u64,
    keep_out: &dyn Fn(StateId) -> bool,
    entries: &[StateId],
) -> Option<u64> {
    let graph = context.graph();
    let kept = EdgeFiltered::from_fn(graph, |edge| keep_out(state(edge.source())));
    let is_again = |label: &Label| *label == Label::Again;
    let acyclic = EdgeFiltered::from_fn(graph, |edge| {
        keep_out(state(edge.source())) && !is_again(&edge.weight().label)
    });
    let order = toposort(&acyclic, None).ok()?;
    let components = kosaraju_scc(&kept);
    let mut component_of = vec![0usize; graph.node_count()];
    for (index, component) in components.iter().enumerate() {
        for member in component {
            component_of[member.index()] = index;
        }
    }
    // The heaviest path without `again` edges inside each component.
    let mut heaviest_to = vec![0u64; graph.node_count()];
    let mut heaviest_in = vec![0u64; components.len()];
    for &current in &order {
        let own = weight(state(current));
        let best_before = graph
            .edges_directed(current, petgraph::Direction::Incoming)
            .filter(|edge| keep_out(state(edge.source())) && !is_again(&edge.weight().label))
            .filter(|edge| component_of[edge.source().index()] == component_of[current.index()])
            .map(|edge| heaviest_to[edge.source().index()])
            .max()
            .unwrap_or(0);
        let total = best_before.saturating_add(own);
        heaviest_to[current.index()] = total;
        let component = component_of[current.index()];
        heaviest_in[component] = heaviest_in[component].max(total);
    }
    // How many `again` passes each component allows.
    let mut passes = vec![0u64; components.len()];
    for edge in graph.edge_references() {
        if !is_again(&edge.weight().label) || !keep_out(state(edge.source())) {
            continue;
        }
        let component = component_of[edge.source().index()];
        if component != component_of[edge.target().index()] {
            continue;
        }
        if let StateKind::Retry { limit, .. } = &graph[edge.source()].kind {
            passes[component] = passes[component].saturating_add(u64::from(*limit));
        }
    }
    // Tarjan lists components sinks first, so successors are done before
    // the components that lead to them.
    let mut heaviest_from = vec![0u64; components.len()];
    for (index, component) in components.iter().enumerate() {
        let own = passes[index]
            .saturating_add(1)
            .saturating_mul(heaviest_in[index]);
        let after = component
            .iter()
            .flat_map(|&member: &NodeIndex| (&kept).edges(member))
            .map(|edge| component_of[edge.target().index()])
            .filter(|&target| target != index)
            .map(|target| heaviest_from[target])
            .max()
            .unwrap_or(0);
        heaviest_from[index] = own.saturating_add(after);
    }
    entries
        .iter()
        .filter(|entry| context.reachable.contains(entry))
        .map(|&entry| heaviest_from[component_of[node(entry).index()]])
        .max()
        .or(Some(0))
}

#[cfg(test)]
mod tests {
    use crate::verify::tests::verify_text;

    #[test]
    fn a_single_ask_takes_at_most_its_attempts() {
        use crate::machine::{CORRECTIONS, START_OVERS};
        let verification = verify_text("1. Ask for the user's email address.\n");
        // Three attempts, and the question comes back after each start over
        // and each correction of its answer (conversation repair), each
        // asked for once the conversation has ended.
        let visits = u64::from(1 + START_OVERS + CORRECTIONS);
        assert_eq!(verification.bounds.user_turns, Some(3 * visits + visits));
        // Between two messages: the end after the answer, or (once a
        // "start over" reopens the end) its counter and the prompt again.
        assert_eq!(verification.bounds.bot_actions, Some(2));
    }
}
