//! A layered (Sugiyama-style) layout of a machine, computed by keel itself
//! so no Graphviz install is needed, with the same steps Graphviz's `dot`
//! takes:
//!
//! 1. **Badges.** Transitions into the hand-offs keel adds (the customer
//!    asked for a human, answers stayed unclear, a tool failed, a lookup
//!    found nothing) and keel's conversation repairs ("never mind", start
//!    over, a correction back to an earlier question, an ending taken up
//!    again) are not edges across the page: each source state gets one
//!    badge per kind ([`implicit_kind`]), and the states they lead to (the
//!    hand-offs, the `withdrawn` end, the repair counters) sit in a row of
//!    their own under the graph. The page shows a badge's edges on a click.
//!    The layered graph below has only the other edges, all between its own
//!    states.
//! 2. **Ranks** ([`rank`]): cycles are broken by a depth-first search from
//!    the start (an edge back to a state on the search stack is reversed);
//!    a labelled edge spans at least two ranks so its label gets a place of
//!    its own; ranks start as longest paths and are then pulled together
//!    (each state moved to the rank that shortens its edges most), as
//!    `dot`'s network simplex does.
//! 3. **Order** ([`order`]): edges spanning several ranks get a virtual node
//!    on each rank between (one of them carries the label); the order
//!    within ranks minimises crossings by weighted-median sweeps with
//!    transposition of neighbours, as `dot` does, from several starting
//!    orders, then by sifting each node to its best place; the order with
//!    the fewest crossings wins.
//! 4. **Coordinates** ([`place`]): nodes keep their order and a minimum gap,
//!    and are pulled towards their neighbours to straighten edges; each rank
//!    is a horizontal band, and edges cross only in the gaps between bands,
//!    leaving and entering boxes at ports spread in the order of their
//!    other ends. So boxes and labels never overlap and an edge never runs
//!    through a box or a label, by construction, and the drawing has
//!    exactly the crossings the order counted.
//!
//! Everything is integer-ordered and deterministic: the same machine always
//! gives the same picture.

mod order;
mod place;
mod rank;

use super::state_label;
use crate::machine::{Label, Machine, StateId, StateKind, is_repair_state, is_repair_transition};

/// Margin around the picture.
const MARGIN: f64 = 20.0;
/// Characters per label line.
const WRAP: usize = 34;
/// Approximate width of one character of the label font (11 px Helvetica).
const CHAR_WIDTH: f64 = 6.6;
/// Approximate width of one character of an edge label (10 px).
const LABEL_CHAR_WIDTH: f64 = 5.6;
/// Height of one label line.
const LINE_HEIGHT: f64 = 15.0;
/// Room a badge takes along the top of a box.
const BADGE_STEP: f64 = 16.0;
/// The longest edge label shown (longer ones end in `…`).
const LABEL_LIMIT: usize = 28;

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

/// An edge label, placed beside its edge.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedLabel {
    /// The text (shortened).
    pub text: String,
    /// Left edge of the text's box.
    pub x: f64,
    /// Top edge of the text's box.
    pub y: f64,
    /// Width of the text's box.
    pub width: f64,
    /// Height of the text's box.
    pub height: f64,
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
    /// The label, if the transition shows one.
    pub label: Option<PlacedLabel>,
    /// The badge kind, for a transition drawn as a badge (hidden until the
    /// badge is clicked; then drawn straight from the badge).
    pub implicit: Option<ImplicitKind>,
}

/// A kind of implicit transition, shown as a badge on the states that have
/// one instead of as an edge across the page.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImplicitKind {
    /// A stable key, usable as a CSS class (`human_requested`).
    pub key: String,
    /// The badge's mark (`H`, `?`, `!`, `∅`).
    pub mark: String,
    /// What the badge means, for a tooltip.
    pub title: String,
}

/// A badge on a state: one kind of implicit transition leaving it.
#[derive(Clone, Debug, PartialEq)]
pub struct Badge {
    /// The state it sits on.
    pub state: StateId,
    /// Its kind.
    pub kind: ImplicitKind,
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// The transitions it stands for (indices in [`Machine::transitions`]).
    pub transitions: Vec<usize>,
}

/// A whole picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// States in machine order.
    pub states: Vec<PlacedState>,
    /// Transitions in machine order.
    pub transitions: Vec<RoutedTransition>,
    /// Badges, by state then kind.
    pub badges: Vec<Badge>,
    /// Picture width.
    pub width: f64,
    /// Picture height.
    pub height: f64,
}

