//! `K0317 ending-without-outcome` (a warning).
//!
//! **What it checks.** Every reachable ending says how the conversation
//! went. `End the conversation.` — and the implicit ending after a
//! policy's last step — name no outcome: such a session is recorded as
//! `ended`, which the KPIs do not count as resolved (unless the customer's
//! last answer was an explicit yes: then they confirmed it). One warning
//! per ending, at its sentence, or for the implicit ending at the step
//! that leads to it.
//!
//! **Why it matters.** Seed 003 warns that deflection is not resolution: a
//! conversation that ended after "we could not find you" must not raise
//! the true resolution rate. Saying the outcome where the customer's issue
//! is settled is what makes the rate honest.
//!
//! **Example.** `4. Inform the customer that the order was shipped.` as a
//! policy's last step: write `… and end the conversation as resolved.`

use super::Check;
use super::context::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::StateKind;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0317",
    name: "ending-without-outcome",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, state) in context.reachable_states() {
        let StateKind::End { outcome } = &state.kind else {
            continue;
        };
        if outcome != "ended" {
            continue;
        }
        let place = match &state.origin {
            Some(origin) => format!("step {}", origin.step),
            None => format!("the end of #{}", state.policy),
        };
        let mut diagnostic = Diagnostic::warning(
            CODE,
            format!(
                "the conversation ends at {place} with no outcome: it counts as `ended`, not resolved, unless the customer's last answer was yes"
            ),
        )
        .hint("say how it went where the issue is settled: `end the conversation as resolved`");
        if let Some(span) = context.span_of(id) {
            diagnostic = diagnostic.at(span);
        }
        diagnostics.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::verify::tests::codes_of;

    #[test]
    fn plain_and_implicit_endings_are_warned_and_stated_ones_are_not() {
        assert_eq!(
            codes_of("1. Say hello.\n2. End the conversation.\n"),
            ["K0317"]
        );
        assert_eq!(codes_of("1. Say hello.\n"), ["K0317"]);
        assert!(codes_of("1. Say hello.\n2. End the conversation as resolved.\n").is_empty());
        assert!(codes_of("1. Say hello.\n2. Resolve the ticket.\n").is_empty());
    }
}
