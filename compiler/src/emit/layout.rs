//! A layered (Sugiyama-style) layout of a machine, computed by keel itself so
//! no Graphviz install is needed.
//!
//! 1. Cycles are broken by a depth-first search from the start state: an edge
//!    back to a state still on the search stack is drawn as a back edge.
//! 2. Layers by longest path over the remaining acyclic edges.
//! 3. Edges spanning several layers get a virtual point in each layer between,
//!    so lines route around boxes instead of through them.
//! 4. Order within layers by barycentre sweeps (down, up, four rounds).
//! 5. Coordinates: boxes sized by their wrapped label, layers centred.
//!
//! Everything is integer-ordered and deterministic: the same machine always
//! gives the same picture.

use super::state_label;
use crate::machine::{Machine, StateId};
use std::collections::BTreeMap;

/// Horizontal gap between boxes in a layer.
const GAP_X: f64 = 28.0;
/// Vertical gap between layers.
const GAP_Y: f64 = 56.0;
/// Margin around the picture.
const MARGIN: f64 = 20.0;
/// Characters per label line.
const WRAP: usize = 34;
/// Approximate width of one character of the label font.
const CHAR_WIDTH: f64 = 6.6;
/// Height of one label line.
const LINE_HEIGHT: f64 = 15.0;

/// A placed state.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedState {
    /// The state.
    pub state: StateId,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Box width.
    pub width: f64,
    /// Box height.
    pub height: f64,
    /// The label, wrapped.
    pub lines: Vec<String>,
}

/// A routed transition.
#[derive(Clone, Debug, PartialEq)]
pub struct RoutedTransition {
    /// Index of the transition in [`Machine::transitions`].
    pub index: usize,
    /// Source state.
    pub from: StateId,
    /// Target state.
    pub to: StateId,
    /// The polyline, source to target.
    pub points: Vec<(f64, f64)>,
    /// Drawn against the flow (closes a loop).
    pub back: bool,
}

/// A whole picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// States in machine order.
    pub states: Vec<PlacedState>,
    /// Transitions in machine order.
    pub transitions: Vec<RoutedTransition>,
    /// Picture width.
    pub width: f64,
    /// Picture height.
    pub height: f64,
}

/// One slot in a layer: a real state or a virtual point of a long edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    State(usize),
    Virtual(usize, usize), // (transition index, layer)
}

