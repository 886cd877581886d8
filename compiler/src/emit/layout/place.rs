//! Coordinates: where each node of the ordered layered graph goes, and the
//! route of every edge.
//!
//! Every node has an anchor (where its edges pass) and room to its left and
//! right: a state's box is centred on its anchor, a virtual node is a thin
//! post, a label node keeps its edge at its left and its text to the right.
//! Within a rank, nodes keep their order and a minimum gap; sweeps pull
//! each node towards the mean anchor of its neighbours (for a point of a
//! long edge, those above and below), which straightens edges. Each rank is
//! a horizontal band as tall as its tallest node; an edge runs straight
//! down through the bands its points are in and crosses to the next band
//! in the gap between, so two edges cross exactly when their ends are in
//! opposite orders on neighbouring ranks. Edges leave a box at ports spread
//! along its bottom and enter at ports along its top, in the order of their
//! other ends, so they do not cross each other there either.

use super::order::{Layered, NodeKind};
use super::rank::{Edge, Ranked};
use super::{LABEL_CHAR_WIDTH, MARGIN};
use std::collections::BTreeMap;

/// Vertical gap between bands, where edges cross from one rank to the next.
const GAP_Y: f64 = 28.0;
/// Horizontal gap next to a box or a label.
const GAP_X: f64 = 16.0;
/// Horizontal gap between two points of long edges.
const GAP_POST: f64 = 8.0;
/// Height of an edge label's band.
const LABEL_HEIGHT: f64 = 14.0;
/// Room a self loop takes to the right of its box.
const LOOP: f64 = 18.0;
/// Gap between the graph and the row of badge targets.
const ROW_GAP: f64 = 44.0;
/// The least width the row of badge targets wraps at.
const ROW_WIDTH: f64 = 600.0;
/// Averaging sweeps.
const SWEEPS: usize = 12;

/// An edge label's place (before rounding).
#[derive(Clone, Debug)]
pub(super) struct LabelBox {
    pub(super) text: String,
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) width: f64,
    pub(super) height: f64,
}

/// One drawn edge's route.
#[derive(Clone, Debug)]
pub(super) struct Route {
    pub(super) points: Vec<(f64, f64)>,
    pub(super) back: bool,
    pub(super) label: Option<LabelBox>,
}

/// Everything placed.
#[derive(Clone, Debug)]
pub(super) struct Placed {
    /// Top-left corner of every state's box (by state index).
    pub(super) boxes: Vec<(f64, f64)>,
    /// Routes of the drawn edges, by transition index.
    pub(super) routes: BTreeMap<usize, Route>,
    /// Picture size.
    pub(super) width: f64,
    pub(super) height: f64,
}

