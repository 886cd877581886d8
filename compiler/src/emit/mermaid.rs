//! Mermaid flowchart of a machine.

use super::state_label;
use crate::machine::{Label, Machine, StateKind};

/// The machine as a Mermaid `flowchart TD`. States are numbered `s0…` in
/// reading order; each enum case is its own labelled edge.
pub fn mermaid(machine: &Machine) -> String {
    let mut out = String::from("flowchart TD\n");
    for (id, state) in machine.states() {
        let label = escape(&state_label(state));
        let (open, close) = match state.kind {
            StateKind::Ask { .. } => ("([", "])"),
            StateKind::Call { .. } => ("[[", "]]"),
            StateKind::Match { .. } | StateKind::Test { .. } => ("{", "}"),
            StateKind::Say { .. } | StateKind::Set { .. } => ("[", "]"),
            StateKind::Escalate { .. } => ("{{", "}}"),
            StateKind::End { .. } => ("((", "))"),
            StateKind::Retry { .. } => ("[/", "/]"),
            StateKind::Goto { .. } => (">", "]"),
            StateKind::Wait { .. } => ("[(", ")]"),
        };
        out.push_str(&format!("  s{}{open}\"{label}\"{close}\n", id.index()));
    }
    for (_, from, transition, to) in machine.transitions() {
        let label = match &transition.label {
            Label::Case(values) => values.join(" or "),
            Label::Option(option) => option.clone(),
            other => other.text(),
        };
        out.push_str(&format!(
            "  s{} -->|\"{}\"| s{}\n",
            from.index(),
            escape(&label),
            to.index()
        ));
    }
    for (id, state) in machine.states() {
        let class = match &state.kind {
            StateKind::Call {
                effect: crate::catalog::Effect::Destructive,
                ..
            } => "destructive",
            StateKind::Escalate { .. } => "handoff",
            _ => continue,
        };
        out.push_str(&format!("  class s{} {class}\n", id.index()));
    }
    out.push_str("  classDef destructive fill:#fdd,stroke:#c00,stroke-width:2px\n");
    out.push_str("  classDef handoff fill:#ffe9c7,stroke:#b60\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('\n', " ")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}
