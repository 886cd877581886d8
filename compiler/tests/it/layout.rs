//! keel's drawing of every example: no two boxes or labels overlap, no edge
//! runs through a box or a label, the implicit hand-offs and the
//! conversation repairs are badges, every other edge is drawn, and the
//! crossings of the visible edges are pinned (the crossing bench,
//! `cargo bench -p keel-compiler --bench crossings`, sets them beside
//! Graphviz's).

use crate::support::{compile_file, example_policies, root};
use keel_compiler::emit::layout::{self, Layout};
use keel_compiler::machine::is_repair_transition;

/// The examples and the τ-bench retail policy (the five the crossing bench
/// draws, and the proactive WISMO example).
fn drawn_policies() -> Vec<std::path::PathBuf> {
    let mut policies = example_policies();
    policies.push(root().join("taubench/policy/policy.md"));
    policies
}

/// A named rectangle: (what, left, top, right, bottom).
type Rect = (String, f64, f64, f64, f64);

fn rects(drawing: &Layout, machine: &keel_compiler::machine::Machine) -> Vec<Rect> {
    let mut rects: Vec<Rect> = drawing
        .states
        .iter()
        .map(|placed| {
            (
                format!("box {}", machine.state(placed.state).id),
                placed.x,
                placed.y,
                placed.x + placed.width,
                placed.y + placed.height,
            )
        })
        .collect();
    for routed in &drawing.transitions {
        if let Some(label) = &routed.label {
            rects.push((
                format!("label of {} ({})", routed.index, label.text),
                label.x,
                label.y,
                label.x + label.width,
                label.y + label.height,
            ));
        }
    }
    rects
}

fn overlap(a: &Rect, b: &Rect) -> bool {
    a.1 < b.3 && b.1 < a.3 && a.2 < b.4 && b.2 < a.4
}

/// Whether a segment passes through a rectangle's inside (shrunk by half a
/// pixel, so touching a side where an edge leaves or enters is fine).
fn runs_through(from: (f64, f64), to: (f64, f64), rect: &Rect) -> bool {
    let (left, top, right, bottom) = (rect.1 + 0.5, rect.2 + 0.5, rect.3 - 0.5, rect.4 - 0.5);
    if left >= right || top >= bottom {
        return false;
    }
    // Liang–Barsky clipping.
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let mut low: f64 = 0.0;
    let mut high: f64 = 1.0;
    for (p, q) in [
        (-dx, from.0 - left),
        (dx, right - from.0),
        (-dy, from.1 - top),
        (dy, bottom - from.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                low = low.max(t);
            } else {
                high = high.min(t);
            }
        }
    }
    low < high
}

#[test]
fn drawings_have_no_overlaps_and_their_crossings_are_pinned() {
    for policy in drawn_policies() {
        let compilation = compile_file(&policy);
        let machine = &compilation.machine;
        let drawing = layout::layout(machine);
        assert_eq!(drawing, layout::layout(machine), "deterministic");
        let rects = rects(&drawing, machine);
        for (index, a) in rects.iter().enumerate() {
            for b in &rects[index + 1..] {
                assert!(
                    !overlap(a, b),
                    "{}: {} overlaps {}",
                    policy.display(),
                    a.0,
                    b.0
                );
            }
            assert!(
                a.3 <= drawing.width && a.4 <= drawing.height,
                "{} is outside",
                a.0
            );
        }
        for routed in drawing
            .transitions
            .iter()
            .filter(|routed| routed.implicit.is_none())
        {
            for piece in routed.points.windows(2) {
                for rect in &rects {
                    assert!(
                        !runs_through(piece[0], piece[1], rect),
                        "{}: edge {} runs through {}",
                        policy.display(),
                        routed.index,
                        rect.0
                    );
                }
            }
        }
        for badge in &drawing.badges {
            let placed = &drawing.states[badge.state.index()];
            assert!(
                badge.x - 7.0 >= placed.x && badge.x + 7.0 <= placed.x + placed.width,
                "the badge sits on its box"
            );
        }
        let visible: Vec<Vec<(f64, f64)>> = drawing
            .transitions
            .iter()
            .filter(|routed| routed.implicit.is_none())
            .map(|routed| routed.points.clone())
            .collect();
        let mut kinds: Vec<String> = drawing
            .badges
            .iter()
            .map(|badge| badge.kind.key.clone())
            .collect();
        kinds.sort();
        kinds.dedup();
        let name = policy
            .parent()
            .and_then(|folder| folder.strip_prefix(root()).ok())
            .map(|folder| {
                let folder = folder.to_string_lossy();
                folder.trim_start_matches("examples/").replace('/', "_")
            })
            .unwrap_or_default();
        insta::assert_snapshot!(
            format!("{name}.drawing"),
            format!(
                "crossings: {}\nedges drawn: {}, shown as badges: {} ({} badges: {})\nsize: {} × {}",
                layout::crossings(&visible),
                visible.len(),
                drawing.transitions.len() - visible.len(),
                drawing.badges.len(),
                kinds.join(", "),
                drawing.width,
                drawing.height
            )
        );
    }
}

