//! `K0310 unhandled-tool-error`.
//!
//! **What it checks.** Every call has an `error` transition, and every call
//! of a tool that may find nothing (a `T?` or list result) has a `not found`
//! transition. Lowering adds both as visible hand-offs when the policy says
//! nothing, so on compiled policies this is a consistency check of the
//! machine: the implicit default is always in the graph, never in the
//! runtime's head.
//!
//! **Why it matters.** Tools fail: timeouts, rate limits, a store that is
//! down. A machine with no transition for that outcome would be stuck with
//! the customer waiting; DESIGN §5.8 requires the default (escalate) to be
//! visible to reviewers.
//!
//! **Example.** A machine built by another front end, or an edited
//! artifact, with `call @cancel_order` and only an `ok` edge.

use super::Check;
use super::context::Context;
use crate::catalog::Type;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::{Label, StateKind};

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0310",
    name: "unhandled-tool-error",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, state) in context.reachable_states() {
        let StateKind::Call { tool, .. } = &state.kind else {
            continue;
        };
        let labels: Vec<Label> = context
            .machine
            .transitions_from(id)
            .into_iter()
            .map(|(_, transition, _)| transition.label.clone())
            .collect();
        let may_find_nothing = context.catalog.tools.get(tool).is_some_and(|tool| {
            tool.returns.is_optional() || matches!(tool.returns, Type::List(_))
        });
        let mut missing = Vec::new();
        if !labels.contains(&Label::Error) {
            missing.push("fails");
        }
        if may_find_nothing && !labels.contains(&Label::NotFound) {
            missing.push("finds nothing");
        }
        if missing.is_empty() {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            CODE,
            format!(
                "nothing says what happens when @{tool} {} ({})",
                missing.join(" or "),
                context.step_of(id)
            ),
        )
        .hint(format!("add `If @{tool} fails, route to an agent.`"));
        if let Some(span) = context.span_of(id) {
            diagnostic = diagnostic.at(span);
        }
        diagnostics.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::machine::Label;
    use crate::verify::tests::codes_after;

    #[test]
    fn a_call_without_an_error_edge_is_reported() {
        let codes = codes_after(|machine| {
            machine
                .graph_mut()
                .retain_edges(|graph, edge| graph[edge].label != Label::Error);
        });
        assert!(codes.contains(&"K0310"), "{codes:?}");
    }

    #[test]
    fn a_lookup_without_a_not_found_edge_is_reported() {
        let codes = codes_after(|machine| {
            machine
                .graph_mut()
                .retain_edges(|graph, edge| graph[edge].label != Label::NotFound);
        });
        assert!(codes.contains(&"K0310"), "{codes:?}");
    }
}
