//! The machine as a standalone SVG picture, from keel's own [`layout`].
//!
//! Each state is one `<g class="state kind-…">` with `data-id` (its stable
//! id) and `data-lines` (the policy lines behind it), so a page can link the
//! picture and the text both ways. Destructive calls, hand-offs and states an
//! LLM extracted carry extra classes. Implicit transitions (the hand-offs
//! and the conversation repairs keel adds) are badges on their source
//! states (`<g class="badge">`, with the transitions they stand for; a
//! repair's also has the class `repair`) and hidden edges
//! (`class="transition implicit"`) a page shows when a badge is clicked.

use super::layout::{Badge, ImplicitKind, Layout, layout};
use crate::catalog::Effect;
use crate::ir::ExtractedBy;
use crate::machine::{Label, Machine, StateKind};
use crate::source::SourceMap;
use std::fmt::Write;

/// The machine as an SVG document.
pub fn svg(machine: &Machine, sources: &SourceMap) -> String {
    render(machine, sources, &layout(machine))
}

/// The policy lines behind a state, as `source:line` tokens (the source's
/// index among the compiled files, the 1-based line).
pub(crate) fn state_lines(machine: &Machine, sources: &SourceMap, index: usize) -> Vec<String> {
    machine
        .state_at(index)
        .and_then(|state| state.origin.as_ref())
        .map(|origin| {
            let location = sources.location(origin.span);
            (location.line..=location.end_line.max(location.line))
                .map(|line| format!("{}:{line}", origin.span.source.index()))
                .collect()
        })
        .unwrap_or_default()
}

