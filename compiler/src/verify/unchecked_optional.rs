//! `K0307 unchecked-optional`.
//!
//! **What it checks.** A field the catalog declares optional (`string?`,
//! `date?`) is not shown to the customer, nor passed to a tool argument that
//! is not itself optional, on a path where nothing proved it holds a value:
//! a presence check (`if $order.tracking_number is set`), a comparison that
//! held, or a match case on it.
//!
//! **Why it matters.** "Your tracking number is ." A shipped order may have
//! no tracking number yet; the policy should say what to tell the customer
//! then. This is a **warning**, not an error: the conversation still takes
//! the path the policy wrote, only the message is incomplete, and the
//! published seed policies do exactly this. `--deny warnings` makes it fail
//! the build.
//!
//! **Example.**
//!
//! ```text
//! 3. If "shipped", inform that the order was shipped and provide the tracking number.
//!    <- tracking_number = "string?": shipped orders may have none yet
//! ```

use super::Check;
use super::context::{Context, expr_paths};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::Path;
use crate::machine::StateKind;
use std::collections::BTreeSet;

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0307",
    name: "unchecked-optional",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, state) in context.reachable_states() {
        let env = context.env(id);
        let mut shown: Vec<(&Path, &str)> = Vec::new();
        match &state.kind {
            StateKind::Say { message }
            | StateKind::Ask {
                prompt: message, ..
            } => {
                shown.extend(message.paths().map(|path| (path, "shows")));
            }
            StateKind::Call { tool, args, .. } => {
                let parameters = context.catalog.tools.get(tool).map(|tool| &tool.args);
                for (name, expr) in args {
                    let optional_parameter = parameters
                        .and_then(|parameters| parameters.get(name))
                        .is_some_and(|ty| ty.is_optional());
                    if !optional_parameter {
                        shown.extend(expr_paths(expr).into_iter().map(|path| (path, "passes")));
                    }
                }
            }
            _ => {}
        }
        let mut reported = BTreeSet::new();
        for (path, verb) in shown {
            if path.0.len() < 2 || env.present.contains(path) || !reported.insert(path) {
                continue;
            }
            let optional = env
                .path_types(path, context.catalog)
                .iter()
                .any(|ty| ty.is_optional());
            if !optional {
                continue;
            }
            let mut diagnostic = Diagnostic::warning(
                CODE,
                format!(
                    "{} {verb} {path}, which may have no value here (the catalog declares it optional)",
                    context.step_of(id)
                ),
            )
            .hint(format!(
                "check it first: `If {path} is set, …; otherwise …`"
            ));
            if let Some(span) = context.span_of(id) {
                diagnostic = diagnostic.at(span);
            }
            diagnostics.push(diagnostic);
        }
    }
}