/// The kind of implicit transition a transition from `from` to `to` is, if
/// it is one: a transition into a hand-off keel added (a state without an
/// origin in the text), or one of keel's conversation repairs
/// ([`is_repair_transition`]: "never mind", start over, a correction, a
/// repair counter going back, an ending taken up again). Badges of one kind
/// on a state are one badge; the layout, the SVG and the page follow.
pub fn implicit_kind(
    machine: &Machine,
    from: StateId,
    label: &Label,
    to: StateId,
) -> Option<ImplicitKind> {
    let target = machine.state(to);
    if target.origin.is_none() && matches!(target.kind, StateKind::Escalate { .. }) {
        let key: String = target
            .id
            .rsplit(':')
            .next()
            .unwrap_or(&target.id)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mark = match label {
            Label::HumanRequested => "H",
            Label::RetryExhausted => "?",
            Label::Error => "!",
            Label::NotFound => "∅",
            _ => "•",
        };
        return Some(ImplicitKind {
            key,
            mark: mark.to_string(),
            title: format!("{} → {}", label.text(), state_label(target)),
        });
    }
    if !is_repair_transition(machine.state(from), label) {
        return None;
    }
    let (key, mark, title) = match label {
        Label::Withdrawn => (
            "withdrawn",
            "×",
            "never mind: the conversation ends as withdrawn".to_string(),
        ),
        Label::StartOver => (
            "start_over",
            "↺",
            "start over: every answer forgotten, back to the first question".to_string(),
        ),
        Label::Corrected => (
            "corrected",
            "✎",
            "a correction: back to an earlier question, every answer since forgotten".to_string(),
        ),
        Label::Again => ("again", "↑", format!("again → {}", state_label(target))),
        other => (
            "other",
            "•",
            format!("{} → {}", other.text(), state_label(target)),
        ),
    };
    Some(ImplicitKind {
        key: format!("repair_{key}"),
        mark: mark.to_string(),
        title,
    })
}

/// The states keel added that badges stand for (hand-offs and the states of
/// conversation repair, every edge into them implicit), in machine order.
/// They sit in a row under the graph. The start never does: it is where
/// the drawing begins, even when only repairs lead back to it.
pub fn badge_targets(machine: &Machine) -> Vec<StateId> {
    // Per state: (edges in, implicit edges in).
    let mut into = vec![(0usize, 0usize); machine.state_count()];
    for (_, from, transition, to) in machine.transitions() {
        let counts = &mut into[to.index()];
        counts.0 += 1;
        if implicit_kind(machine, from, &transition.label, to).is_some() {
            counts.1 += 1;
        }
    }
    machine
        .states()
        .filter(|(id, state)| {
            let (all, implicit) = into[id.index()];
            *id != machine.start
                && state.origin.is_none()
                && (matches!(state.kind, StateKind::Escalate { .. }) || is_repair_state(state))
                && all > 0
                && all == implicit
        })
        .map(|(id, _)| id)
        .collect()
}

/// Whether a transition's label is written on the drawing: all but `next`.
fn shows_label(label: &Label) -> bool {
    *label != Label::Next
}

/// An edge label's text, shortened.
fn label_text(label: &Label) -> String {
    let text = label.text();
    if text.chars().count() <= LABEL_LIMIT {
        text
    } else {
        let cut: String = text.chars().take(LABEL_LIMIT).collect();
        format!("{cut}…")
    }
}