#[test]
fn every_implicit_hand_off_and_repair_is_a_badge_on_its_source() {
    let mut repairs = 0;
    for policy in drawn_policies() {
        let compilation = compile_file(&policy);
        let machine = &compilation.machine;
        let drawing = layout::layout(machine);
        let targets = layout::badge_targets(machine);
        assert!(!targets.is_empty(), "{}", policy.display());
        assert!(!targets.contains(&machine.start), "the start is drawn");
        for (id, from, transition, to) in machine.transitions() {
            let routed = &drawing.transitions[id.index()];
            let implicit = layout::implicit_kind(machine, from, &transition.label, to);
            assert_eq!(routed.implicit, implicit);
            let repair = is_repair_transition(machine.state(from), &transition.label);
            repairs += usize::from(repair);
            if targets.contains(&to) || targets.contains(&from) || repair {
                let badge = drawing
                    .badges
                    .iter()
                    .find(|badge| badge.state == from && badge.transitions.contains(&id.index()))
                    .unwrap_or_else(|| panic!("no badge for transition {}", id.index()));
                assert_eq!(Some(&badge.kind), implicit.as_ref());
            } else {
                assert!(
                    routed.points.len() >= 2,
                    "{}: transition {} is drawn",
                    policy.display(),
                    id.index()
                );
            }
        }
    }
    assert!(repairs > 0, "the examples have repairs to draw");
}

#[test]
fn crossings_counts_proper_crossings_only() {
    let cross = vec![
        vec![(0.0, 0.0), (10.0, 10.0)],
        vec![(0.0, 10.0), (10.0, 0.0)],
    ];
    assert_eq!(layout::crossings(&cross), 1);
    // Touching at an end, or running along each other, is not a crossing.
    let touching = vec![
        vec![(0.0, 0.0), (10.0, 10.0)],
        vec![(10.0, 10.0), (20.0, 0.0)],
    ];
    assert_eq!(layout::crossings(&touching), 0);
    let along = vec![vec![(0.0, 0.0), (10.0, 0.0)], vec![(5.0, 0.0), (15.0, 0.0)]];
    assert_eq!(layout::crossings(&along), 0);
}

#[test]
fn the_overlap_checks_find_overlaps() {
    let a: Rect = ("a".into(), 0.0, 0.0, 10.0, 10.0);
    let b: Rect = ("b".into(), 5.0, 5.0, 15.0, 15.0);
    let c: Rect = ("c".into(), 10.0, 0.0, 20.0, 10.0);
    assert!(overlap(&a, &b));
    assert!(!overlap(&a, &c), "sharing a side is not overlapping");
    assert!(runs_through((-5.0, 5.0), (15.0, 5.0), &a));
    assert!(
        !runs_through((5.0, -5.0), (5.0, 0.0), &a),
        "ending on a side"
    );
    assert!(!runs_through((11.0, -5.0), (11.0, 15.0), &a));
}
