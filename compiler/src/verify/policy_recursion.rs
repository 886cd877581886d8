//! `K0309 unbounded-policy-recursion`.
//!
//! **What it checks.** `#Policy` references form no unbounded recursion: no
//! cycle of the machine that passes a reference to another policy (`proceed
//! as described in #Other`) is left unbounded by a counter. A cycle that never
//! passes a user turn is the worst case (the bot would jump between policies
//! forever); one through user turns may still never end.
//!
//! **Why it matters.** Policies that hand over to each other are written by
//! different people at different times; a cycle between them is invisible in
//! either text and only shows in the linked graph.
//!
//! **Example.**
//!
//! ```text
//! policy a: 1. If the order is not found, proceed as described in #b.
//! policy b: 1. Proceed as described in #a.
//! ```

use super::Check;
use super::context::Context;
use super::unbounded_loop::{passes_goto, report, unbounded_cycles};
use crate::diagnostic::{Code, Diagnostic};

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0309",
    name: "unbounded-policy-recursion",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for cycle in unbounded_cycles(context) {
        if !passes_goto(context, &cycle) {
            continue;
        }
        diagnostics.push(report(
            context,
            CODE,
            &cycle,
            "these `#Policy` references lead back to where they started with no counter bounding them",
            "end or hand off instead of going back, or bound the way back with \"if … still …\"",
        ));
    }
}
