//! Conversation repair as implicit edges of the machine, so the verifier
//! proves its guarantees with repairs taken into account.
//!
//! Every ask gets, besides the human and unclear hand-offs `build` adds:
//!
//! - `withdrawn`: the customer drops the request ("never mind", "forget
//!   it") — to an implicit end with outcome `withdrawn`. A confirmation gets
//!   none: there "never mind" is its `no`.
//! - `start over`: to a counter (at most [`START_OVERS`] per conversation)
//!   and from it to the machine's first state; the runtime forgets every
//!   answer on the way.
//! - `corrected`: one edge to each earlier question the customer may be
//!   correcting — the nearest ask of each slot kind that dominates this one
//!   (is asked on every path to it) — through a counter per target (at most
//!   [`CORRECTIONS`] corrections of one question). The runtime re-reads the
//!   reply at that question, and forgets every answer given since it, so
//!   everything after it (an identity check, a lookup, a confirmation) runs
//!   again.
//!
//! Every loop a repair makes passes a counter, so the machine's turn bound
//! stays finite. Repeats and questions in the middle are re-asks that count
//! toward the ask's own attempts; they need no edge.

use super::{Label, Machine, State, StateKind, Transition};
use crate::catalog::Effect;
use crate::ir::Slot;
use petgraph::Direction;
use petgraph::algo::dominators;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use std::collections::{BTreeMap, BTreeSet};

/// How often a conversation may start over.
pub const START_OVERS: u32 = 2;

/// How often one question may be corrected.
pub const CORRECTIONS: u32 = 3;

/// Whether keel added the state for conversation repair: the `withdrawn`
/// end, the start-over and correction counters and their hand-offs.
pub fn is_repair_state(state: &State) -> bool {
    state.origin.is_none()
        && (state.id.ends_with(":withdrawn")
            || state.id.ends_with(":start_over")
            || state.id.ends_with(".corrections")
            || state.id.ends_with(":started_over_too_often")
            || state.id.ends_with(":corrected_too_often"))
}

/// Whether a transition out of `from` is one of keel's repair transitions
/// (a repair edge, a repair counter's, or one that takes up an ended
/// conversation again). `keel paths` plans none of them and `keel test`
/// counts their coverage apart: the repair corpus covers them.
pub fn is_repair_transition(from: &State, label: &Label) -> bool {
    matches!(
        label,
        Label::Withdrawn | Label::StartOver | Label::Corrected
    ) || is_repair_state(from)
        || matches!(from.kind, StateKind::End { .. })
}

/// Adds the repair edges to a built machine. Linear in the machine's size
/// (a long policy is no reason for a slow compile).
pub(super) fn add_repairs(machine: &mut Machine) {
    let Some(start) = machine
        .graph
        .node_indices()
        .find(|node| node.index() == machine.start.index())
    else {
        return;
    };
    let asks: Vec<NodeIndex> = machine
        .graph
        .node_indices()
        .filter(|&node| matches!(machine.graph[node].kind, StateKind::Ask { .. }))
        .collect();
    if asks.is_empty() {
        return;
    }
    let confirmations = confirmations(machine);
    let nearest = nearest_earlier_asks(machine, start, &confirmations);
    let entry_policy = machine.graph[start].policy.clone();
    let mut ids: BTreeSet<String> = machine
        .graph
        .node_weights()
        .map(|state| state.id.clone())
        .collect();
    let mut implicit: BTreeMap<String, NodeIndex> = BTreeMap::new();
    let mut correction_counters: BTreeMap<NodeIndex, NodeIndex> = BTreeMap::new();
    // A conversation that ended can be taken up again by a repair: the
    // customer's next message may correct an answer ("and the lamp?"),
    // start over, or ask for a person.
    let ends: Vec<NodeIndex> = machine
        .graph
        .node_indices()
        .filter(|&node| {
            matches!(machine.graph[node].kind, StateKind::End { .. })
                && !is_repair_state(&machine.graph[node])
        })
        .collect();
    let humans: BTreeMap<String, NodeIndex> = machine
        .graph
        .node_indices()
        .filter_map(|node| {
            let state = &machine.graph[node];
            state
                .id
                .strip_suffix(":human_requested")
                .filter(|policy| *policy == state.policy && state.origin.is_none())
                .map(|policy| (policy.to_string(), node))
        })
        .collect();
    for &end in &ends {
        let policy = machine.graph[end].policy.clone();
        let start_over = start_over_counter(machine, &mut ids, &mut implicit, &entry_policy, start);
        machine.graph.add_edge(
            end,
            start_over,
            Transition {
                label: Label::StartOver,
            },
        );
        if let Some(&human) = humans.get(&policy) {
            machine.graph.add_edge(
                end,
                human,
                Transition {
                    label: Label::HumanRequested,
                },
            );
        }
        let targets = nearest.get(&end).cloned().unwrap_or_default();
        add_corrections(
            machine,
            (&mut ids, &mut implicit),
            &mut correction_counters,
            end,
            &targets,
        );
    }
    for &ask in &asks {
        let policy = machine.graph[ask].policy.clone();
        if !confirmations[ask.index()] {
            let withdrawn = implicit_state(
                machine,
                &mut ids,
                &mut implicit,
                &policy,
                "withdrawn",
                || StateKind::End {
                    outcome: "withdrawn".to_string(),
                },
            );
            machine.graph.add_edge(
                ask,
                withdrawn,
                Transition {
                    label: Label::Withdrawn,
                },
            );
        }
        let start_over = start_over_counter(machine, &mut ids, &mut implicit, &entry_policy, start);
        machine.graph.add_edge(
            ask,
            start_over,
            Transition {
                label: Label::StartOver,
            },
        );
        let targets = nearest.get(&ask).cloned().unwrap_or_default();
        add_corrections(
            machine,
            (&mut ids, &mut implicit),
            &mut correction_counters,
            ask,
            &targets,
        );
    }
}

