//! Dominance over transitions, not only states.
//!
//! "The call runs only after the customer said yes" is a statement about an
//! *edge* (the `yes` out of a confirmation ask) dominating a state. petgraph's
//! dominators work on nodes, so this module builds a copy of the machine
//! graph in which each transition of interest is split into its own node
//! (`ask --yes--> call` becomes `ask → [yes] → call`) and runs
//! [`simple_fast`] on it. A state is then dominated by the transition exactly
//! when it is dominated by the transition's node.

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
    /// (split node, state left, label).
    pub(crate) fn dominating_edges(&self, id: StateId) -> Vec<(NodeIndex, StateId, Label)> {
        let Some(dominators) = &self.dominators else {
            return Vec::new();
        };
        let Some(chain) = dominators.strict_dominators(node(id)) else {
            return Vec::new();
        };
        chain
            .filter_map(|dominator| match &self.graph[dominator] {
                Point::Edge(from, label) => Some((dominator, *from, label.clone())),
                Point::State => None,
            })
            .collect()
    }

    /// States that bind one of `roots` on some path from the split node
    /// `edge` to the state `target` that does not pass `edge` again: the
    /// rebindings that would make a confirmation stale.
    pub(crate) fn binders_between(
        &self,
        context: &Context<'_>,
        edge: NodeIndex,
        target: StateId,
        roots: &BTreeSet<String>,
    ) -> Vec<StateId> {
        let without_edge = NodeFiltered::from_fn(&self.graph, |point| point != edge);
        let mut after_edge: BTreeSet<NodeIndex> = BTreeSet::new();
        for successor in self.graph.neighbors(edge) {
            let mut dfs = Dfs::new(&without_edge, successor);
            while let Some(found) = dfs.next(&without_edge) {
                after_edge.insert(found);
            }
        }
        let reversed = Reversed(&without_edge);
        let mut before_target: BTreeSet<NodeIndex> = BTreeSet::new();
        for predecessor in self
            .graph
            .neighbors_directed(node(target), petgraph::Direction::Incoming)
            .filter(|&predecessor| predecessor != edge)
        {
            let mut dfs = Dfs::new(reversed, predecessor);
            while let Some(found) = dfs.next(reversed) {
                before_target.insert(found);
            }
        }
        after_edge
            .intersection(&before_target)
            .filter(|point| matches!(self.graph[**point], Point::State))
            .map(|point| super::context::state(*point))
            .filter(|&id| binds(&context.state(id).kind).is_some_and(|var| roots.contains(var)))
            .collect()
    }
}
