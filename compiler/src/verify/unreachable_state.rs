//! `K0301 unreachable-state`.
//!
//! **What it checks.** Every state written in the policy can be reached from
//! the start of the machine.
//!
//! **Why it matters.** A step that can never run is text reviewers read and
//! believe, while the machine never does it: the policy does less than it
//! says. It is usually a step placed after a hand-off or an end.
//!
//! **Example.**
//!
//! ```text
//! 1. Ask for the user's email address.
//! 2. Route to an agent.
//! 3. Inform the customer that we will call back.   <- never runs
//! ```

use super::Check;
use super::context::Context;
use crate::diagnostic::{Code, Diagnostic};
use std::collections::BTreeSet;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0301",
    name: "unreachable-state",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let mut reported = BTreeSet::new();
    for (id, state) in context.machine.states() {
        if context.reachable.contains(&id) {
            continue;
        }
        // States keel adds are reachable whenever the states that need them
        // are; only text the author wrote is reported, once per span.
        let Some(origin) = &state.origin else {
            continue;
        };
        if !reported.insert(origin.span) {
            continue;
        }
        diagnostics.push(
            Diagnostic::error(
                CODE,
                format!(
                    "step {} can never run: no path from the start reaches it",
                    origin.step
                ),
            )
            .at(origin.span)
            .hint("move it before the hand-off or end that precedes it, or remove it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::verify::tests::codes_of;

    #[test]
    fn a_step_after_a_hand_off_is_unreachable() {
        let codes = codes_of(
            "1. Ask for the user's email address.\n2. Route to an agent.\n3. Inform the customer that we will call back.\n",
        );
        assert!(codes.contains(&"K0301"), "{codes:?}");
    }
}