/// Lays a machine out.
pub fn layout(machine: &Machine) -> Layout {
    let transitions = machine.transitions();
    let row: Vec<StateId> = badge_targets(machine);
    let in_graph: Vec<bool> = machine.states().map(|(id, _)| !row.contains(&id)).collect();
    // Every edge with an end in the row is a badge's: the layered graph has
    // only edges between its own states (see `rank::rank`).
    let implicit: Vec<Option<ImplicitKind>> = transitions
        .iter()
        .map(|(_, from, transition, to)| {
            implicit_kind(machine, *from, &transition.label, *to).or_else(|| {
                (!in_graph[from.index()] || !in_graph[to.index()]).then(|| ImplicitKind {
                    key: "row".to_string(),
                    mark: "•".to_string(),
                    title: format!(
                        "{} → {}",
                        transition.label.text(),
                        state_label(machine.state(*to))
                    ),
                })
            })
        })
        .collect();
    // Badge kinds per state, one per key, in order of first appearance.
    let mut kinds: Vec<Vec<ImplicitKind>> = vec![Vec::new(); machine.state_count()];
    for ((_, from, _, _), kind) in transitions.iter().zip(&implicit) {
        if let Some(kind) = kind {
            let state_kinds = &mut kinds[from.index()];
            if !state_kinds.iter().any(|known| known.key == kind.key) {
                state_kinds.push(kind.clone());
            }
        }
    }
    // Box sizes: the wrapped label, plus room for the badges.
    let mut lines: Vec<Vec<String>> = Vec::with_capacity(machine.state_count());
    let mut sizes: Vec<(f64, f64)> = Vec::with_capacity(machine.state_count());
    for (id, state) in machine.states() {
        let wrapped = wrap(&state_label(state));
        let longest = wrapped
            .iter()
            .map(|line| line.chars().count())
            .max()
            .unwrap_or(1);
        // Room for the badges, or for the mark of the kind a hand-off in
        // the row stands for.
        let marks = kinds[id.index()].len() + usize::from(row.contains(&id));
        let badges = marks as f64 * BADGE_STEP;
        let width = (longest as f64 * CHAR_WIDTH + 20.0 + badges).max(90.0);
        let height = wrapped.len() as f64 * LINE_HEIGHT + 14.0;
        lines.push(wrapped);
        sizes.push((width.round(), height));
    }
    // The graph that is laid out: every state but the badge targets, every
    // transition but the implicit ones.
    let drawn: Vec<rank::Edge> = transitions
        .iter()
        .zip(&implicit)
        .enumerate()
        .filter(|(_, (_, kind))| kind.is_none())
        .map(|(index, ((_, from, transition, to), _))| rank::Edge {
            index,
            from: from.index(),
            to: to.index(),
            label: shows_label(&transition.label).then(|| label_text(&transition.label)),
        })
        .collect();
    let ranked = rank::rank(machine.start.index(), &in_graph, &drawn);
    let layered = order::order(&ranked, &drawn, machine.start.index());
    let placed = place::place(&layered, &ranked, &drawn, &sizes, &row_indices(&row));
    assemble(
        machine,
        &transitions,
        (implicit, kinds, &in_graph),
        (lines, sizes),
        placed,
    )
}

fn row_indices(row: &[StateId]) -> Vec<usize> {
    row.iter().map(|state| state.index()).collect()
}

/// Puts the placed pieces into the public [`Layout`].
fn assemble(
    machine: &Machine,
    transitions: &[(
        crate::machine::TransitionId,
        StateId,
        &crate::machine::Transition,
        StateId,
    )],
    (implicit, kinds, in_graph): (Vec<Option<ImplicitKind>>, Vec<Vec<ImplicitKind>>, &[bool]),
    (lines, sizes): (Vec<Vec<String>>, Vec<(f64, f64)>),
    placed: place::Placed,
) -> Layout {
    let ids: Vec<StateId> = machine.states().map(|(id, _)| id).collect();
    let states: Vec<PlacedState> = ids
        .iter()
        .enumerate()
        .map(|(index, id)| PlacedState {
            state: *id,
            x: round(placed.boxes[index].0),
            y: round(placed.boxes[index].1),
            width: round(sizes[index].0),
            height: round(sizes[index].1),
            lines: lines[index].clone(),
        })
        .collect();
    // The implicit transitions of each (state, kind), in machine order.
    let mut members: std::collections::BTreeMap<(usize, &str), Vec<usize>> =
        std::collections::BTreeMap::new();
    for (transition, ((_, from, _, _), kind)) in transitions.iter().zip(&implicit).enumerate() {
        if let Some(kind) = kind {
            members
                .entry((from.index(), kind.key.as_str()))
                .or_default()
                .push(transition);
        }
    }
    let mut badges = Vec::new();
    for (index, state_kinds) in kinds.iter().enumerate() {
        let placed_state = &states[index];
        // A state in the row keeps its right corner for the mark of the
        // kind it stands for (see `svg`).
        let first = usize::from(!in_graph[index]);
        for (position, kind) in state_kinds.iter().enumerate() {
            let slot = (first + position) as f64;
            let x = placed_state.x + placed_state.width - 10.0 - slot * BADGE_STEP;
            let y = placed_state.y + 10.0;
            badges.push(Badge {
                state: ids[index],
                kind: kind.clone(),
                x: round(x),
                y: round(y),
                transitions: members
                    .get(&(index, kind.key.as_str()))
                    .cloned()
                    .unwrap_or_default(),
            });
        }
    }
    // Where each implicit transition's badge is.
    let mut badge_of: std::collections::BTreeMap<usize, (f64, f64)> =
        std::collections::BTreeMap::new();
    for badge in &badges {
        for &transition in &badge.transitions {
            badge_of.insert(transition, (badge.x, badge.y));
        }
    }
    let routed = transitions
        .iter()
        .zip(implicit)
        .enumerate()
        .map(|(index, ((_, from, transition, to), kind))| {
            let (points, back, label) = match (&kind, placed.routes.get(&index)) {
                (None, Some(route)) => (route.points.clone(), route.back, route.label.clone()),
                // Not drawn (the ranks would not allow it; see `order`).
                (None, None) => (Vec::new(), false, None),
                (Some(_), _) => {
                    // Hidden until its badge is clicked: straight from the
                    // badge to the top of the hand-off's box.
                    let start = badge_of.get(&index).copied().unwrap_or((0.0, 0.0));
                    let target = &states[to.index()];
                    let end = (target.x + target.width / 2.0, target.y);
                    (vec![start, end], false, None)
                }
            };
            let _ = transition;
            RoutedTransition {
                index,
                from: *from,
                to: *to,
                points: points
                    .into_iter()
                    .map(|(x, y)| (round(x), round(y)))
                    .collect(),
                back,
                label: label.map(|label| PlacedLabel {
                    x: round(label.x),
                    y: round(label.y),
                    width: round(label.width),
                    height: round(label.height),
                    text: label.text,
                }),
                implicit: kind,
            }
        })
        .collect();
    Layout {
        states,
        transitions: routed,
        badges,
        width: round(placed.width),
        height: round(placed.height),
    }
}

