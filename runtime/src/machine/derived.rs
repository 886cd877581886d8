//! What loading derives from the whole graph once the states and edges are
//! indexed: which yes/no asks are confirmations (their `yes` reaches a write
//! or destructive call before another question), which question each
//! conversation-repair correction edge goes back to, and the policy's words
//! about each option of a question.

use super::{Edge, EdgeId, Kind, SlotKind, State, StateId, Tool};
use keel_compiler::emit::artifact::Artifact;

/// Marks each yes/no ask whose `yes` reaches a write or destructive call
/// without passing another question. One backward walk from the writing
/// calls, stopping at asks: linear in the machine's size.
pub(super) fn mark_confirmations(states: &mut [State], edges: &[Edge], tools: &[Tool]) {
    let mut incoming: Vec<Vec<StateId>> = vec![Vec::new(); states.len()];
    for edge in edges {
        if let Some(list) = incoming.get_mut(edge.to.0 as usize) {
            list.push(edge.from);
        }
    }
    let writes = |kind: &Kind| match kind {
        Kind::Call { tool, .. } => tools
            .get(usize::from(*tool))
            .is_some_and(|tool| tool.writes),
        _ => false,
    };
    // `leads[s]`: from s a writing call is reached before any question.
    let mut leads = vec![false; states.len()];
    let mut stack: Vec<StateId> = Vec::new();
    for (index, state) in states.iter().enumerate() {
        if writes(&state.kind) {
            leads[index] = true;
            stack.push(StateId(index as u32));
        }
    }
    while let Some(state) = stack.pop() {
        for &from in incoming.get(state.0 as usize).into_iter().flatten() {
            let index = from.0 as usize;
            let is_ask = matches!(
                states.get(index).map(|state| &state.kind),
                Some(Kind::Ask(_))
            );
            if !is_ask && !leads.get(index).copied().unwrap_or(true) {
                leads[index] = true;
                stack.push(from);
            }
        }
    }
    for state in states.iter_mut() {
        if let Kind::Ask(ask) = &mut state.kind {
            if ask.slot == SlotKind::YesNo {
                ask.confirms = ask
                    .yes
                    .and_then(|yes| edges.get(yes.0 as usize))
                    .is_some_and(|edge| leads.get(edge.to.0 as usize).copied().unwrap_or(false));
            }
        }
    }
}

/// Resolves each correction edge's question: the edge leads to a counter
/// whose `again` edge leads to the question.
pub(super) fn link_corrections(
    states: &mut [State],
    edges: &[Edge],
    outgoing: &[Vec<EdgeId>],
    artifact: &Artifact,
) {
    let again = |counter: StateId| {
        outgoing
            .get(counter.0 as usize)
            .into_iter()
            .flatten()
            .find(|edge| artifact.transitions[edge.0 as usize].label == "again")
            .and_then(|edge| edges.get(edge.0 as usize))
            .map(|edge| edge.to)
    };
    let resolve = |corrections: &[(EdgeId, StateId)]| -> Vec<(EdgeId, StateId)> {
        corrections
            .iter()
            .filter_map(|(edge, _)| {
                let counter = edges.get(edge.0 as usize)?.to;
                Some((*edge, again(counter)?))
            })
            .collect()
    };
    for state in states.iter_mut() {
        match &mut state.kind {
            Kind::Ask(ask) => ask.corrections = resolve(&ask.corrections),
            Kind::End { reopen, .. } => reopen.corrections = resolve(&reopen.corrections),
            _ => {}
        }
    }
}

/// Gives each options question the policy's words about its options: the
/// source text of the step each option's edge leads to, when that step is
/// written under the question's own (step `2.3` under `2`). All or none:
/// an option without such a step leaves the question without descriptions.
pub(super) fn describe_options(states: &mut [State], edges: &[Edge], artifact: &Artifact) {
    for (index, state) in states.iter_mut().enumerate() {
        let Kind::Ask(ask) = &mut state.kind else {
            continue;
        };
        if ask.slot != SlotKind::Options || ask.options.is_empty() {
            continue;
        }
        let Some(own) = artifact
            .states
            .get(index)
            .and_then(|entry| entry.source.as_ref())
        else {
            continue;
        };
        let described: Option<Vec<Box<str>>> = ask
            .options
            .iter()
            .map(|(_, edge)| {
                let target = edges.get(edge.0 as usize)?.to;
                let source = artifact.states.get(target.0 as usize)?.source.as_ref()?;
                let under = source
                    .step
                    .strip_prefix(own.step.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
                    && source.file == own.file;
                under.then(|| source.text.clone().into_boxed_str())
            })
            .collect();
        ask.descriptions = described.unwrap_or_default();
    }
}
