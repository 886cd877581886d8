//! Ranks: which horizontal band each state sits in.
//!
//! Cycles are broken by a depth-first search from the start (then from any
//! state not yet seen): an edge to a state still on the search stack is
//! reversed for layout and drawn against the flow. Ranks start as longest
//! paths from the top, a labelled edge spanning at least two ranks; then
//! each state in turn moves, within what its edges allow, to the rank that
//! makes its edges shortest in total (more edges in than out: as high as it
//! may go; more out than in: as low), until nothing moves. That is a local
//! form of the network simplex `dot` uses to minimise total edge length, and
//! on these graphs it pulls ends and hand-offs up next to the states that
//! lead to them instead of leaving them at the bottom.

use std::collections::BTreeSet;

/// A transition as the layout sees it.
#[derive(Clone, Debug)]
pub(super) struct Edge {
    /// Index in the machine's transitions.
    pub(super) index: usize,
    /// Source state index.
    pub(super) from: usize,
    /// Target state index.
    pub(super) to: usize,
    /// The label written beside it, if any.
    pub(super) label: Option<String>,
}

/// Ranks and directions.
#[derive(Clone, Debug)]
pub(super) struct Ranked {
    /// The rank of each state; `None` for states outside the graph (the
    /// row of badge targets).
    pub(super) rank: Vec<Option<usize>>,
    /// For each edge (by position in the edge list): drawn against the flow.
    pub(super) reversed: Vec<bool>,
}

/// The most passes of the balancing step (it stops earlier when nothing moves).
const PASSES: usize = 64;

/// Ranks the states marked `in_graph` over `edges`.
///
/// Only edges between two such states take part: an edge from a state
/// outside the graph would hold its target back forever (the longest-path
/// ranking releases a state once everything above it is ranked, and a state
/// outside is never ranked), and a cycle through such a state would not be
/// broken. Ranks that break an edge's span would give the ordering chains
/// that skip or climb ranks, which its crossing count cannot take (that was
/// an index out of bounds in `order::total_crossings` once).
pub(super) fn rank(start: usize, in_graph: &[bool], edges: &[Edge]) -> Ranked {
    let count = in_graph.len();
    let reversed = back_edges(start, in_graph, edges);
    // (top, bottom, minimum span) per edge; self loops take no part.
    let constraints: Vec<(usize, usize, usize)> = edges
        .iter()
        .zip(&reversed)
        .filter(|(edge, _)| edge.from != edge.to && inside(in_graph, edge))
        .map(|(edge, &back)| {
            let (top, bottom) = if back {
                (edge.to, edge.from)
            } else {
                (edge.from, edge.to)
            };
            (top, bottom, if edge.label.is_some() { 2 } else { 1 })
        })
        .collect();
    let mut rank = longest_paths(count, in_graph, &constraints);
    balance(start, in_graph, &constraints, &mut rank);
    let lowest = (0..count)
        .filter(|&state| in_graph[state])
        .map(|state| rank[state])
        .min()
        .unwrap_or(0);
    let ranks: Vec<Option<usize>> = (0..count)
        .map(|state| in_graph[state].then(|| rank[state] - lowest))
        .collect();
    Ranked {
        rank: ranks,
        reversed,
    }
}

/// Whether both ends of an edge are states of the graph.
pub(super) fn inside(in_graph: &[bool], edge: &Edge) -> bool {
    in_graph.get(edge.from).copied().unwrap_or(false)
        && in_graph.get(edge.to).copied().unwrap_or(false)
}

/// Edges that close a cycle, found by an iterative depth-first search from
/// the start, then from any state not yet seen, in index order.
fn back_edges(start: usize, in_graph: &[bool], edges: &[Edge]) -> Vec<bool> {
    let count = in_graph.len();
    let mut outgoing: Vec<Vec<(usize, usize)>> = vec![Vec::new(); count];
    for (position, edge) in edges.iter().enumerate() {
        if edge.from != edge.to && inside(in_graph, edge) {
            outgoing[edge.from].push((position, edge.to));
        }
    }
    let mut back = vec![false; edges.len()];
    let mut mark = vec![0u8; count]; // 0 new, 1 on the stack, 2 done
    for root in std::iter::once(start).chain(0..count) {
        if root >= count || !in_graph[root] || mark[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = 1;
        while let Some(&(node, next)) = stack.last() {
            if let Some(&(position, target)) = outgoing[node].get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match mark[target] {
                    0 => {
                        mark[target] = 1;
                        stack.push((target, 0));
                    }
                    1 => back[position] = true,
                    _ => {}
                }
            } else {
                mark[node] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Ranks as the longest path from a state with nothing above it.
fn longest_paths(
    count: usize,
    in_graph: &[bool],
    constraints: &[(usize, usize, usize)],
) -> Vec<usize> {
    let mut rank = vec![0usize; count];
    let mut indegree = vec![0usize; count];
    let mut below: Vec<Vec<(usize, usize)>> = vec![Vec::new(); count];
    for &(top, bottom, span) in constraints {
        indegree[bottom] += 1;
        below[top].push((bottom, span));
    }
    let mut ready: BTreeSet<usize> = (0..count)
        .filter(|&state| in_graph[state] && indegree[state] == 0)
        .collect();
    while let Some(state) = ready.pop_first() {
        for &(next, span) in &below[state] {
            rank[next] = rank[next].max(rank[state] + span);
            indegree[next] -= 1;
            if indegree[next] == 0 {
                ready.insert(next);
            }
        }
    }
    rank
}

/// Moves each state to the rank its edges want, within their spans, until
/// nothing moves; the start stays where it is.
fn balance(
    start: usize,
    in_graph: &[bool],
    constraints: &[(usize, usize, usize)],
    rank: &mut [usize],
) {
    let count = in_graph.len();
    let mut above: Vec<Vec<(usize, usize)>> = vec![Vec::new(); count];
    let mut below: Vec<Vec<(usize, usize)>> = vec![Vec::new(); count];
    for &(top, bottom, span) in constraints {
        above[bottom].push((top, span));
        below[top].push((bottom, span));
    }
    for _ in 0..PASSES {
        let mut moved = false;
        for state in 0..count {
            if !in_graph[state] || state == start {
                continue;
            }
            let lowest_allowed = above[state]
                .iter()
                .map(|&(top, span)| rank[top] + span)
                .max();
            let highest_allowed = below[state]
                .iter()
                .map(|&(bottom, span)| rank[bottom].checked_sub(span))
                .collect::<Option<Vec<usize>>>()
                .map(|ranks| ranks.into_iter().min());
            let (lo, hi) = match (lowest_allowed, highest_allowed) {
                (lo, Some(Some(hi))) => (lo.unwrap_or(0), hi),
                (Some(lo), Some(None)) => (lo, usize::MAX),
                (None, Some(None)) => continue,
                // A neighbour below sits too high to move under it: stay.
                (_, None) => continue,
            };
            if lo > hi {
                continue;
            }
            let wanted = match above[state].len().cmp(&below[state].len()) {
                std::cmp::Ordering::Greater => lo,
                std::cmp::Ordering::Less if hi != usize::MAX => hi,
                _ => rank[state].clamp(lo, hi),
            };
            if wanted != rank[state] {
                rank[state] = wanted;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}
