//! Order within ranks: the layered graph (states, plus a virtual node on
//! every rank a long edge passes, one of which carries its label) and the
//! crossing minimisation over it.
//!
//! As in `dot`: a starting order from a search of the graph, then sweeps
//! down and up that sort each rank by the weighted median of its nodes'
//! neighbours on the rank before, each followed by transposition (swapping
//! neighbours while that removes crossings); the best order seen is kept.
//! Three starting orders are tried (depth first from the start, breadth
//! first, depth first from the ends upwards), and the best result is then
//! improved by sifting: each node in turn moves to the place in its rank
//! where it crosses least. All ties keep the current order, so the result
//! is deterministic.

use super::rank::{Edge, Ranked};
use std::collections::VecDeque;

/// What a node of the layered graph stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NodeKind {
    /// A state (its index).
    State(usize),
    /// A point of a long edge (its position in the edge list).
    Virtual(usize),
    /// The point of a long edge that carries its label.
    Label(usize),
}

/// The layered graph, ordered.
#[derive(Clone, Debug)]
pub(super) struct Layered {
    /// Every node's kind.
    pub(super) kinds: Vec<NodeKind>,
    /// Every node's rank.
    pub(super) ranks: Vec<usize>,
    /// Nodes per rank, left to right.
    pub(super) layers: Vec<Vec<usize>>,
    /// Per edge (position in the edge list): its nodes from the upper end
    /// to the lower end; empty for a self loop.
    pub(super) chains: Vec<Vec<usize>>,
    /// Each node's neighbours on the rank above (with repeats).
    pub(super) up: Vec<Vec<usize>>,
    /// Each node's neighbours on the rank below (with repeats).
    pub(super) down: Vec<Vec<usize>>,
    /// Each node's place in its rank (kept in step with `layers`).
    pub(super) pos: Vec<usize>,
    /// The crossings of this order.
    pub(super) crossings: usize,
}

impl Layered {
    /// Sets a whole order and every node's place.
    fn set_order(&mut self, layers: Vec<Vec<usize>>) {
        for layer in &layers {
            for (place, &node) in layer.iter().enumerate() {
                self.pos[node] = place;
            }
        }
        self.layers = layers;
    }

    /// Sets one rank's order and its nodes' places.
    fn set_rank(&mut self, rank: usize, layer: Vec<usize>) {
        for (place, &node) in layer.iter().enumerate() {
            self.pos[node] = place;
        }
        self.layers[rank] = layer;
    }
}

/// Median sweeps per starting order, as `dot`'s default.
const ITERATIONS: usize = 24;
/// Sifting rounds at most.
const SIFTING_ROUNDS: usize = 8;
/// Transposition passes at most (each stops early when nothing moves).
const TRANSPOSE_PASSES: usize = 32;
/// Graphs larger than this (in nodes) get one start, fewer sweeps and no
/// sifting, so generated policies of thousands of steps stay fast.
const LARGE: usize = 1_500;

/// Builds the layered graph and orders it.
pub(super) fn order(ranked: &Ranked, edges: &[Edge], start: usize) -> Layered {
    let mut graph = build(ranked, edges);
    let large = graph.kinds.len() > LARGE;
    let mut starts = Vec::new();
    for upwards in [false, true] {
        for depth_first in [true, false] {
            for reversed in [false, true] {
                if large && (upwards || !depth_first || reversed) {
                    continue;
                }
                let shuffle = Shuffle::Not(reversed);
                starts.push(search_order(&graph, start, upwards, depth_first, shuffle));
            }
        }
    }
    // Searches that meet children in shuffled orders: the sweeps only ever
    // move nodes one at a time, so a branch that belongs at the far side
    // of a fan-out is found from a start that puts it there. The shuffle is
    // a fixed-seed generator, so the result is still deterministic.
    let mut generator = Shuffle::seeded(graph.kinds.len());
    for _ in 0..restarts(graph.kinds.len()) {
        let shuffle = generator.next_round();
        starts.push(search_order(&graph, start, false, true, shuffle));
    }
    // Among orders with as few crossings, the one closest to the order the
    // policy is written in (the first start: depth first, edges in order).
    let natural = positions_of(&graph, &starts[0]);
    let iterations = if large { 4 } else { ITERATIONS };
    let mut best: Option<Vec<Vec<usize>>> = None;
    let mut best_key = (usize::MAX, usize::MAX);
    for layers in starts {
        graph.set_order(layers);
        let improved = sweep(&mut graph, iterations);
        let key = (
            total_crossings(&graph, &improved),
            disorder(&improved, &natural),
        );
        if key < best_key {
            best_key = key;
            best = Some(improved);
        }
    }
    if let Some(layers) = best {
        graph.set_order(layers);
    }
    if !large {
        for _ in 0..SIFTING_ROUNDS {
            let before = total_crossings(&graph, &graph.layers);
            sift(&mut graph);
            transpose(&mut graph);
            if total_crossings(&graph, &graph.layers) >= before {
                break;
            }
        }
    }
    graph.crossings = total_crossings(&graph, &graph.layers);
    graph
}

