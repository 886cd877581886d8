//! `K0313 customer-data-before-identity`.
//!
//! **What it checks.** Every call of a tool the catalog marks
//! `customer_data = true` is dominated by the `ok` transition of a call of a
//! tool marked `verifies_identity = true`: on every path from the start, the
//! customer's identity was established before their data is read or changed.
//! As for confirmations, the `ok` transitions are split into nodes of their
//! own and petgraph's dominators decide.
//!
//! **Why it matters.** Showing one customer's orders to another is a data
//! breach. A policy that looks orders up by an email typed into the chat,
//! without first checking that the account exists and belongs to the person
//! talking, must not compile.
//!
//! **Example.**
//!
//! ```text
//! 1. Ask for the user's email address.
//! 2. Use @get_orders to retrieve the user's recent orders.   <- no identity check first
//! ```

use super::Check;
use super::context::Context;
use super::dominance::SplitGraph;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::{Label, StateKind};

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0313",
    name: "customer-data-before-identity",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let tool_of = |kind: &StateKind| match kind {
        StateKind::Call { tool, .. } => context.catalog.tools.get(tool),
        _ => None,
    };
    let sensitive: Vec<_> = context
        .reachable_states()
        .filter(|(_, state)| tool_of(&state.kind).is_some_and(|tool| tool.customer_data))
        .map(|(id, _)| id)
        .collect();
    if sensitive.is_empty() {
        return;
    }
    let split = SplitGraph::new(context, &|from, label| {
        *label == Label::Ok
            && tool_of(&context.state(from).kind).is_some_and(|tool| tool.verifies_identity)
    });
    let identity_tools: Vec<String> = context
        .catalog
        .tools
        .values()
        .filter(|tool| tool.verifies_identity)
        .map(|tool| format!("@{}", tool.name))
        .collect();
    for call in sensitive {
        if split.dominating_edges(call).next().is_some() {
            continue;
        }
        let StateKind::Call { tool, .. } = &context.state(call).kind else {
            continue;
        };
        let mut diagnostic = Diagnostic::error(
            CODE,
            format!(
                "@{tool} reads customer data, but on some path the customer's identity was not verified before it"
            ),
        )
        .hint(match identity_tools.first() {
            Some(identity) => format!("call {identity} first and continue only when it finds the customer"),
            None => "mark a tool `verifies_identity = true` in the catalog and call it first".to_string(),
        });
        if let Some(span) = context.span_of(call) {
            diagnostic = diagnostic.at(span);
        }
        diagnostics.push(diagnostic);
    }
}
