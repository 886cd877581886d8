//! `K0315 unowned-record`.
//!
//! **What it checks.** Every argument of a call of a tool whose catalog
//! effect is `destructive` comes from the policy or from the verified
//! customer — never straight from what the customer typed. Values are
//! tagged as they flow along the machine's transitions (a forward dataflow
//! analysis; at a merge a variable holds every tag it may have):
//!
//! * **chosen** — a literal, or the customer's pick among the policy's own
//!   options or a yes/no: the policy fixed the possible values;
//! * **verified** — the arguments of a `verifies_identity` tool once it
//!   found the customer with them (the email the account was found by) and
//!   its result; the result of a lookup with a verified argument (a lookup
//!   scoped to the verified customer returns only their records); an item
//!   picked from a verified list (the customer's own orders);
//! * **typed** — any other answer (an order number, a name), and the
//!   result of a lookup by such values alone.
//!
//! A computed value (`set $refund to …`, `add $item to $items`) holds the
//! tags of the values it is computed from. A destructive call with an
//! argument that may be *typed* when it runs is an error — except the
//! arguments its catalog lists as `new_values` (a new address is typed by
//! the customer by nature; the read-back still shows it, `K0312`).
//!
//! **Why it matters.** The explicit yes (`K0312`) and the identity check
//! (`K0313`) are not enough: a verified customer who types someone else's
//! order number must not be able to cancel that order. When the record is
//! picked from the verified customer's own list, or looked up together with
//! their verified identity, it is theirs by construction.
//!
//! **Example.**
//!
//! ```text
//! 3. Ask for the order number.
//! 4. Use @order_details(order_id: $order_id) to look up the order.
//! 7. If yes, use @cancel_order(order_id: $order.id) ...   <- any order number works
//! ```

use super::Check;
use super::context::{Context, expr_paths};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{Expr, Slot};
use crate::machine::{Label, StateId, StateKind};
use std::collections::{BTreeMap, BTreeSet};

/// The code.
pub(crate) const CODE: Code = Code {
    id: "K0315",
    name: "unowned-record",
};

/// The check.
pub(crate) const CHECK: Check = Check { code: CODE, run };

/// Tags, as bits of a set.
const CHOSEN: u8 = 1;
const VERIFIED: u8 = 2;
const TYPED: u8 = 4;

/// The tags each variable may hold, on entry to a state.
type Tags = BTreeMap<String, u8>;

/// The tags on entry to every reachable state, to a fixed point (the sets
/// only grow, and there are finitely many).
fn analyse(context: &Context<'_>) -> BTreeMap<StateId, Tags> {
    let start = context.machine.start;
    let mut facts: BTreeMap<StateId, Tags> = BTreeMap::from([(start, Tags::new())]);
    let mut pending: BTreeSet<StateId> = BTreeSet::from([start]);
    while let Some(state) = pending.pop_first() {
        let entry = facts.get(&state).cloned().unwrap_or_default();
        let kind = &context.state(state).kind;
        for (_, transition, to) in context.machine.transitions_from(state) {
            let out = transfer(context, kind, &transition.label, &entry);
            let target = facts.entry(to).or_insert_with(|| {
                pending.insert(to);
                Tags::new()
            });
            let mut changed = false;
            for (var, tags) in out {
                let slot = target.entry(var).or_insert(0);
                if *slot | tags != *slot {
                    *slot |= tags;
                    changed = true;
                }
            }
            if changed {
                pending.insert(to);
            }
        }
    }
    facts
}