/// For each state, whether it is a confirmation: a yes/no ask whose `yes`
/// reaches a write or destructive call before any other question. One
/// backward walk from the writing calls, stopping at asks.
fn confirmations(machine: &Machine) -> Vec<bool> {
    let graph = &machine.graph;
    let mut leads = vec![false; graph.node_count()];
    let mut stack: Vec<NodeIndex> = graph
        .node_indices()
        .filter(|&node| matches!(&graph[node].kind, StateKind::Call { effect, .. } if *effect != Effect::Read))
        .collect();
    for node in &stack {
        leads[node.index()] = true;
    }
    while let Some(node) = stack.pop() {
        for from in graph.neighbors_directed(node, Direction::Incoming) {
            if !leads[from.index()] && !matches!(graph[from].kind, StateKind::Ask { .. }) {
                leads[from.index()] = true;
                stack.push(from);
            }
        }
    }
    graph
        .node_indices()
        .map(|node| {
            matches!(
                graph[node].kind,
                StateKind::Ask {
                    slot: Slot::YesNo,
                    ..
                }
            ) && graph
                .edges(node)
                .any(|edge| edge.weight().label == Label::Yes && leads[edge.target().index()])
        })
        .collect()
}

/// For each ask, the earlier questions a reply there may correct: the
/// nearest dominating ask of each slot kind, nearest first (computed down
/// the dominator tree, so linear). Confirmations and yes/no questions are
/// never corrected: a confirmation is always asked again.
fn nearest_earlier_asks(
    machine: &Machine,
    start: NodeIndex,
    confirmations: &[bool],
) -> BTreeMap<NodeIndex, Vec<NodeIndex>> {
    let graph = &machine.graph;
    let dominators = dominators::simple_fast(graph, start);
    // Per state: the nearest dominating ask of each kind, with its depth.
    let mut nearest: Vec<Vec<(&'static str, usize, NodeIndex)>> =
        vec![Vec::new(); graph.node_count()];
    let mut out = BTreeMap::new();
    let mut stack: Vec<(NodeIndex, usize)> = vec![(start, 0)];
    while let Some((node, depth)) = stack.pop() {
        let reopens =
            matches!(graph[node].kind, StateKind::End { .. }) && !is_repair_state(&graph[node]);
        if matches!(graph[node].kind, StateKind::Ask { .. }) || reopens {
            let mut targets: Vec<(usize, NodeIndex)> = nearest[node.index()]
                .iter()
                .map(|&(_, depth, target)| (depth, target))
                .collect();
            targets.sort_by(|left, right| right.cmp(left));
            out.insert(
                node,
                targets.into_iter().map(|(_, target)| target).collect(),
            );
        }
        let mut inherited = nearest[node.index()].clone();
        if let StateKind::Ask { slot, .. } = &graph[node].kind {
            if let (Some(kind), false) = (slot_kind(slot), confirmations[node.index()]) {
                inherited.retain(|(held, _, _)| *held != kind);
                inherited.push((kind, depth, node));
            }
        }
        for child in dominators.immediately_dominated_by(node) {
            if child != node {
                nearest[child.index()] = inherited.clone();
                stack.push((child, depth + 1));
            }
        }
    }
    out
}

/// The slot kinds a correction can name, by kind; `None` for yes/no and
/// free text (which any reply would fit).
fn slot_kind(slot: &Slot) -> Option<&'static str> {
    match slot {
        Slot::Email => Some("email"),
        Slot::Name => Some("name"),
        Slot::PostalCode => Some("postal_code"),
        Slot::Number => Some("number"),
        Slot::Date => Some("date"),
        Slot::Options(_) => Some("options"),
        Slot::Item(_) => Some("item"),
        Slot::Items(_) => Some("items"),
        Slot::YesNo | Slot::Text => None,
    }
}

