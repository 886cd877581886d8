//! `K0314 handoff-without-reason`.
//!
//! **What it checks.** Every hand-off carries a reason and a queue, and the
//! context collected so far travels with it. The context of a hand-off is
//! computed here by the dataflow: the collected data bound on every path to
//! it (the email given, the customer found, the order chosen, …; yes/no
//! answers are left out unless read), returned in
//! [`Verification::handoffs`](super::Verification::handoffs) for the
//! artifact and the runtime's summary to the agent. A hand-off with no
//! reason, or no queue, is an error.
//!
//! **Why it matters.** An agent who receives a conversation with no reason
//! and no context asks the customer everything again, which is the failure
//! the WISMO article measures. The reason is the "why", the context the
//! "what we already know".
//!
//! **Example.** A machine whose escalate state has an empty reason; the
//! front end always writes one (the author's words, or the condition that
//! led there), so this guards machines from other sources.

use super::Check;
use super::context::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::{StateId, StateKind};

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0314",
    name: "handoff-without-reason",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, state) in context.reachable_states() {
        let StateKind::Escalate { reason, queue, .. } = &state.kind else {
            continue;
        };
        let mut missing = Vec::new();
        if reason.trim().is_empty() {
            missing.push("a reason");
        }
        if queue.trim().is_empty() {
            missing.push("a queue");
        }
        if missing.is_empty() {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            CODE,
            format!(
                "the hand-off at {} has no {}: the agent would not know why, or who takes it",
                context.step_of(id),
                missing.join(" and ").trim_start_matches("a ")
            ),
        )
        .hint("say why: `route to an agent for further investigation`");
        if let Some(span) = context.span_of(id) {
            diagnostic = diagnostic.at(span);
        }
        diagnostics.push(diagnostic);
    }
}

/// Each reachable hand-off with the variables bound on every path to it.
pub(crate) fn handoffs(context: &Context<'_>) -> Vec<(StateId, Vec<String>)> {
    context
        .reachable_states()
        .filter(|(_, state)| matches!(state.kind, StateKind::Escalate { .. }))
        .map(|(id, _)| (id, context.env(id).bound.keys().cloned().collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::verify::tests::verify_text;

    #[test]
    fn hand_offs_carry_what_was_collected() {
        let verification = verify_text(
            "1. Ask for the user's email address.\n2. Route to an agent for further investigation.\n",
        );
        assert!(
            verification.diagnostics.is_empty(),
            "{:?}",
            verification.diagnostics
        );
        let contexts: Vec<&Vec<String>> =
            verification.handoffs.iter().map(|(_, vars)| vars).collect();
        assert!(
            contexts.contains(&&vec!["email".to_string()]),
            "{contexts:?}"
        );
    }
}

#[cfg(test)]
mod damaged {
    use crate::machine::StateKind;
    use crate::verify::tests::codes_after;

    #[test]
    fn a_hand_off_without_a_reason_is_reported() {
        let codes = codes_after(|machine| {
            for state in machine.graph_mut().node_weights_mut() {
                if let StateKind::Escalate { reason, .. } = &mut state.kind {
                    reason.clear();
                }
            }
        });
        assert!(codes.contains(&"K0314"), "{codes:?}");
    }
}