/// Places the ordered graph, then the row of badge targets under it.
pub(super) fn place(
    graph: &Layered,
    ranked: &Ranked,
    edges: &[Edge],
    sizes: &[(f64, f64)],
    row: &[usize],
) -> Placed {
    let count = graph.kinds.len();
    let loops: Vec<bool> = {
        let mut loops = vec![false; sizes.len()];
        for edge in edges {
            if edge.from == edge.to {
                loops[edge.from] = true;
            }
        }
        loops
    };
    let label_width = |position: usize| {
        edges[position].label.as_ref().map_or(0.0, |text| {
            text.chars().count() as f64 * LABEL_CHAR_WIDTH + 4.0
        })
    };
    // Room left and right of each anchor.
    let extent: Vec<(f64, f64)> = graph
        .kinds
        .iter()
        .map(|kind| match *kind {
            NodeKind::State(state) => {
                let half = sizes[state].0 / 2.0;
                (half, half + if loops[state] { LOOP } else { 0.0 })
            }
            NodeKind::Virtual(_) => (2.0, 2.0),
            NodeKind::Label(position) => (2.0, label_width(position) + 6.0),
        })
        .collect();
    let gap = |a: usize, b: usize| {
        let post = |node: usize| matches!(graph.kinds[node], NodeKind::Virtual(_));
        if post(a) && post(b) { GAP_POST } else { GAP_X }
    };
    let mut anchor = vec![0.0f64; count];
    for layer in &graph.layers {
        let mut x = 0.0;
        for (place, &node) in layer.iter().enumerate() {
            if place > 0 {
                x += gap(layer[place - 1], node);
            }
            anchor[node] = x + extent[node].0;
            x = anchor[node] + extent[node].1;
        }
    }
    // For the points of a long edge: the edge's chain and their place in it,
    // so they can aim for the straight line between its ends.
    let mut member: Vec<Option<(usize, usize)>> = vec![None; count];
    for (position, chain) in graph.chains.iter().enumerate() {
        for (at, &node) in chain.iter().enumerate() {
            if !matches!(graph.kinds[node], NodeKind::State(_)) {
                member[node] = Some((position, at));
            }
        }
    }
    for sweep in 0..SWEEPS {
        let downward = sweep % 2 == 0;
        let ranks: Vec<usize> = if downward {
            (0..graph.layers.len()).collect()
        } else {
            (0..graph.layers.len()).rev().collect()
        };
        for rank in ranks {
            let layer = &graph.layers[rank];
            let desired: Vec<f64> = layer
                .iter()
                .map(|&node| {
                    if let Some((position, at)) = member[node] {
                        // On the line between the chain's two ends.
                        let chain = &graph.chains[position];
                        let (first, last) = (chain[0], chain[chain.len() - 1]);
                        let share = at as f64 / (chain.len() - 1) as f64;
                        return anchor[first] + (anchor[last] - anchor[first]) * share;
                    }
                    let post = false;
                    let sides: Vec<&Vec<usize>> = if post {
                        vec![&graph.up[node], &graph.down[node]]
                    } else if downward {
                        vec![&graph.up[node]]
                    } else {
                        vec![&graph.down[node]]
                    };
                    let known: Vec<f64> = sides
                        .into_iter()
                        .flatten()
                        .map(|&other| anchor[other])
                        .collect();
                    if known.is_empty() {
                        anchor[node]
                    } else {
                        known.iter().sum::<f64>() / known.len() as f64
                    }
                })
                .collect();
            let placed = fit(layer, &desired, &extent, &gap);
            for (&node, x) in layer.iter().zip(placed) {
                anchor[node] = x;
            }
        }
    }
    let leftmost = (0..count)
        .map(|node| anchor[node] - extent[node].0)
        .fold(f64::INFINITY, f64::min);
    let shift = if leftmost.is_finite() {
        MARGIN - leftmost
    } else {
        MARGIN
    };
    for x in &mut anchor {
        *x += shift;
    }
    // Bands.
    let mut band_top = Vec::with_capacity(graph.layers.len());
    let mut band_height = Vec::with_capacity(graph.layers.len());
    let mut y = MARGIN;
    for layer in &graph.layers {
        let height = layer
            .iter()
            .map(|&node| match graph.kinds[node] {
                NodeKind::State(state) => sizes[state].1,
                NodeKind::Label(_) => LABEL_HEIGHT,
                NodeKind::Virtual(_) => 4.0,
            })
            .fold(4.0, f64::max);
        band_top.push(y);
        band_height.push(height);
        y += height + GAP_Y;
    }
    let graph_bottom = y - GAP_Y;
    let mut boxes = vec![(0.0, 0.0); sizes.len()];
    let mut right_edge: f64 = 0.0;
    for (node, kind) in graph.kinds.iter().enumerate() {
        right_edge = right_edge.max(anchor[node] + extent[node].1);
        if let NodeKind::State(state) = *kind {
            boxes[state] = (
                anchor[node] - sizes[state].0 / 2.0,
                band_top[graph.ranks[node]],
            );
        }
    }
    // The row of badge targets, wrapped at the graph's width (or at
    // `ROW_WIDTH` for a narrow graph) so it does not widen the picture.
    let mut bottom = graph_bottom;
    if !row.is_empty() {
        let mut row_top = if graph.kinds.is_empty() {
            MARGIN
        } else {
            graph_bottom + ROW_GAP
        };
        let limit = right_edge.max(MARGIN + ROW_WIDTH);
        let mut x = MARGIN;
        for &state in row {
            if x > MARGIN && x + sizes[state].0 > limit {
                x = MARGIN;
                row_top = bottom + GAP_Y;
            }
            boxes[state] = (x, row_top);
            x += sizes[state].0 + GAP_X;
            right_edge = right_edge.max(x - GAP_X);
            bottom = bottom.max(row_top + sizes[state].1);
        }
    }
    // Where each point of a long edge may run inside its band: between its
    // neighbours' room (and, for a label's point, left of the text).
    let mut zone = vec![(f64::NEG_INFINITY, f64::INFINITY); count];
    for layer in &graph.layers {
        for (place, &node) in layer.iter().enumerate() {
            // Neighbouring zones meet halfway across the gap, so they never
            // overlap and lines in them never cross.
            let left = place.checked_sub(1).map_or(f64::NEG_INFINITY, |before| {
                let before = layer[before];
                let gap_left = anchor[before] + extent[before].1;
                (gap_left + anchor[node] - extent[node].0) / 2.0 + 1.0
            });
            let right = layer.get(place + 1).map_or(f64::INFINITY, |&after| {
                let gap_right = anchor[after] - extent[after].0;
                (anchor[node] + extent[node].1 + gap_right) / 2.0 - 1.0
            });
            let right = match graph.kinds[node] {
                NodeKind::Label(_) => right.min(anchor[node] + 3.0),
                _ => right,
            };
            zone[node] = (left.min(anchor[node]), right.max(anchor[node]));
        }
    }
    let bands = Bands {
        top: &band_top,
        height: &band_height,
        anchor: &anchor,
        zone: &zone,
    };
    let routes = routes(graph, ranked, edges, sizes, &bands, &boxes);
    Placed {
        boxes,
        routes,
        width: right_edge + MARGIN,
        height: bottom + MARGIN,
    }
}