/// The layered graph with its nodes in no particular order yet.
fn build(ranked: &Ranked, edges: &[Edge]) -> Layered {
    let mut kinds: Vec<NodeKind> = Vec::new();
    let mut ranks: Vec<usize> = Vec::new();
    let mut state_node: Vec<Option<usize>> = vec![None; ranked.rank.len()];
    for (state, rank) in ranked.rank.iter().enumerate() {
        if let Some(rank) = rank {
            state_node[state] = Some(kinds.len());
            kinds.push(NodeKind::State(state));
            ranks.push(*rank);
        }
    }
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for (position, edge) in edges.iter().enumerate() {
        let (Some(from), Some(to)) = (state_node[edge.from], state_node[edge.to]) else {
            chains.push(Vec::new());
            continue;
        };
        if edge.from == edge.to {
            chains.push(Vec::new());
            continue;
        }
        let back = ranked.reversed.get(position).copied().unwrap_or(false);
        let (top, bottom) = if back { (to, from) } else { (from, to) };
        let (top_rank, bottom_rank) = (ranks[top], ranks[bottom]);
        // Every chain goes down one rank at a time, which the crossing
        // count relies on; ranks from `rank::rank` always allow that, and
        // an edge they would not is left undrawn rather than miscounted.
        if bottom_rank <= top_rank {
            chains.push(Vec::new());
            continue;
        }
        // The label sits next to the edge's source: the first rank below
        // it, or for an edge drawn upwards, the last rank above it.
        let label_rank = edge
            .label
            .as_ref()
            .map(|_| if back { bottom_rank - 1 } else { top_rank + 1 });
        let mut chain = vec![top];
        for between in top_rank + 1..bottom_rank {
            let kind = if Some(between) == label_rank {
                NodeKind::Label(position)
            } else {
                NodeKind::Virtual(position)
            };
            chain.push(kinds.len());
            kinds.push(kind);
            ranks.push(between);
        }
        chain.push(bottom);
        chains.push(chain);
    }
    let mut up = vec![Vec::new(); kinds.len()];
    let mut down = vec![Vec::new(); kinds.len()];
    for chain in &chains {
        for pair in chain.windows(2) {
            down[pair[0]].push(pair[1]);
            up[pair[1]].push(pair[0]);
        }
    }
    let depth = ranks.iter().copied().max().map_or(0, |top| top + 1);
    let count = kinds.len();
    Layered {
        kinds,
        ranks,
        layers: vec![Vec::new(); depth],
        chains,
        up,
        down,
        pos: vec![0; count],
        crossings: 0,
    }
}

/// A starting order: nodes in the order a search meets them (depth or
/// breadth first, from the start downwards or from the lowest nodes
/// upwards), then any not met.
fn search_order(
    graph: &Layered,
    start: usize,
    upwards: bool,
    depth_first: bool,
    shuffle: Shuffle,
) -> Vec<Vec<usize>> {
    let mut shuffle = shuffle;
    let count = graph.kinds.len();
    let next = if upwards { &graph.up } else { &graph.down };
    let mut roots: Vec<usize> = Vec::new();
    if upwards {
        let mut lowest: Vec<usize> = (0..count)
            .filter(|&node| graph.down[node].is_empty())
            .collect();
        lowest.sort_by_key(|&node| std::cmp::Reverse(graph.ranks[node]));
        roots.extend(lowest);
    } else if let Some(node) = graph
        .kinds
        .iter()
        .position(|kind| *kind == NodeKind::State(start))
    {
        roots.push(node);
    }
    roots.extend(0..count);
    let mut seen = vec![false; count];
    let mut layers = vec![Vec::new(); graph.layers.len()];
    for root in roots {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut pending = VecDeque::from([root]);
        while let Some(node) = if depth_first {
            pending.pop_back()
        } else {
            pending.pop_front()
        } {
            layers[graph.ranks[node]].push(node);
            // Children in edge order (or the reverse), met in that order.
            let mut children: Vec<usize> = next[node].clone();
            shuffle.arrange(&mut children);
            if depth_first {
                children.reverse();
            }
            for child in children {
                if !seen[child] {
                    seen[child] = true;
                    pending.push_back(child);
                }
            }
        }
    }
    layers
}

