//! Dominance over transitions, not only states.
//!
//! "The call runs only after the customer said yes" is a statement about an
//! *edge* (the `yes` out of a confirmation ask) dominating a state. petgraph's
//! dominators work on nodes, so this module builds a copy of the machine
//! graph in which each transition of interest is split into its own node
//! (`ask --yes--> call` becomes `ask → [yes] → call`) and runs
//! [`simple_fast`] on it. A state is then dominated by the transition exactly
//! when it is dominated by the transition's node. Terminal states are not
//! asked about, and are left out.

use super::context::{Context, binds, node};
use crate::machine::{Label, StateId};
use petgraph::algo::dominators::{Dominators, simple_fast};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, EdgeRef, NodeFiltered, Reversed};
use std::collections::BTreeSet;

/// A node of the split graph.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Point {
    /// A state of the machine (same index as its [`StateId`]).
    State,
    /// A split transition: the state it leaves and its label.
    Edge(StateId, Label),
}

/// The machine graph with chosen transitions split into nodes, and its
/// dominator tree from the start.
pub(crate) struct SplitGraph {
    graph: DiGraph<Point, ()>,
    dominators: Option<Dominators<NodeIndex>>,
}

impl SplitGraph {
    /// Splits every transition for which `split(from, label)` holds.
    pub(crate) fn new(context: &Context<'_>, split: &dyn Fn(StateId, &Label) -> bool) -> Self {
        let machine_graph = context.graph();
        let mut graph: DiGraph<Point, ()> = DiGraph::with_capacity(
            machine_graph.node_count(),
            machine_graph.edge_count() + machine_graph.edge_count() / 4,
        );
        for _ in machine_graph.node_indices() {
            graph.add_node(Point::State);
        }
        for edge in machine_graph.edge_references() {
            // Edges into terminal states are left out: nothing follows a
            // terminal, so no other state's dominators change, and the
            // hand-offs shared by a whole policy (a human on request, a
            // failed tool) would otherwise make every dominator
            // intersection walk back to the start: quadratic on long
            // policies.
            if machine_graph[edge.target()].kind.is_terminal() {
                continue;
            }
            let from = super::context::state(edge.source());
            let label = &edge.weight().label;
            if split(from, label) {
                let middle = graph.add_node(Point::Edge(from, label.clone()));
                graph.add_edge(edge.source(), middle, ());
                graph.add_edge(middle, edge.target(), ());
            } else {
                graph.add_edge(edge.source(), edge.target(), ());
            }
        }
        let start = node(context.machine.start);
        let dominators = (start.index() < graph.node_count()).then(|| simple_fast(&graph, start));
        SplitGraph { graph, dominators }
    }

    /// The split transitions that dominate a state, nearest first, as
    /// (split node, state left, label). Lazy: callers stop at the first
    /// that serves, so a long policy does not walk its whole dominator
    /// chain for every call.
    pub(crate) fn dominating_edges(
        &self,
        id: StateId,
    ) -> impl Iterator<Item = (NodeIndex, StateId, Label)> + '_ {
        self.dominators
            .as_ref()
            .and_then(|dominators| dominators.strict_dominators(node(id)))
            .into_iter()
            .flatten()
            .filter_map(|dominator| match &self.graph[dominator] {
                Point::Edge(from, label) => Some((dominator, *from, label.clone())),
                Point::State => None,
            })
    }

    /// States that bind one of `roots` on some path from the split node
    /// `edge` to the state `target` that does not pass `edge` again: the
    /// rebindings that would make a confirmation stale. `edge` must
    /// dominate `target`.
    ///
    /// Only one walk is needed, backwards from `target` avoiding `edge`:
    /// a reachable state `X` that reaches `target` without passing `edge`
    /// can only be reached from the start through `edge` (else `edge` would
    /// not dominate `target`), and after the last pass of `edge` the way to
    /// `X` avoids it. So the walk stays between the confirmation and the
    /// call, however long the policy around them.
    pub(crate) fn binders_between(
        &self,
        context: &Context<'_>,
        edge: NodeIndex,
        target: StateId,
        roots: &BTreeSet<String>,
    ) -> Vec<StateId> {
        let without_edge = NodeFiltered::from_fn(&self.graph, |point| point != edge);
        let reversed = Reversed(&without_edge);
        let mut before_target: BTreeSet<NodeIndex> = BTreeSet::new();
        for predecessor in self
            .graph
            .neighbors_directed(node(target), petgraph::Direction::Incoming)
            .filter(|&predecessor| predecessor != edge)
        {
            if before_target.contains(&predecessor) {
                continue;
            }
            let mut dfs = Dfs::new(reversed, predecessor);
            while let Some(found) = dfs.next(reversed) {
                before_target.insert(found);
            }
        }
        before_target
            .into_iter()
            .filter(|point| matches!(self.graph[*point], Point::State))
            .map(super::context::state)
            .filter(|id| context.reachable.contains(id))
            .filter(|&id| binds(&context.state(id).kind).is_some_and(|var| roots.contains(var)))
            .collect()
    }
}
