//! The machine as a standalone SVG picture, from keel's own [`layout`].
//!
//! Each state is one `<g class="state kind-…">` with `data-id` (its stable
//! id) and `data-lines` (the policy lines behind it), so a page can link the
//! picture and the text both ways. Destructive calls, hand-offs and states an
//! LLM extracted carry extra classes.

use super::layout::{Layout, layout};
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
        let class = match transition.label {
            Label::HumanRequested | Label::RetryExhausted => "transition global",
            Label::Error | Label::NotFound => "transition failure",
            _ => "transition",
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
        if !matches!(
            transition.label,
            Label::Next | Label::HumanRequested | Label::RetryExhausted
        ) {
            let (x, y) = label_point(&routed.points);
            let _ = writeln!(
                out,
                "<text class=\"edge-label\" x=\"{x}\" y=\"{y}\">{}</text>",
                escape(&short(&label, 28))
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"states\">\n");
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
        let lines = state_lines(machine, sources, index);
        let _ = writeln!(
            out,
            "<g class=\"{}\" id=\"state-{index}\" data-id=\"{}\" data-lines=\"{}\" tabindex=\"0\"><title>{}</title>",
            classes.join(" "),
            escape(&state.id),
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
.transition.global path { stroke: #cbd5e0; stroke-dasharray: 3 3; }
.transition.failure path { stroke: #dd6b20; }
.transition.back path { stroke: #6b46c1; }
.edge-label { fill: #4a5568; font-size: 10px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.state.selected rect { stroke: #e53e3e; stroke-width: 3; }
.transition.uncovered path { stroke: #e53e3e; stroke-width: 2; stroke-dasharray: 2 2; }
</style>
";

/// Where an edge's label goes: along its first segment, near the source.
fn label_point(points: &[(f64, f64)]) -> (f64, f64) {
    match points {
        [first, second, ..] => (
            ((first.0 * 2.0 + second.0) / 3.0 + 4.0).round(),
            ((first.1 * 2.0 + second.1) / 3.0).round(),
        ),
        [only] => *only,
        [] => (0.0, 0.0),
    }
}

fn short(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        text.to_string()
    } else {
        let cut: String = text.chars().take(limit).collect();
        format!("{cut}…")
    }
}

/// Escapes text for XML.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