/// How many shuffled starts a graph of `nodes` nodes gets: more for small
/// graphs, where they are cheap and matter most.
fn restarts(nodes: usize) -> usize {
    match nodes {
        0..=80 => 24,
        81..=200 => 8,
        201..=LARGE => 2,
        _ => 0,
    }
}

/// How a search orders the children it meets.
#[derive(Clone, Copy, Debug)]
enum Shuffle {
    /// In edge order, or reversed.
    Not(bool),
    /// Shuffled by a xorshift generator in this state.
    By(u64),
}

impl Shuffle {
    fn seeded(size: usize) -> Shuffle {
        Shuffle::By(0x9E37_79B9_7F4A_7C15 ^ size as u64)
    }

    /// A new generator for the next start (and moves this one on).
    fn next_round(&mut self) -> Shuffle {
        let value = self.draw();
        Shuffle::By(value | 1)
    }

    fn draw(&mut self) -> u64 {
        match self {
            Shuffle::Not(_) => 0,
            Shuffle::By(state) => {
                let mut x = *state;
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *state = x;
                x
            }
        }
    }

    fn arrange(&mut self, children: &mut [usize]) {
        match *self {
            Shuffle::Not(true) => children.reverse(),
            Shuffle::Not(false) => {}
            Shuffle::By(_) => {
                // Fisher–Yates.
                for place in (1..children.len()).rev() {
                    let other = (self.draw() % (place as u64 + 1)) as usize;
                    children.swap(place, other);
                }
            }
        }
    }
}

/// Median sweeps with transposition; returns the best order seen.
fn sweep(graph: &mut Layered, iterations: usize) -> Vec<Vec<usize>> {
    transpose(graph);
    let mut best = graph.layers.clone();
    let mut best_crossings = total_crossings(graph, &best);
    for iteration in 0..iterations {
        let downward = iteration % 2 == 0;
        let ranks: Vec<usize> = if downward {
            (1..graph.layers.len()).collect()
        } else {
            (0..graph.layers.len().saturating_sub(1)).rev().collect()
        };
        for rank in ranks {
            median_sort(graph, rank, downward);
        }
        transpose_with(graph, iteration % 4 == 3);
        let crossings = total_crossings(graph, &graph.layers);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = graph.layers.clone();
        }
        if best_crossings == 0 {
            break;
        }
    }
    best
}

/// Sorts a rank by the weighted median of each node's neighbours on the
/// rank before (above when sweeping down); nodes without any keep their
/// place.
fn median_sort(graph: &mut Layered, rank: usize, downward: bool) {
    let reference = if downward { rank - 1 } else { rank + 1 };
    let neighbours = if downward { &graph.up } else { &graph.down };
    let medians: Vec<Option<f64>> = graph.layers[rank]
        .iter()
        .map(|&node| {
            let mut places: Vec<f64> = neighbours[node]
                .iter()
                .filter(|&&other| graph.ranks[other] == reference)
                .map(|&other| graph.pos[other] as f64)
                .collect();
            places.sort_by(f64::total_cmp);
            weighted_median(&places)
        })
        .collect();
    let movable: Vec<(usize, f64, usize)> = graph.layers[rank]
        .iter()
        .enumerate()
        .filter_map(|(place, &node)| medians[place].map(|median| (place, median, node)))
        .collect();
    let mut sorted = movable.clone();
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut layer = graph.layers[rank].clone();
    for ((place, _, _), (_, _, node)) in movable.iter().zip(sorted) {
        layer[*place] = node;
    }
    graph.set_rank(rank, layer);
}

/// `dot`'s weighted median of sorted positions.
fn weighted_median(places: &[f64]) -> Option<f64> {
    let count = places.len();
    match count {
        0 => None,
        _ if count % 2 == 1 => Some(places[count / 2]),
        2 => Some((places[0] + places[1]) / 2.0),
        _ => {
            let middle = count / 2;
            let left = places[middle - 1] - places[0];
            let right = places[count - 1] - places[middle];
            if left + right == 0.0 {
                Some((places[middle - 1] + places[middle]) / 2.0)
            } else {
                Some((places[middle - 1] * right + places[middle] * left) / (left + right))
            }
        }
    }
}

/// Swaps neighbours in every rank while that removes crossings.
fn transpose(graph: &mut Layered) {
    transpose_with(graph, false);
}

