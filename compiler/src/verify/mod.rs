//! `&Machine` → diagnostics: the semantic checks of DESIGN §5.
//!
//! Verification only reads the machine; it never changes it. The shared
//! analyses (reachability, the dataflow of bindings, dominance over split
//! transitions) are computed once in [`context`] and [`dominance`]; each
//! check is one module with a stable code, listed in [`CHECKS`] in the order
//! they run. Every check appends to one list: all problems are reported at
//! once, never only the first.
//!
//! Checks of names the front end already resolves (`@tool`, `#Policy`,
//! `$var`, literals outside an enum's domain with a did-you-mean) are
//! reported by extraction (`K0104`, `K0105`, `K0108`, `K0113`); the checks
//! here are about what the machine *does*.

mod bounds;
mod context;
mod dominance;
mod guarantees;

mod customer_data_before_identity;
mod dead_end_state;
mod ending_without_outcome;
mod handoff_without_reason;
mod missing_enum_case;
mod no_human_from_ask;
mod overlapping_cases;
mod policy_recursion;
mod raw_carrier_code;
mod type_mismatch;
mod unbound_variable;
mod unbounded_loop;
mod unchecked_optional;
mod unconfirmed_destructive_call;
mod unhandled_tool_error;
mod unowned_record;
mod unreachable_state;

pub use bounds::Bounds;
pub use guarantees::Guarantee;

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::{Machine, StateId};
use context::Context;

/// What verification found: every diagnostic, and the static bounds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verification {
    /// Every problem, in check order.
    pub diagnostics: Vec<Diagnostic>,
    /// The static bounds on user turns and bot actions.
    pub bounds: Bounds,
    /// Each reachable hand-off with the context it carries: the variables
    /// bound on every path to it, for the agent's summary.
    pub handoffs: Vec<(StateId, Vec<String>)>,
    /// What was proved about each destructive tool's calls.
    pub guarantees: Vec<Guarantee>,
}

/// One check: its code and the function that runs it.
pub(crate) struct Check {
    /// The stable code.
    pub(crate) code: Code,
    /// Appends what it finds.
    pub(crate) run: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

/// Every check, in the order it runs.
pub(crate) const CHECKS: &[Check] = &[
    unreachable_state::CHECK,
    dead_end_state::CHECK,
    unbounded_loop::CHECK,
    policy_recursion::CHECK,
    missing_enum_case::CHECK,
    overlapping_cases::CHECK,
    unbound_variable::CHECK,
    unchecked_optional::CHECK,
    type_mismatch::CHECK,
    unhandled_tool_error::CHECK,
    no_human_from_ask::CHECK,
    unconfirmed_destructive_call::CHECK,
    customer_data_before_identity::CHECK,
    handoff_without_reason::CHECK,
    unowned_record::CHECK,
    raw_carrier_code::CHECK,
    ending_without_outcome::CHECK,
];

/// The codes of every check, in order (for documentation and tests).
pub fn codes() -> Vec<Code> {
    CHECKS.iter().map(|check| check.code).collect()
}

/// Runs every check and returns all diagnostics at once, with the bounds.
pub fn verify(machine: &Machine, catalog: &Catalog) -> Verification {
    let context = Context::new(machine, catalog);
    let mut diagnostics = Vec::new();
    for check in CHECKS {
        (check.run)(&context, &mut diagnostics);
    }
    Verification {
        guarantees: guarantees::guarantees(&context, &diagnostics),
        diagnostics,
        bounds: bounds::bounds(&context),
        handoffs: handoff_without_reason::handoffs(&context),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Source;

    /// Compiles one policy text against a small catalog.
    pub(crate) fn compile_text(policy: &str) -> crate::Compilation {
        let catalog = Source::new("catalog.toml", CATALOG);
        crate::compile(&[Source::new("test.policy.md", policy)], &[catalog])
    }

    /// Verifies one policy text against a small catalog.
    pub(crate) fn verify_text(policy: &str) -> Verification {
        let compilation = compile_text(policy);
        verify(&compilation.machine, &compilation.catalog)
    }

    /// A policy that asks, looks up and hands off: every kind of edge the
    /// lowering guarantees, to damage in tests.
    pub(crate) const LOOKUP: &str = "1. Ask for the user's email address.\n2. Use @find_customer to check if the customer exists.\n3. Route to an agent for further investigation.\n";

    /// The verifier codes found after `damage` changes the compiled machine.
    pub(crate) fn codes_after(damage: impl FnOnce(&mut Machine)) -> Vec<&'static str> {
        let mut compilation = compile_text(LOOKUP);
        assert!(
            verify(&compilation.machine, &compilation.catalog)
                .diagnostics
                .is_empty()
        );
        damage(&mut compilation.machine);
        verify(&compilation.machine, &compilation.catalog)
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.code.id)
            .collect()
    }

    /// The codes of what a policy text gets, verifier codes only.
    pub(crate) fn codes_of(policy: &str) -> Vec<&'static str> {
        verify_text(policy)
            .diagnostics
            .iter()
            .map(|diagnostic| diagnostic.code.id)
            .collect()
    }

    // The same catalog the data-driven verifier tests use.
    const CATALOG: &str = include_str!("../../tests/data/verify/catalog.toml");

    #[test]
    fn codes_are_unique_and_in_the_verifier_range() {
        let codes = codes();
        let mut ids: Vec<&str> = codes.iter().map(|code| code.id).collect();
        assert!(ids.iter().all(|id| id.starts_with("K03")));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), codes.len());
    }
}