/// Renders a computed layout.
pub(crate) fn render(machine: &Machine, sources: &SourceMap, layout: &Layout) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"machine\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">",
        w = layout.width,
        h = layout.height
    );
    out.push_str(STYLE);
    out.push_str("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\"/></marker></defs>\n");
    let transitions = machine.transitions();
    out.push_str("<g class=\"transitions\">\n");
    for routed in &layout.transitions {
        let Some((_, _, transition, _)) = transitions.get(routed.index) else {
            continue;
        };
        let path: Vec<String> = routed
            .points
            .iter()
            .enumerate()
            .map(|(index, (x, y))| format!("{}{x} {y}", if index == 0 { "M" } else { " L" }))
            .collect();
        let label = transition.label.text();
        let class = match (&routed.implicit, &transition.label) {
            // Drawn only when its badge is clicked.
            (Some(kind), _) => format!("transition implicit{} badge-{}", repair(kind), kind.key),
            (None, Label::Error | Label::NotFound) => "transition failure".into(),
            _ => "transition".into(),
        };
        let back = if routed.back { " back" } else { "" };
        let _ = writeln!(
            out,
            "<g class=\"{class}{back}\" data-index=\"{}\" data-from=\"{}\" data-to=\"{}\" data-label=\"{}\"><path d=\"{}\" marker-end=\"url(#arrow)\"/>",
            routed.index,
            escape(&machine.state(routed.from).id),
            escape(&machine.state(routed.to).id),
            escape(&label),
            path.join("")
        );
        if let Some(placed) = &routed.label {
            let _ = writeln!(
                out,
                "<text class=\"edge-label\" x=\"{}\" y=\"{}\">{}</text>",
                placed.x + 2.0,
                placed.y + 10.5,
                escape(&placed.text)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"states\">\n");
    // The kind each hand-off badges stand for, and each state's badges.
    let mut target_kind: Vec<Option<&ImplicitKind>> = vec![None; layout.states.len()];
    for routed in &layout.transitions {
        if let (Some(kind), Some(slot)) = (&routed.implicit, target_kind.get_mut(routed.to.index()))
        {
            slot.get_or_insert(kind);
        }
    }
    let mut badges_of: Vec<Vec<&Badge>> = vec![Vec::new(); layout.states.len()];
    for badge in &layout.badges {
        if let Some(list) = badges_of.get_mut(badge.state.index()) {
            list.push(badge);
        }
    }
    for (index, placed) in layout.states.iter().enumerate() {
        let state = machine.state(placed.state);
        let mut classes = vec!["state".to_string(), format!("kind-{}", state.kind.name())];
        if matches!(
            state.kind,
            StateKind::Call {
                effect: Effect::Destructive,
                ..
            }
        ) {
            classes.push("destructive".into());
        }
        if state.origin.is_none() {
            classes.push("implicit".into());
        }
        if state
            .origin
            .as_ref()
            .is_some_and(|origin| origin.extracted_by == ExtractedBy::Llm)
        {
            classes.push("llm".into());
        }
        // A hand-off that badges stand for carries its badge's kind and mark.
        let target_of: Option<&ImplicitKind> =
            target_kind.get(placed.state.index()).copied().flatten();
        if let Some(kind) = target_of {
            classes.push(format!("badge-target{} badge-{}", repair(kind), kind.key));
        }
        let lines = state_lines(machine, sources, index);
        let step = state
            .origin
            .as_ref()
            .map_or(String::new(), |origin| origin.step.clone());
        let badge = target_of.map_or(String::new(), |kind| {
            format!(" data-badge=\"{}\"", kind.key)
        });
        let _ = writeln!(
            out,
            "<g class=\"{}\" id=\"state-{index}\" data-id=\"{}\" data-step=\"{}\" data-lines=\"{}\"{badge} tabindex=\"0\"><title>{}</title>",
            classes.join(" "),
            escape(&state.id),
            escape(&step),
            lines.join(" "),
            escape(&state.id)
        );
        let (x, y, w, h) = (placed.x, placed.y, placed.width, placed.height);
        let shape = match state.kind {
            StateKind::Match { .. } | StateKind::Test { .. } => format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{}\"/>",
                (h / 2.0).min(18.0)
            ),
            StateKind::End { .. } | StateKind::Escalate { .. } => {
                format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"12\"/>")
            }
            _ => format!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"4\"/>"),
        };
        out.push_str(&shape);
        for (line, text) in placed.lines.iter().enumerate() {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                x + 10.0,
                y + 18.0 + line as f64 * 15.0,
                escape(text)
            );
        }
        if let Some(kind) = target_of {
            let _ = write!(
                out,
                "<g class=\"badge-mark\"><circle cx=\"{}\" cy=\"{}\" r=\"7\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                x + w - 10.0,
                y + 10.0,
                x + w - 10.0,
                y + 13.5,
                escape(&kind.mark)
            );
        }
        for badge in badges_of.get(placed.state.index()).into_iter().flatten() {
            let _ = write!(
                out,
                "<g class=\"badge{repair} badge-{key}\" data-kind=\"{key}\" data-transitions=\"{}\" tabindex=\"0\"><title>{}</title><circle cx=\"{}\" cy=\"{}\" r=\"7\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                badge
                    .transitions
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
                escape(&badge.kind.title),
                badge.x,
                badge.y,
                badge.x,
                badge.y + 3.5,
                escape(&badge.kind.mark),
                key = badge.kind.key,
                repair = repair(&badge.kind),
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n</svg>\n");
    out
}

const STYLE: &str = "<style>
.state rect { fill: #fff; stroke: #555; stroke-width: 1.2; }
.state text { fill: #222; }
.kind-ask rect { fill: #e8f1ff; stroke: #2b6cb0; }
.kind-call rect { fill: #eef9f0; stroke: #2f855a; }
.kind-match rect, .kind-test rect { fill: #fffbea; stroke: #b7791f; }
.kind-say rect { fill: #f7f7f7; }
.kind-escalate rect { fill: #fff1e6; stroke: #c05621; stroke-width: 2; }
.kind-end rect { fill: #edf2f7; stroke: #2d3748; stroke-width: 2; }
.kind-retry rect { fill: #f3e8ff; stroke: #6b46c1; }
.kind-goto rect { fill: #e6fffa; stroke: #319795; }
.destructive rect { fill: #ffe3e3; stroke: #c53030; stroke-width: 3; }
.implicit rect { stroke-dasharray: 4 3; }
.llm rect { stroke: #d53f8c; stroke-width: 3; stroke-dasharray: 6 2; }
.transition path { fill: none; stroke: #718096; stroke-width: 1.2; }
.transition.failure path { stroke: #dd6b20; }
.transition.back path { stroke: #6b46c1; }
.transition.implicit { display: none; }
.transition.implicit.shown { display: inline; }
.transition.implicit path { stroke: #c05621; stroke-width: 1.6; stroke-dasharray: 5 3; }
.badge circle, .badge-mark circle { fill: #fff1e6; stroke: #c05621; stroke-width: 1.2; }
.badge text, .badge-mark text { fill: #9c4221; font-size: 9px; font-weight: bold; text-anchor: middle; }
.badge.repair circle, .badge-target.repair .badge-mark circle { fill: #f3e8ff; stroke: #6b46c1; }
.badge.repair text, .badge-target.repair .badge-mark text { fill: #553c9a; }
.transition.implicit.repair path { stroke: #6b46c1; }
.badge { cursor: pointer; }
.badge.shown circle { fill: #c05621; }
.badge.shown text { fill: #fff; }
.badge.repair.shown circle { fill: #6b46c1; }
.edge-label { fill: #4a5568; font-size: 10px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.state.selected rect { stroke: #e53e3e; stroke-width: 3; }
.transition.uncovered path { stroke: #e53e3e; stroke-width: 2; stroke-dasharray: 2 2; }
.badge.uncovered circle { stroke: #e53e3e; stroke-width: 2.5; }
</style>
";

/// ` repair` for a kind of conversation repair (drawn in the repair colour).
fn repair(kind: &ImplicitKind) -> &'static str {
    if kind.key.starts_with("repair_") {
        " repair"
    } else {
        ""
    }
}

/// Escapes text for XML.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