/// Proper crossings between polylines: every point where pieces of two
/// different polylines cross inside both (touching ends and overlapping
/// collinear pieces are not crossings). The measure the crossing bench and
/// the layout's tests use.
pub fn crossings(polylines: &[Vec<(f64, f64)>]) -> usize {
    let mut count = 0;
    for (index, first) in polylines.iter().enumerate() {
        for second in &polylines[index + 1..] {
            for a in first.windows(2) {
                for b in second.windows(2) {
                    if cross(a[0], a[1], b[0], b[1]) {
                        count += 1;
                    }
                }
            }
        }
    }
    count
}

fn cross(p: (f64, f64), q: (f64, f64), r: (f64, f64), s: (f64, f64)) -> bool {
    let d = (q.0 - p.0) * (s.1 - r.1) - (q.1 - p.1) * (s.0 - r.0);
    if d.abs() < 1e-9 {
        return false;
    }
    let t = ((r.0 - p.0) * (s.1 - r.1) - (r.1 - p.1) * (s.0 - r.0)) / d;
    let u = ((r.0 - p.0) * (q.1 - p.1) - (r.1 - p.1) * (q.0 - p.0)) / d;
    let inside = |value: f64| value > 1e-6 && value < 1.0 - 1e-6;
    inside(t) && inside(u)
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

#[cfg(test)]
mod tests {
    use super::{order, rank};

    fn edge(index: usize, from: usize, to: usize) -> rank::Edge {
        rank::Edge {
            index,
            from,
            to,
            label: None,
        }
    }

    /// Edges from a state outside the graph (a badge target in the row)
    /// once took part in the ranking: a state outside is never ranked, so
    /// the longest-path ranking never released the states below it, every
    /// state stayed on rank 0, chains ran along a rank and the crossing
    /// count indexed past its tree. That was the panic when the start (to
    /// which only repairs lead back) went to the row.
    #[test]
    fn edges_from_a_state_outside_the_graph_do_not_break_the_ranks() {
        // 0 is outside (the start, as it once was), with edges into the
        // graph 1 → 2 → 3 → 1.
        let in_graph = [false, true, true, true];
        let edges = [
            edge(0, 0, 1),
            edge(1, 1, 2),
            edge(2, 2, 3),
            edge(3, 3, 1),
            edge(4, 0, 3),
        ];
        let ranked = rank::rank(0, &in_graph, &edges);
        assert_eq!(ranked.rank, vec![None, Some(0), Some(1), Some(2)]);
        let layered = order::order(&ranked, &edges, 0);
        for chain in &layered.chains {
            for pair in chain.windows(2) {
                assert_eq!(layered.ranks[pair[0]] + 1, layered.ranks[pair[1]]);
            }
        }
        assert_eq!(
            order::total_crossings(&layered, &layered.layers),
            layered.crossings
        );
        // The edges from the outside state have no chain; the others do.
        assert!(layered.chains[0].is_empty() && layered.chains[4].is_empty());
        assert!(layered.chains[1..4].iter().all(|chain| chain.len() >= 2));
    }
}
