//! Renderers of a compiled machine: the JSON artifact, DOT, Mermaid, SVG and
//! the HTML review page.

pub mod artifact;
mod dot;
mod html;
pub mod layout;
mod mermaid;
mod plain;
mod svg;

pub use dot::dot;
pub use html::{ReviewOptions, review_page};
pub use mermaid::mermaid;
pub use plain::plain;
pub use svg::svg;

use crate::machine::{State, StateKind};

/// A short label for a state in graph views: step, kind and gist.
pub(crate) fn state_label(state: &State) -> String {
    let step = state
        .origin
        .as_ref()
        .map_or(String::new(), |origin| format!("{} ", origin.step));
    let gist = match &state.kind {
        StateKind::Ask { var, slot, .. } => format!("ask ${var} ({})", slot_gist(slot)),
        StateKind::Call { tool, effect, .. } => match effect {
            crate::catalog::Effect::Destructive => format!("call @{tool} [DESTRUCTIVE]"),
            crate::catalog::Effect::Write => format!("call @{tool} [write]"),
            crate::catalog::Effect::Read => format!("call @{tool}"),
        },
        StateKind::Match { subject, .. } => format!("match {subject}"),
        StateKind::Test { condition, .. } => format!("test {condition}"),
        StateKind::Say { message } => format!("say: {}", shorten(&message.to_string(), 70)),
        StateKind::Set { var, value } => shorten(&format!("set ${var} = {value}"), 70),
        StateKind::Escalate { reason, ticket, .. } => {
            format!(
                "{}: {}",
                if *ticket { "ticket" } else { "hand-off" },
                shorten(reason, 50)
            )
        }
        StateKind::End { outcome } => format!("end: {outcome}"),
        StateKind::Retry { limit, .. } => repair_counter(state).map_or_else(
            || format!("retry at most {limit}"),
            |what| format!("{what}: at most {limit}"),
        ),
        StateKind::Wait { wording, .. } => format!("wait {wording}"),
        StateKind::Goto { policy, section } => match section {
            Some(section) => format!("#{policy} ({section})"),
            None => format!("#{policy}"),
        },
    };
    let marker = match state.origin.as_ref().map(|origin| origin.extracted_by) {
        Some(crate::ir::ExtractedBy::Llm) => " [LLM: review]",
        _ => "",
    };
    format!("{step}{gist}{marker}")
}

/// What a conversation repair's counter counts (`start over`, `corrections
/// of 1.ask`), or `None` for any other state.
fn repair_counter(state: &State) -> Option<String> {
    if !crate::machine::is_repair_state(state) {
        return None;
    }
    let local = state
        .id
        .strip_prefix(&format!("{}:", state.policy))
        .unwrap_or(&state.id);
    if let Some(question) = local.strip_suffix(".corrections") {
        Some(format!("corrections of {question}"))
    } else {
        local
            .starts_with("start_over")
            .then(|| "start over".to_string())
    }
}

fn slot_gist(slot: &crate::ir::Slot) -> String {
    match slot {
        crate::ir::Slot::Item(list) => format!("item of {list}"),
        crate::ir::Slot::Items(list) => format!("items of {list}"),
        crate::ir::Slot::Options(options) => format!("{} options", options.len()),
        other => other.name(),
    }
}

fn shorten(text: &str, limit: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= limit {
        flat
    } else {
        let cut: String = flat.chars().take(limit).collect();
        format!("{cut}…")
    }
}
