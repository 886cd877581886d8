//! What the verifier proved about each destructive tool, for reviewers:
//! `keel check` prints it under the summary. A property is claimed for a
//! tool only when its check ran on every reachable call of the tool and
//! reported none of them:
//!
//! * identity first — `K0313` (the tool is marked `customer_data`);
//! * the verified customer's own records — `K0315`;
//! * an explicit yes to a read-back right before — `K0312`.
//!
//! A call the start does not reach (`K0301`) is checked by none of them:
//! it is counted apart and printed as a warning, so that a destructive
//! tool keel reads as unreachable is never silently left out of the list.

use super::context::Context;
use super::{customer_data_before_identity, unconfirmed_destructive_call, unowned_record};
use crate::catalog::Effect;
use crate::diagnostic::{Code, Diagnostic};
use crate::machine::StateKind;
use std::collections::BTreeMap;

/// The proved properties of one destructive tool's calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guarantee {
    /// The tool.
    pub tool: String,
    /// How many reachable states call it.
    pub calls: usize,
    /// Every call runs after the customer's identity was verified.
    pub identity_first: bool,
    /// Every call acts only on the verified customer's records.
    pub own_records: bool,
    /// The arguments that carry the customer's new values (a new address),
    /// which `own_records` does not cover.
    pub new_values: Vec<String>,
    /// Every call runs right after the customer's yes to a read-back of
    /// its arguments.
    pub explicit_yes: bool,
    /// How many states call it that the start does not reach (`K0301`):
    /// nothing is proved about them.
    pub unreachable: usize,
}

impl Guarantee {
    /// One line: `@cancel_order (2 calls): identity verified first, …`;
    /// calls keel finds unreachable end it as a warning.
    pub fn describe(&self) -> String {
        if self.calls == 0 {
            let calls = if self.unreachable == 1 {
                "1 call".to_string()
            } else {
                format!("{} calls", self.unreachable)
            };
            return format!(
                "@{}: warning: keel finds no path from the start to its {calls} (K0301), so nothing is proved about it",
                self.tool
            );
        }
        let mut proved = Vec::new();
        let mut not = Vec::new();
        let own_records = if self.new_values.is_empty() {
            "only on the verified customer's own records (K0315)".to_string()
        } else {
            format!(
                "only on the verified customer's own records (K0315; the new values {} are as the customer gave them)",
                self.new_values.join(", ")
            )
        };
        for (holds, text) in [
            (
                self.identity_first,
                "only after the customer's identity is verified (K0313)",
            ),
            (self.own_records, own_records.as_str()),
            (
                self.explicit_yes,
                "only right after their explicit yes to a read-back (K0312)",
            ),
        ] {
            if holds {
                proved.push(text)
            } else {
                not.push(text)
            }
        }
        let calls = if self.calls == 1 {
            "1 call".to_string()
        } else {
            format!("{} calls", self.calls)
        };
        let mut line = format!("@{} ({calls})", self.tool);
        if !proved.is_empty() {
            line.push_str(&format!(": proved to run {}", proved.join(", ")));
        }
        if !not.is_empty() {
            line.push_str(&format!("; not proved: {}", not.join(", ")));
        }
        if self.unreachable > 0 {
            let more = if self.unreachable == 1 {
                "1 more call".to_string()
            } else {
                format!("{} more calls", self.unreachable)
            };
            line.push_str(&format!(
                "; warning: nothing is proved about {more}, which keel finds no path to from the start (K0301)"
            ));
        }
        line
    }
}

/// The guarantees of every destructive tool the machine calls, by name.
pub(crate) fn guarantees(context: &Context<'_>, diagnostics: &[Diagnostic]) -> Vec<Guarantee> {
    let reported = |code: Code, span| {
        diagnostics
            .iter()
            .any(|diagnostic| diagnostic.code == code && diagnostic.span == span)
    };
    let mut by_tool: BTreeMap<String, Guarantee> = BTreeMap::new();
    for (id, state) in context.destructive_calls() {
        let StateKind::Call { tool, .. } = &state.kind else {
            continue;
        };
        let span = context.span_of(id);
        let declared = context.catalog.tools.get(tool);
        let customer_data = declared.is_some_and(|tool| tool.customer_data);
        let entry = by_tool.entry(tool.clone()).or_insert_with(|| Guarantee {
            tool: tool.clone(),
            calls: 0,
            identity_first: true,
            own_records: true,
            new_values: declared.map_or_else(Vec::new, |tool| tool.new_values.clone()),
            explicit_yes: true,
            unreachable: 0,
        });
        entry.calls += 1;
        entry.identity_first &=
            customer_data && !reported(customer_data_before_identity::CODE, span);
        entry.own_records &= !reported(unowned_record::CODE, span);
        entry.explicit_yes &= !reported(unconfirmed_destructive_call::CODE, span);
    }
    for (id, state) in context.machine.states() {
        let StateKind::Call {
            tool,
            effect: Effect::Destructive,
            ..
        } = &state.kind
        else {
            continue;
        };
        if context.reachable.contains(&id) {
            continue;
        }
        by_tool
            .entry(tool.clone())
            .or_insert_with(|| Guarantee {
                tool: tool.clone(),
                ..Guarantee::default()
            })
            .unreachable += 1;
    }
    by_tool.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::Guarantee;

    fn cancel(calls: usize, unreachable: usize) -> Guarantee {
        Guarantee {
            tool: "cancel_order".to_string(),
            calls,
            identity_first: calls > 0,
            own_records: calls > 0,
            new_values: Vec::new(),
            explicit_yes: calls > 0,
            unreachable,
        }
    }

    #[test]
    fn unreachable_calls_are_a_warning_beside_what_was_proved() {
        assert_eq!(
            cancel(1, 0).describe(),
            "@cancel_order (1 call): proved to run only after the customer's identity is verified (K0313), only on the verified customer's own records (K0315), only right after their explicit yes to a read-back (K0312)"
        );
        let mixed = cancel(2, 1).describe();
        assert!(
            mixed.starts_with("@cancel_order (2 calls): proved to run")
                && mixed.ends_with("; warning: nothing is proved about 1 more call, which keel finds no path to from the start (K0301)"),
            "{mixed}"
        );
        let none = cancel(0, 2).describe();
        assert!(
            none.starts_with(
                "@cancel_order: warning: keel finds no path from the start to its 2 calls (K0301)"
            ) && !none.contains("proved to run"),
            "{none}"
        );
    }
}
