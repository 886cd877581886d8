//! `K0312 unconfirmed-destructive-call`.
//!
//! **What it checks.** Every call of a tool whose catalog effect is
//! `destructive` (cancel, refund) is preceded, on every path, by the `yes`
//! answer to a yes/no question whose prompt shows the call's arguments, and
//! none of those arguments is bound again between that answer and the call.
//!
//! Precisely: in the machine graph with each `yes` transition split into a
//! node of its own, the call must be dominated (petgraph's `simple_fast`)
//! by such a node `Y`, and no state that binds an argument's variable may
//! lie on a path from `Y` to the call that does not pass `Y` again. So a loop
//! that cancels several orders must confirm each one: choosing the next
//! order rebinds `$order` after the first confirmation.
//!
//! *Shows the arguments* is judged on variables: an argument `$order.id`
//! is shown when the prompt displays `$order` or any field of it
//! (`$order.increment_id`, `$order.created_at`, …). The customer confirms
//! the record they are shown, by the fields that are meaningful to them,
//! while the tool is called with its internal key; what must not happen is
//! confirming one record and acting on another, which the no-rebinding rule
//! excludes. Literal arguments are fixed by the policy text and need no
//! confirmation.
//!
//! **Why it matters.** Cancellations and refunds cannot be undone. The one
//! guarantee a support lead needs before letting a bot near them is that the
//! customer said yes to *this* order, which keel proves rather than hopes.
//!
//! **Example.**
//!
//! ```text
//! 3. Use @cancel_order to cancel the order.   <- nobody asked the customer
//! ```

use super::Check;
use super::context::{Context, binds, expr_paths};
use super::dominance::SplitGraph;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::Slot;
use crate::machine::{Label, StateId, StateKind};
use std::collections::BTreeSet;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0312",
    name: "unconfirmed-destructive-call",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let destructive: Vec<StateId> = context.destructive_calls().map(|(id, _)| id).collect();
    if destructive.is_empty() {
        return;
    }
    let split = SplitGraph::new(context, &|from, label| {
        *label == Label::Yes
            && matches!(
                context.state(from).kind,
                StateKind::Ask {
                    slot: Slot::YesNo,
                    ..
                }
            )
    });
    for call in destructive {
        if let Some(diagnostic) = check_call(context, &split, call) {
            diagnostics.push(diagnostic);
        }
    }
}

#[allow(clippy::question_mark)] // `return None` means "confirmed", not a failure.
fn check_call(context: &Context<'_>, split: &SplitGraph, call: StateId) -> Option<Diagnostic> {
    let StateKind::Call { tool, args, .. } = &context.state(call).kind else {
        return None;
    };
    let roots: BTreeSet<String> = args
        .iter()
        .flat_map(|(_, expr)| expr_paths(expr))
        .map(|path| path.root().to_string())
        .collect();
    let shown_as: Vec<String> = roots.iter().map(|root| format!("${root}")).collect();
    let mut problem: Option<(String, Option<StateId>)> = None;
    for (edge, ask, _) in split.dominating_edges(call) {
        let StateKind::Ask { prompt, .. } = &context.state(ask).kind else {
            continue;
        };
        let shown: BTreeSet<&str> = prompt.paths().map(|path| path.root()).collect();
        let hidden: Vec<String> = roots
            .iter()
            .filter(|root| !shown.contains(root.as_str()))
            .map(|root| format!("${root}"))
            .collect();
        if !hidden.is_empty() {
            problem.get_or_insert((
                format!(
                    "the confirmation at {} does not show {}, which @{tool} acts on",
                    context.step_of(ask),
                    hidden.join(", ")
                ),
                Some(ask),
            ));
            continue;
        }
        let rebinders = split.binders_between(context, edge, call, &roots);
        let Some(&rebinder) = rebinders.first() else {
            // Shown, and nothing rebinds it before the call: confirmed.
            return None;
        };
        let var = binds(&context.state(rebinder).kind).unwrap_or_default();
        problem.get_or_insert((
            format!(
                "${var} can change at {} after the customer confirmed at {}, so the yes may be about another value",
                context.step_of(rebinder),
                context.step_of(ask)
            ),
            Some(ask),
        ));
    }
    let (why, confirmation) = problem.unwrap_or_else(|| {
        (
            "no yes/no question is answered yes on every path to it".to_string(),
            None,
        )
    });
    let mut diagnostic = Diagnostic::error(
        CODE,
        format!("@{tool} is destructive and may run without the customer's explicit yes: {why}"),
    )
    .hint(if shown_as.is_empty() {
        format!("ask \"Do you want to …?\" and call @{tool} only if yes")
    } else {
        format!(
            "ask \"Do you want to … {}?\" right before, and call @{tool} only if yes",
            shown_as.join(", ")
        )
    });
    if let Some(span) = context.span_of(call) {
        diagnostic = diagnostic.at(span);
    }
    if let Some(span) = confirmation.and_then(|ask| context.span_of(ask)) {
        diagnostic = diagnostic.note(Some(span), "the confirmation");
    }
    Some(diagnostic)
}