/// Anchors as close to `desired` as the order and gaps allow: packed from
/// the left, packed from the right, averaged, then pushed apart again.
fn fit(
    layer: &[usize],
    desired: &[f64],
    extent: &[(f64, f64)],
    gap: &impl Fn(usize, usize) -> f64,
) -> Vec<f64> {
    let count = layer.len();
    let mut left = vec![0.0; count];
    for place in 0..count {
        left[place] = if place == 0 {
            desired[place]
        } else {
            let node = layer[place];
            let previous = layer[place - 1];
            let least = left[place - 1] + extent[previous].1 + gap(previous, node) + extent[node].0;
            desired[place].max(least)
        };
    }
    let mut right = vec![0.0; count];
    for place in (0..count).rev() {
        right[place] = if place + 1 == count {
            desired[place]
        } else {
            let node = layer[place];
            let next = layer[place + 1];
            let most = right[place + 1] - extent[next].0 - gap(node, next) - extent[node].1;
            desired[place].min(most)
        };
    }
    let mut placed = vec![0.0; count];
    for place in 0..count {
        let mean = (left[place] + right[place]) / 2.0;
        placed[place] = if place == 0 {
            mean
        } else {
            let node = layer[place];
            let previous = layer[place - 1];
            mean.max(placed[place - 1] + extent[previous].1 + gap(previous, node) + extent[node].0)
        };
    }
    placed
}

/// The bands and where nodes sit in them.
struct Bands<'a> {
    top: &'a [f64],
    height: &'a [f64],
    anchor: &'a [f64],
    zone: &'a [(f64, f64)],
}

impl Bands<'_> {
    fn middle(&self, rank: usize) -> f64 {
        self.top[rank] + self.height[rank] / 2.0
    }
}