/// The tags after taking `label` out of a state of `kind`.
fn transfer(context: &Context<'_>, kind: &StateKind, label: &Label, entry: &Tags) -> Tags {
    let mut out = entry.clone();
    let tags_of = |path: &str| entry.get(path).copied().unwrap_or(TYPED);
    match kind {
        StateKind::Ask { slot, var, .. } => {
            let answered = !label.is_implicit() && *label != Label::NotFound;
            if answered {
                let tags = match slot {
                    Slot::YesNo | Slot::Options(_) => CHOSEN,
                    Slot::Item(list) | Slot::Items(list) => tags_of(list.root()),
                    _ => TYPED,
                };
                out.insert(var.clone(), tags);
            }
        }
        StateKind::Set { var, value } => {
            // An appended-to list that is unset is empty: no tags of its own.
            let mut tags = match value {
                Expr::Append(list, _) => entry.get(list.root()).copied().unwrap_or(0),
                _ => 0,
            };
            let paths = expr_paths(value);
            if paths.is_empty() && tags == 0 {
                tags = CHOSEN;
            }
            for path in paths {
                tags |= tags_of(path.root());
            }
            out.insert(var.clone(), tags);
        }
        StateKind::Call {
            tool, args, bind, ..
        } if *label == Label::Ok => {
            let verifies = context
                .catalog
                .tools
                .get(tool)
                .is_some_and(|tool| tool.verifies_identity);
            let roots: Vec<&str> = args
                .iter()
                .flat_map(|(_, expr)| expr_paths(expr))
                .map(|path| path.root())
                .collect();
            let result = if verifies {
                // The identity check found the customer with these values.
                for root in &roots {
                    out.insert(root.to_string(), VERIFIED);
                }
                VERIFIED
            } else {
                lookup_result(&roots.iter().map(|root| tags_of(root)).collect::<Vec<_>>())
            };
            if let Some((var, _)) = bind {
                out.insert(var.clone(), result);
            }
        }
        _ => {}
    }
    out
}

/// The tags a lookup's result may hold given its arguments' tags: verified
/// when some argument is verified, typed when none is and one is typed,
/// chosen when all are chosen (a lookup with no argument from the customer).
fn lookup_result(args: &[u8]) -> u8 {
    let mut result = 0;
    if args.iter().any(|tags| tags & VERIFIED != 0) {
        result |= VERIFIED;
    }
    let all_can_be_unverified = args.iter().all(|tags| tags & !VERIFIED != 0);
    if all_can_be_unverified && args.iter().any(|tags| tags & TYPED != 0) {
        result |= TYPED;
    }
    if args.iter().all(|tags| tags & CHOSEN != 0) {
        result |= CHOSEN;
    }
    result
}

fn run(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let destructive: Vec<_> = context.destructive_calls().collect();
    if destructive.is_empty() {
        return;
    }
    let facts = analyse(context);
    let mut reported = BTreeSet::new();
    for (id, state) in destructive {
        let StateKind::Call { tool, args, .. } = &state.kind else {
            continue;
        };
        let new_values = context
            .catalog
            .tools
            .get(tool)
            .map_or(&[][..], |declared| declared.new_values.as_slice());
        let entry = facts.get(&id).cloned().unwrap_or_default();
        for (name, expr) in args {
            if matches!(expr, Expr::Text(_) | Expr::Number(_)) || new_values.contains(name) {
                continue;
            }
            for path in expr_paths(expr) {
                // Unbound values are reported by K0306; only typed ones here.
                let Some(tags) = entry.get(path.root()) else {
                    continue;
                };
                if tags & TYPED == 0 {
                    continue;
                }
                let span = context.span_of(id);
                let message = format!(
                    "@{tool} acts on {path} (argument `{name}`), which may come from what the customer typed rather than from a record of the verified customer"
                );
                if !reported.insert((span.map(|span| span.range().start), message.clone())) {
                    continue;
                }
                let mut diagnostic = Diagnostic::error(CODE, message).hint(
                    "let the customer pick the record from a list an identity-verified lookup returned (their orders), or look it up with a tool that also takes the verified identity",
                );
                if let Some(span) = span {
                    diagnostic = diagnostic.at(span);
                }
                diagnostics.push(diagnostic);
            }
        }
    }
}