/// [`transpose`]; with `sideways`, neighbours whose swap neither adds nor
/// removes crossings are swapped too (once each), to leave a plateau.
fn transpose_with(graph: &mut Layered, sideways: bool) {
    let swap = |graph: &mut Layered, rank: usize, place: usize| {
        graph.layers[rank].swap(place, place + 1);
        let (left, right) = (graph.layers[rank][place], graph.layers[rank][place + 1]);
        graph.pos[left] = place;
        graph.pos[right] = place + 1;
    };
    if sideways {
        for rank in 0..graph.layers.len() {
            for place in 0..graph.layers[rank].len().saturating_sub(1) {
                let left = graph.layers[rank][place];
                let right = graph.layers[rank][place + 1];
                let now = pair_crossings(graph, left, right);
                if now > 0 && pair_crossings(graph, right, left) == now {
                    swap(graph, rank, place);
                }
            }
        }
    }
    for _ in 0..TRANSPOSE_PASSES {
        let mut improved = false;
        for rank in 0..graph.layers.len() {
            for place in 0..graph.layers[rank].len().saturating_sub(1) {
                let left = graph.layers[rank][place];
                let right = graph.layers[rank][place + 1];
                if pair_crossings(graph, right, left) < pair_crossings(graph, left, right) {
                    swap(graph, rank, place);
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Moves each node, one at a time, to the place in its rank where its edges
/// cross least (staying put on a tie).
fn sift(graph: &mut Layered) {
    let mut nodes: Vec<usize> = (0..graph.kinds.len()).collect();
    nodes.sort_by_key(|&node| std::cmp::Reverse(graph.up[node].len() + graph.down[node].len()));
    for node in nodes {
        let rank = graph.ranks[node];
        let others: Vec<usize> = graph.layers[rank]
            .iter()
            .copied()
            .filter(|&other| other != node)
            .collect();
        // The cost with the node first, then moving it right past each other.
        let mut cost: isize = others
            .iter()
            .map(|&other| pair_crossings(graph, node, other) as isize)
            .sum();
        let current = graph.pos[node];
        let mut best = (cost, current.min(others.len()));
        let mut best_found_at_current = current == 0;
        for (place, &other) in others.iter().enumerate() {
            cost += pair_crossings(graph, other, node) as isize
                - pair_crossings(graph, node, other) as isize;
            let place = place + 1;
            if cost < best.0 || (cost == best.0 && place == current && !best_found_at_current) {
                best = (cost, place);
                best_found_at_current = place == current;
            }
        }
        let mut layer = others;
        layer.insert(best.1.min(layer.len()), node);
        graph.set_rank(rank, layer);
    }
}

/// Pairs of nodes in a rank in the opposite order to `natural` positions.
fn disorder(layers: &[Vec<usize>], natural: &[usize]) -> usize {
    layers
        .iter()
        .map(|layer| {
            let mut count = 0;
            for (index, &first) in layer.iter().enumerate() {
                for &second in &layer[index + 1..] {
                    if natural[first] > natural[second] {
                        count += 1;
                    }
                }
            }
            count
        })
        .sum()
}

/// Each node's place in its rank, for an order.
fn positions_of(graph: &Layered, layers: &[Vec<usize>]) -> Vec<usize> {
    let mut positions = vec![0; graph.kinds.len()];
    for layer in layers {
        for (place, &node) in layer.iter().enumerate() {
            positions[node] = place;
        }
    }
    positions
}

/// Crossings between the edges of `left` and of `right` (same rank) when
/// `left` is to the left of `right`.
fn pair_crossings(graph: &Layered, left: usize, right: usize) -> usize {
    let mut count = 0;
    for neighbours in [&graph.up, &graph.down] {
        for &a in &neighbours[left] {
            for &b in &neighbours[right] {
                if graph.pos[a] > graph.pos[b] {
                    count += 1;
                }
            }
        }
    }
    count
}

/// Crossings of an order: pairs of segments between two neighbouring ranks
/// whose ends are in opposite orders, counted as inversions with a Fenwick
/// tree, in `O(E log E)`.
pub(super) fn total_crossings(graph: &Layered, layers: &[Vec<usize>]) -> usize {
    let positions = positions_of(graph, layers);
    let mut count = 0;
    for (rank, layer) in layers.iter().enumerate() {
        let below = layers.get(rank + 1).map_or(0, Vec::len);
        let mut segments: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|&node| graph.down[node].iter().map(move |&next| (node, next)))
            .map(|(above, next)| (positions[above], positions[next]))
            .collect();
        segments.sort_unstable();
        // Left to right by the upper end: a segment crosses each earlier
        // one whose lower end lies strictly to its right.
        let mut tree = vec![0usize; below + 1];
        for (seen, (_, lower)) in segments.into_iter().enumerate() {
            let mut at = lower + 1;
            let mut not_right = 0;
            while at > 0 {
                not_right += tree[at];
                at &= at - 1;
            }
            count += seen - not_right;
            let mut at = lower + 1;
            while at <= below {
                tree[at] += 1;
                at += at & at.wrapping_neg();
            }
        }
    }
    count
}
