//! Graphviz DOT of a machine.

use super::state_label;
use crate::machine::{Machine, StateKind};

/// The machine as a DOT digraph, states named by their stable ids.
pub fn dot(machine: &Machine) -> String {
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n",
        escape(machine.name())
    );
    for (_, state) in machine.states() {
        let shape = match state.kind {
            StateKind::Ask { .. } => "box, style=rounded",
            StateKind::Call { .. } => "box, peripheries=2",
            StateKind::Match { .. } | StateKind::Test { .. } => "diamond",
            StateKind::Say { .. } => "box",
            StateKind::Set { .. } => "box, style=dashed",
            StateKind::Escalate { .. } => "hexagon, style=filled, fillcolor=\"#ffe9c7\"",
            StateKind::End { .. } => "doublecircle",
            StateKind::Retry { .. } => "parallelogram",
            StateKind::Goto { .. } => "cds",
            StateKind::Wait { .. } => "box, style=dashed",
        };
        let destructive = matches!(
            state.kind,
            StateKind::Call {
                effect: crate::catalog::Effect::Destructive,
                ..
            }
        );
        let emphasis = if destructive {
            ", color=red, penwidth=2"
        } else {
            ""
        };
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\", shape={shape}{emphasis}];\n",
            escape(&state.id),
            escape(&state_label(state))
        ));
    }
    for (_, from, transition, to) in machine.transitions() {
        out.push_str(&format!(
            "  \"{}\" -> \"{}\" [label=\"{}\"];\n",
            escape(&machine.state(from).id),
            escape(&machine.state(to).id),
            escape(&transition.label.text())
        ));
    }
    out.push_str("}\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
