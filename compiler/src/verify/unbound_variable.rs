//! `K0306 unbound-variable`.
//!
//! **What it checks.** Definite assignment, by dataflow over the graph: no
//! state reads a variable (in a tool argument, a message, a match subject, a
//! condition, a list to choose from) on a path where it was never bound. A
//! tool's result is bound only on its `ok` transition, so a `T?` result is
//! unbound where the tool found nothing; an answer is bound only when the
//! customer gave one.
//!
//! **Why it matters.** At run time an unbound read is a message with a hole
//! in it or a tool called with nothing; both look like the bot making things
//! up. It happens when a step is reached from two branches and only one of
//! them looked the value up.
//!
//! **Example.**
//!
//! ```text
//! 2. Use @find_customer to check the customer exists.
//! 3. If the email address is not found, inform that their id is $customer.id.
//! ```

use super::Check;
use super::context::{Context, reads};
use crate::diagnostic::{Code, Diagnostic};
use std::collections::BTreeSet;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0306",
    name: "unbound-variable",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    // Every variable some state binds, gathered once (not once per finding:
    // a policy of 10,000 steps may have as many findings).
    let mut ever_bound_roots: Option<BTreeSet<&str>> = None;
    for (id, state) in context.reachable_states() {
        let env = context.env(id);
        let mut reported = BTreeSet::new();
        for (path, _) in reads(&state.kind) {
            let root = path.root();
            if env.bound.contains_key(root) || !reported.insert(root) {
                continue;
            }
            let ever_bound = ever_bound_roots
                .get_or_insert_with(|| {
                    context
                        .facts
                        .values()
                        .flat_map(|env| env.bound.keys().map(|key| key.as_ref()))
                        .chain(
                            context
                                .machine
                                .states()
                                .filter_map(|(_, other)| super::context::binds(&other.kind)),
                        )
                        .collect()
                })
                .contains(root);
            let why = if ever_bound {
                "on some path to it"
            } else {
                "on every path to it"
            };
            let mut diagnostic = Diagnostic::error(
                CODE,
                format!(
                    "the {} at {} reads {path}, which is not bound {why}",
                    state.kind.name(),
                    context.step_of(id)
                ),
            )
            .hint(format!(
                "ask for or look up ${root} before this step on every branch that leads here"
            ));
            if let Some(span) = context.span_of(id) {
                diagnostic = diagnostic.at(span);
            }
            diagnostics.push(diagnostic);
        }
    }
}