/// An implicit state of `policy`, made once.
fn implicit_state(
    machine: &mut Machine,
    ids: &mut BTreeSet<String>,
    implicit: &mut BTreeMap<String, NodeIndex>,
    policy: &str,
    name: &str,
    kind: impl FnOnce() -> StateKind,
) -> NodeIndex {
    let key = format!("{policy}:{name}");
    if let Some(&node) = implicit.get(&key) {
        return node;
    }
    let mut id = key.clone();
    let mut number = 2;
    while ids.contains(&id) {
        id = format!("{key}.{number}");
        number += 1;
    }
    ids.insert(id.clone());
    let node = machine.graph.add_node(State {
        id,
        policy: policy.to_string(),
        kind: kind(),
        origin: None,
    });
    implicit.insert(key, node);
    node
}

/// The start-over counter: `again` to the first state, `retry exhausted` to
/// a hand-off.
fn start_over_counter(
    machine: &mut Machine,
    ids: &mut BTreeSet<String>,
    implicit: &mut BTreeMap<String, NodeIndex>,
    policy: &str,
    start: NodeIndex,
) -> NodeIndex {
    let key = format!("{policy}:start_over");
    if let Some(&node) = implicit.get(&key) {
        return node;
    }
    let counter = implicit_state(machine, ids, implicit, policy, "start_over", || {
        StateKind::Retry {
            counter: format!("{policy}:start_over"),
            limit: START_OVERS,
        }
    });
    let handoff = implicit_state(
        machine,
        ids,
        implicit,
        policy,
        "started_over_too_often",
        || StateKind::Escalate {
            reason: "the customer started over too often".to_string(),
            queue: "agent".to_string(),
            ticket: false,
        },
    );
    counter_edges(machine, counter, start, handoff);
    counter
}

/// `corrected` edges from `from` to the counter of each question in
/// `targets`, each counter made once (`counters`) with its edges.
fn add_corrections(
    machine: &mut Machine,
    (ids, implicit): (&mut BTreeSet<String>, &mut BTreeMap<String, NodeIndex>),
    counters: &mut BTreeMap<NodeIndex, NodeIndex>,
    from: NodeIndex,
    targets: &[NodeIndex],
) {
    for &target in targets {
        let counter = match counters.get(&target) {
            Some(&counter) => counter,
            None => {
                let counter = correction_counter(machine, ids, implicit, target);
                counters.insert(target, counter);
                counter
            }
        };
        machine.graph.add_edge(
            from,
            counter,
            Transition {
                label: Label::Corrected,
            },
        );
    }
}

/// The counter in front of `target` that bounds its corrections.
fn correction_counter(
    machine: &mut Machine,
    ids: &mut BTreeSet<String>,
    implicit: &mut BTreeMap<String, NodeIndex>,
    target: NodeIndex,
) -> NodeIndex {
    let policy = machine.graph[target].policy.clone();
    let target_id = machine.graph[target].id.clone();
    let step = target_id
        .strip_prefix(&format!("{policy}:"))
        .unwrap_or(&target_id)
        .to_string();
    let name = format!("{step}.corrections");
    let counter = implicit_state(machine, ids, implicit, &policy, &name, || {
        StateKind::Retry {
            counter: format!("{target_id}.corrections"),
            limit: CORRECTIONS,
        }
    });
    let handoff = implicit_state(
        machine,
        ids,
        implicit,
        &policy,
        "corrected_too_often",
        || StateKind::Escalate {
            reason: "the customer corrected an answer too often".to_string(),
            queue: "agent".to_string(),
            ticket: false,
        },
    );
    counter_edges(machine, counter, target, handoff);
    counter
}

/// A repair counter's two ways out: `again` to the question it guards,
/// `retry exhausted` to its hand-off.
fn counter_edges(machine: &mut Machine, counter: NodeIndex, again: NodeIndex, handoff: NodeIndex) {
    machine.graph.add_edge(
        counter,
        again,
        Transition {
            label: Label::Again,
        },
    );
    machine.graph.add_edge(
        counter,
        handoff,
        Transition {
            label: Label::RetryExhausted,
        },
    );
}