/// Lays a machine out.
pub fn layout(machine: &Machine) -> Layout {
    let count = machine.state_count();
    let transitions = machine.transitions();
    let edges: Vec<(usize, usize)> = transitions
        .iter()
        .map(|(_, from, _, to)| (from.index(), to.index()))
        .collect();
    let back = back_edges(machine, count, &edges);
    // Edges into keel's implicit hand-offs (a human on request, unclear
    // answers, tool errors) are many and carry no routing: drawn straight.
    let light: Vec<bool> = transitions
        .iter()
        .map(|(_, _, _, to)| machine.state(*to).origin.is_none())
        .collect();

    // Layers by longest path over forward edges (Kahn's order, ties by index).
    let mut layer = vec![0usize; count];
    let mut indegree = vec![0usize; count];
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, &(from, to)) in edges.iter().enumerate() {
        if !back[index] && from != to {
            indegree[to] += 1;
            outgoing[from].push(to);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..count).filter(|&state| indegree[state] == 0).collect();
    while let Some(state) = ready.pop_first() {
        for &next in &outgoing[state] {
            layer[next] = layer[next].max(layer[state] + 1);
            indegree[next] -= 1;
            if indegree[next] == 0 {
                ready.insert(next);
            }
        }
    }
    let depth = layer.iter().copied().max().unwrap_or(0) + 1;

    // Slots per layer, with virtual points for long forward edges.
    let mut layers: Vec<Vec<Slot>> = vec![Vec::new(); depth];
    for state in discovery_order(machine, count, &edges) {
        layers[layer[state]].push(Slot::State(state));
    }
    let mut chains: BTreeMap<usize, Vec<Slot>> = BTreeMap::new();
    for (index, &(from, to)) in edges.iter().enumerate() {
        let (top, bottom) = if back[index] { (to, from) } else { (from, to) };
        if layer[bottom] > layer[top] + 1 && !light[index] {
            let mut chain = Vec::new();
            for (between, slots) in layers
                .iter_mut()
                .enumerate()
                .take(layer[bottom])
                .skip(layer[top] + 1)
            {
                let slot = Slot::Virtual(index, between);
                slots.push(slot);
                chain.push(slot);
            }
            chains.insert(index, chain);
        }
    }

    // Neighbours of each slot in the layer above and below.
    let mut up: BTreeMap<Slot, Vec<Slot>> = BTreeMap::new();
    let mut down: BTreeMap<Slot, Vec<Slot>> = BTreeMap::new();
    for (index, &(from, to)) in edges.iter().enumerate() {
        let (top, bottom) = if back[index] { (to, from) } else { (from, to) };
        if layer[top] == layer[bottom] || (light[index] && layer[bottom] > layer[top] + 1) {
            continue;
        }
        let mut path = vec![Slot::State(top)];
        path.extend(chains.get(&index).cloned().unwrap_or_default());
        path.push(Slot::State(bottom));
        for pair in path.windows(2) {
            down.entry(pair[0]).or_default().push(pair[1]);
            up.entry(pair[1]).or_default().push(pair[0]);
        }
    }
    for _ in 0..4 {
        for index in 1..depth {
            reorder(&mut layers, index, index - 1, &up);
        }
        for index in (0..depth.saturating_sub(1)).rev() {
            reorder(&mut layers, index, index + 1, &down);
        }
    }

    // Sizes and coordinates.
    let mut lines: Vec<Vec<String>> = Vec::with_capacity(count);
    let mut sizes: Vec<(f64, f64)> = Vec::with_capacity(count);
    for (_, state) in machine.states() {
        let wrapped = wrap(&state_label(state));
        let longest = wrapped
            .iter()
            .map(|line| line.chars().count())
            .max()
            .unwrap_or(1);
        let width = (longest as f64 * CHAR_WIDTH + 20.0).max(90.0);
        let height = wrapped.len() as f64 * LINE_HEIGHT + 14.0;
        lines.push(wrapped);
        sizes.push((width, height));
    }
    let slot_width = |slot: &Slot| match slot {
        Slot::State(state) => sizes[*state].0,
        Slot::Virtual(..) => 12.0,
    };
    let layer_widths: Vec<f64> = layers
        .iter()
        .map(|slots| {
            slots.iter().map(slot_width).sum::<f64>() + GAP_X * slots.len().saturating_sub(1) as f64
        })
        .collect();
    let widest = layer_widths.iter().copied().fold(0.0, f64::max);
    // Horizontal centres: start packed and centred, then pull each slot
    // towards the mean of its neighbours (keeping the order and the gaps),
    // which straightens edges.
    let mut centre_x: BTreeMap<Slot, f64> = BTreeMap::new();
    for (index, slots) in layers.iter().enumerate() {
        let mut x = (widest - layer_widths[index]) / 2.0;
        for slot in slots {
            let width = slot_width(slot);
            centre_x.insert(*slot, x + width / 2.0);
            x += width + GAP_X;
        }
    }
    for round_index in 0..8 {
        let downward = round_index % 2 == 0;
        let order: Vec<usize> = if downward {
            (0..depth).collect()
        } else {
            (0..depth).rev().collect()
        };
        for index in order {
            let neighbours = if downward { &up } else { &down };
            let desired: Vec<f64> = layers[index]
                .iter()
                .map(|slot| {
                    let known: Vec<f64> = neighbours
                        .get(slot)
                        .into_iter()
                        .flatten()
                        .filter_map(|neighbour| centre_x.get(neighbour).copied())
                        .collect();
                    if known.is_empty() {
                        centre_x.get(slot).copied().unwrap_or(0.0)
                    } else {
                        known.iter().sum::<f64>() / known.len() as f64
                    }
                })
                .collect();
            // Left to right with minimum gaps, then right to left, averaged.
            let slots = &layers[index];
            let mut left = vec![0.0; slots.len()];
            for position in 0..slots.len() {
                let half = slot_width(&slots[position]) / 2.0;
                left[position] = if position == 0 {
                    desired[position]
                } else {
                    let previous =
                        left[position - 1] + slot_width(&slots[position - 1]) / 2.0 + GAP_X;
                    desired[position].max(previous + half)
                };
            }
            let mut right = vec![0.0; slots.len()];
            for position in (0..slots.len()).rev() {
                let half = slot_width(&slots[position]) / 2.0;
                right[position] = if position + 1 == slots.len() {
                    desired[position]
                } else {
                    let next = right[position + 1] - slot_width(&slots[position + 1]) / 2.0 - GAP_X;
                    desired[position].min(next - half)
                };
            }
            let mut previous_edge = f64::NEG_INFINITY;
            for position in 0..slots.len() {
                let half = slot_width(&slots[position]) / 2.0;
                let x =
                    ((left[position] + right[position]) / 2.0).max(previous_edge + GAP_X + half);
                centre_x.insert(slots[position], x);
                previous_edge = x + half;
            }
        }
    }
    let leftmost = layers
        .iter()
        .flatten()
        .map(|slot| centre_x.get(slot).copied().unwrap_or(0.0) - slot_width(slot) / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = if leftmost.is_finite() {
        MARGIN - leftmost
    } else {
        MARGIN
    };
    let mut centre: BTreeMap<Slot, (f64, f64)> = BTreeMap::new();
    let mut placed = vec![(0.0, 0.0); count];
    let mut rightmost: f64 = 0.0;
    let mut y = MARGIN;
    for slots in &layers {
        let height = slots
            .iter()
            .map(|slot| match slot {
                Slot::State(state) => sizes[*state].1,
                Slot::Virtual(..) => 10.0,
            })
            .fold(10.0, f64::max);
        for slot in slots {
            let width = slot_width(slot);
            let x = centre_x.get(slot).copied().unwrap_or(0.0) + shift;
            centre.insert(*slot, (x, y + height / 2.0));
            rightmost = rightmost.max(x + width / 2.0);
            if let Slot::State(state) = slot {
                placed[*state] = (x - width / 2.0, y + (height - sizes[*state].1) / 2.0);
            }
        }
        y += height + GAP_Y;
    }
    let ids: Vec<StateId> = machine.states().map(|(id, _)| id).collect();
    let states: Vec<PlacedState> = (0..count)
        .map(|state| PlacedState {
            state: ids.get(state).copied().unwrap_or(machine.start),
            x: round(placed[state].0),
            y: round(placed[state].1),
            width: round(sizes[state].0),
            height: round(sizes[state].1),
            lines: lines[state].clone(),
        })
        .collect();
    let routed = transitions
        .iter()
        .enumerate()
        .map(|(index, (_, from, _, to))| {
            let source = &states[from.index()];
            let target = &states[to.index()];
            let points = if back[index] || from == to {
                // Out of the source's right side, round, into the target's right side.
                let start = (source.x + source.width, source.y + source.height / 2.0);
                let end = (target.x + target.width, target.y + target.height / 2.0);
                let bulge = start.0.max(end.0) + 30.0;
                vec![start, (bulge, start.1), (bulge, end.1), end]
            } else {
                let mut points = vec![(source.x + source.width / 2.0, source.y + source.height)];
                for slot in chains.get(&index).into_iter().flatten() {
                    if let Some(point) = centre.get(slot) {
                        points.push(*point);
                    }
                }
                points.push((target.x + target.width / 2.0, target.y));
                points
            };
            RoutedTransition {
                index,
                from: *from,
                to: *to,
                points: points
                    .into_iter()
                    .map(|(x, y)| (round(x), round(y)))
                    .collect(),
                back: back[index],
            }
        })
        .collect();
    Layout {
        states,
        transitions: routed,
        width: round(rightmost + MARGIN + 40.0),
        height: round(y - GAP_Y + MARGIN),
    }
}

/// Edges that close a cycle, found by an iterative depth-first search from
/// the start (then from any state not yet seen, in index order).
fn back_edges(machine: &Machine, count: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut outgoing: Vec<Vec<(usize, usize)>> = vec![Vec::new(); count];
    for (index, &(from, to)) in edges.iter().enumerate() {
        outgoing[from].push((index, to));
    }
    let mut back = vec![false; edges.len()];
    let mut state = vec![0u8; count]; // 0 new, 1 on stack, 2 done
    let roots = std::iter::once(machine.start.index()).chain(0..count);
    for root in roots {
        if root >= count || state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&(node, next)) = stack.last() {
            if let Some(&(edge, target)) = outgoing[node].get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match state[target] {
                    0 => {
                        state[target] = 1;
                        stack.push((target, 0));
                    }
                    1 => back[edge] = true,
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// States in breadth-first order from the start, then the rest by index:
/// the initial order within each layer.
fn discovery_order(machine: &Machine, count: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(from, to) in edges {
        outgoing[from].push(to);
    }
    let mut seen = vec![false; count];
    let mut order = Vec::with_capacity(count);
    let mut queue = std::collections::VecDeque::new();
    for root in std::iter::once(machine.start.index()).chain(0..count) {
        if root >= count || seen[root] {
            continue;
        }
        seen[root] = true;
        queue.push_back(root);
        while let Some(state) = queue.pop_front() {
            order.push(state);
            for &next in &outgoing[state] {
                if !seen[next] {
                    seen[next] = true;
                    queue.push_back(next);
                }
            }
        }
    }
    order
}

/// Sorts one layer by the mean position of each slot's neighbours in the
/// reference layer; slots without neighbours keep their place.
fn reorder(
    layers: &mut [Vec<Slot>],
    index: usize,
    reference: usize,
    neighbours: &BTreeMap<Slot, Vec<Slot>>,
) {
    let positions: BTreeMap<Slot, usize> = layers[reference]
        .iter()
        .enumerate()
        .map(|(position, slot)| (*slot, position))
        .collect();
    let mut keyed: Vec<(u64, usize, Slot)> = layers[index]
        .iter()
        .enumerate()
        .map(|(position, slot)| {
            let known: Vec<usize> = neighbours
                .get(slot)
                .into_iter()
                .flatten()
                .filter_map(|neighbour| positions.get(neighbour).copied())
                .collect();
            // Scaled to integers so the sort is total and deterministic.
            let key = if known.is_empty() {
                (position as u64) * 1000
            } else {
                (known.iter().sum::<usize>() as u64 * 1000) / known.len() as u64
            };
            (key, position, *slot)
        })
        .collect();
    keyed.sort();
    layers[index] = keyed.into_iter().map(|(_, _, slot)| slot).collect();
}

/// Wraps a label into lines of at most [`WRAP`] characters, at most three.
fn wrap(label: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in label.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > WRAP {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > 3 {
        lines.truncate(3);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}
