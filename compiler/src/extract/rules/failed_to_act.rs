//! `If the ticket could not be created`: the last call failed.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::lexicon::Class;

/// A negated passive of what a call does (`could not be created`, `was not
/// updated`) or `unsuccessful` / `fails` is the last call's error outcome.
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "failed-to-act",
    shape: "If <it> could not be <created/updated/…>, … · Not filed: … · If the update is unsuccessful, …",
    about: "A negated passive of what a call does (`could not be created`, `was not updated`), a label `Not <done>:` (`Not filed:`, `Not added:`) or `unsuccessful` / `fails` is the last call's error outcome.",
    read,
    examples: &[Example {
        text: "Use @get_tracking to look up the shipment; if the lookup is unsuccessful, route to an agent.",
        compiles_to: r#"[ok] call @get_tracking(order_id: $order.id) -> $tracking: Tracking [read]
[error] escalate hand-off to agent: "if the lookup is unsuccessful""#,
    }],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    let failed_to_act =
        condition.negated && condition.any(Class::DoneParticiple) && condition.any(Class::Passive);
    // `Not filed:`, `Not added →`: a label of a negation and what the call does.
    let label = matches!(condition.body, [not, done]
        if not.is_a(Class::Negation) && done.is_a(Class::DoneParticiple));
    let failed_to_act = failed_to_act || label;
    // `if that fails too`: the retry came back empty again (`not-found`).
    if condition.any(Class::Still) {
        return None;
    }
    (failed_to_act || condition.any(Class::Unsuccessful)).then_some(Condition::Failed)
}