/// The route of every drawn edge through its chain of nodes.
fn routes(
    graph: &Layered,
    ranked: &Ranked,
    edges: &[Edge],
    sizes: &[(f64, f64)],
    bands: &Bands<'_>,
    boxes: &[(f64, f64)],
) -> BTreeMap<usize, Route> {
    let (band_top, band_height, anchor) = (bands.top, bands.height, bands.anchor);
    let positions = {
        let mut positions = vec![0usize; graph.kinds.len()];
        for layer in &graph.layers {
            for (place, &node) in layer.iter().enumerate() {
                positions[node] = place;
            }
        }
        positions
    };
    // Ports: per state node, its chains leaving downwards (or arriving from
    // above), sorted by the position of the node at the other end of the
    // segment, spread evenly along the box's bottom (top).
    // A state is the upper end of some chains and the lower end of others.
    let mut leaving: Vec<Vec<(usize, usize)>> = vec![Vec::new(); graph.kinds.len()];
    let mut arriving: Vec<Vec<(usize, usize)>> = vec![Vec::new(); graph.kinds.len()];
    for (position, chain) in graph.chains.iter().enumerate() {
        if let [first, second, ..] = chain[..] {
            leaving[first].push((positions[second], position));
        }
        if let [.., before, last] = chain[..] {
            arriving[last].push((positions[before], position));
        }
    }
    let mut ports_down: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    let mut ports_up: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for (node, kind) in graph.kinds.iter().enumerate() {
        let NodeKind::State(state) = *kind else {
            continue;
        };
        let (left, width) = (boxes[state].0, sizes[state].0);
        for (ends, ports) in [
            (&mut leaving[node], &mut ports_down),
            (&mut arriving[node], &mut ports_up),
        ] {
            ends.sort();
            let total = ends.len() as f64;
            for (slot, &(_, position)) in ends.iter().enumerate() {
                ports.insert(
                    (node, position),
                    left + width * (slot as f64 + 1.0) / (total + 1.0),
                );
            }
        }
    }
    let mut routes = BTreeMap::new();
    for (position, edge) in edges.iter().enumerate() {
        let back = ranked.reversed.get(position).copied().unwrap_or(false);
        let chain = &graph.chains[position];
        if chain.is_empty() {
            if edge.from == edge.to {
                routes.insert(edge.index, self_loop(edge, sizes, boxes));
            }
            continue;
        }
        let mut points: Vec<(f64, f64)> = Vec::new();
        let mut label = None;
        let last = chain.len() - 1;
        for (at, &node) in chain.iter().enumerate() {
            let rank = graph.ranks[node];
            let (top, bottom) = (band_top[rank], band_top[rank] + band_height[rank]);
            match graph.kinds[node] {
                NodeKind::State(state) => {
                    if at == 0 {
                        let x = ports_down
                            .get(&(node, position))
                            .copied()
                            .unwrap_or(anchor[node]);
                        let box_bottom = boxes[state].1 + sizes[state].1;
                        points.push((x, box_bottom));
                        if box_bottom < bottom {
                            points.push((x, bottom));
                        }
                    } else if at == last {
                        let x = ports_up
                            .get(&(node, position))
                            .copied()
                            .unwrap_or(anchor[node]);
                        points.push((x, top));
                    }
                }
                NodeKind::Virtual(_) | NodeKind::Label(_) => {
                    // Through the band along the line from the point before
                    // to the point after, kept inside the node's zone.
                    let (before, after) = (chain[at - 1], chain[at + 1]);
                    let rise = bands.middle(graph.ranks[after]) - bands.middle(graph.ranks[before]);
                    let slope = if rise > 0.0 {
                        (anchor[after] - anchor[before]) / rise
                    } else {
                        0.0
                    };
                    let middle = bands.middle(rank);
                    let (least, most) = bands.zone[node];
                    let at_y = |y: f64| (anchor[node] + slope * (y - middle)).clamp(least, most);
                    points.push((at_y(top), top));
                    points.push((at_y(bottom), bottom));
                    if let (NodeKind::Label(_), Some(text)) = (graph.kinds[node], &edge.label) {
                        label = Some(LabelBox {
                            text: text.clone(),
                            x: anchor[node] + 5.0,
                            y: top,
                            width: text.chars().count() as f64 * LABEL_CHAR_WIDTH + 4.0,
                            height: LABEL_HEIGHT,
                        });
                    }
                }
            }
        }
        if back {
            points.reverse();
        }
        points.dedup();
        routes.insert(
            edge.index,
            Route {
                points,
                back,
                label,
            },
        );
    }
    routes
}

/// A loop out of a box's right side and back in.
fn self_loop(edge: &Edge, sizes: &[(f64, f64)], boxes: &[(f64, f64)]) -> Route {
    let (x, y) = boxes[edge.from];
    let (width, height) = sizes[edge.from];
    let right = x + width;
    let points = vec![
        (right, y + height * 0.3),
        (right + LOOP - 4.0, y + height * 0.3),
        (right + LOOP - 4.0, y + height * 0.7),
        (right, y + height * 0.7),
    ];
    let label = edge.label.as_ref().map(|text| LabelBox {
        text: text.clone(),
        x: right + LOOP,
        y: y + height + 2.0,
        width: text.chars().count() as f64 * LABEL_CHAR_WIDTH + 4.0,
        height: LABEL_HEIGHT,
    });
    Route {
        points,
        back: true,
        label,
    }
}
