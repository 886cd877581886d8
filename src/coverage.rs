//! The coverage file `keel test --coverage-out` writes and
//! `keel graph --coverage` reads: per example, the transitions the golden
//! conversations took and those they never took, each named by its
//! `from` state id, its label (as listings show it: `ok`, `not found`,
//! `"Shipped"`, `option "Discount Offer"`) and its `to` state id, so the
//! file still applies after edits elsewhere in the policy.

use keel_compiler::machine::Machine;
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;

/// One transition as the coverage file names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Named {
    pub(crate) from: String,
    pub(crate) label: String,
    pub(crate) to: String,
    /// One of keel's conversation repairs: left out of the coverage, which
    /// is the policy's own transitions (see `paths::policy_transitions`).
    pub(crate) repair: bool,
}

impl Named {
    fn json(&self, index: usize) -> Json {
        json!({"index": index, "from": self.from, "label": self.label, "to": self.to})
    }
}

/// Every transition of a compiled machine, in [`Machine::transitions`] order.
pub(crate) fn transitions(machine: &Machine) -> Vec<Named> {
    machine
        .transitions()
        .into_iter()
        .map(|(_, from, transition, to)| Named {
            from: machine.state(from).id.clone(),
            label: transition.label.text(),
            to: machine.state(to).id.clone(),
            repair: keel_compiler::machine::is_repair_transition(
                machine.state(from),
                &transition.label,
            ),
        })
        .collect()
}

/// One example's entry: which of `all` were `covered`.
pub(crate) fn entry(
    policy: &str,
    name: &str,
    hash: &str,
    all: &[Named],
    covered: &BTreeSet<usize>,
) -> Json {
    let (taken, missed): (Vec<_>, Vec<_>) = all
        .iter()
        .enumerate()
        .filter(|(_, named)| !named.repair)
        .partition(|(index, _)| covered.contains(index));
    json!({
        "policy": policy,
        "machine": name,
        "hash": hash,
        "transitions": taken.len() + missed.len(),
        "covered": taken.iter().map(|(index, named)| named.json(*index)).collect::<Vec<_>>(),
        "uncovered": missed.iter().map(|(index, named)| named.json(*index)).collect::<Vec<_>>(),
    })
}

/// The whole file.
pub(crate) fn document(entries: Vec<Json>) -> String {
    let mut text =
        serde_json::to_string_pretty(&json!({ "examples": entries })).unwrap_or_default();
    text.push('\n');
    text
}

/// The indices (in [`Machine::transitions`] order) of the policy
/// transitions the coverage file does not list as covered for this machine.
pub(crate) fn uncovered(text: &str, path: &str, machine: &Machine) -> Result<Vec<usize>, String> {
    let document: Json = serde_json::from_str(text)
        .map_err(|error| format!("{path} is not a coverage file: {error}"))?;
    let examples = document
        .get("examples")
        .and_then(Json::as_array)
        .ok_or_else(|| format!("{path} is not a coverage file: it has no `examples` list"))?;
    let example = match examples.as_slice() {
        [only] => only,
        several => several
            .iter()
            .find(|example| example.get("machine").and_then(Json::as_str) == Some(machine.name()))
            .ok_or_else(|| {
                format!(
                    "{path} has no coverage for the machine `{}`",
                    machine.name()
                )
            })?,
    };
    let covered: BTreeSet<Named> = example
        .get("covered")
        .and_then(Json::as_array)
        .ok_or_else(|| format!("{path}: an example has no `covered` list"))?
        .iter()
        .map(|item| {
            let field = |name: &str| {
                item.get(name)
                    .and_then(Json::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| format!("{path}: a covered transition has no `{name}`"))
            };
            Ok(Named {
                from: field("from")?,
                label: field("label")?,
                to: field("to")?,
                repair: false,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(transitions(machine)
        .iter()
        .enumerate()
        .filter(|(_, named)| !named.repair && !covered.contains(named))
        .map(|(index, _)| index)
        .collect())
}
