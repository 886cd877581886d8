//! Semantic diff of two compiled versions of a policy.
//!
//! States are matched by their stable ids (`policy:step.kind`), which come
//! from the policy's structure, not from positions in the file. The diff
//! lists states and transitions added, removed and changed, paths that appear
//! or disappear, and — what a team gates its policy repository on — changes
//! that touch safety:
//!
//! * a destructive call that the new version can reach without passing the
//!   `yes` of a question showing its arguments, where the old one could not;
//! * a hand-off the old version had and the new one has not;
//! * a customer-data call the new version can reach without a successful
//!   identity check, where the old one could not.

use crate::Compilation;
use crate::catalog::{Catalog, Effect};
use crate::ir::{Expr, MessagePart, Slot};
use crate::machine::{Label, Machine, StateId, StateKind};
use askama::Template;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many paths are enumerated per version.
pub(crate) const PATH_LIMIT: usize = 20_000;

/// At most this many bytes of path text are kept per version (a policy of
/// thousands of questions has thousands of paths thousands of steps long).
pub(crate) const PATH_TEXT_LIMIT: usize = 4 * 1024 * 1024;

/// At most this many steps of the path search per version (simple paths
/// can be exponentially many).
pub(crate) const PATH_STEP_LIMIT: usize = 2_000_000;

/// The differences between two versions.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Diff {
    /// States only the new version has: id and description.
    pub states_added: Vec<(String, String)>,
    /// States only the old version has.
    pub states_removed: Vec<(String, String)>,
    /// States in both whose meaning changed: id, old, new.
    pub states_changed: Vec<(String, String, String)>,
    /// Transitions only the new version has: `from -label-> to`.
    pub transitions_added: Vec<String>,
    /// Transitions only the old version has.
    pub transitions_removed: Vec<String>,
    /// Paths (start to an end) only the new version has.
    pub paths_added: Vec<String>,
    /// Paths only the old version has.
    pub paths_removed: Vec<String>,
    /// True when a version has more paths than [`PATH_LIMIT`] (or more
    /// path text or search than [`PATH_TEXT_LIMIT`], [`PATH_STEP_LIMIT`]):
    /// path lists are then partial.
    pub paths_truncated: bool,
    /// Changes that touch safety. A non-empty list fails `keel diff`.
    pub safety: Vec<String>,
}

impl Diff {
    /// No difference at all.
    pub fn is_empty(&self) -> bool {
        self.states_added.is_empty()
            && self.states_removed.is_empty()
            && self.states_changed.is_empty()
            && self.transitions_added.is_empty()
            && self.transitions_removed.is_empty()
    }

    /// The diff for people, one change per line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.is_empty() {
            out.push_str("no semantic change\n");
        }
        for (id, description) in &self.states_added {
            out.push_str(&format!("+ state {id}: {description}\n"));
        }
        for (id, description) in &self.states_removed {
            out.push_str(&format!("- state {id}: {description}\n"));
        }
        for (id, old, new) in &self.states_changed {
            out.push_str(&format!("~ state {id}:\n    was {old}\n    now {new}\n"));
        }
        for transition in &self.transitions_added {
            out.push_str(&format!("+ transition {transition}\n"));
        }
        for transition in &self.transitions_removed {
            out.push_str(&format!("- transition {transition}\n"));
        }
        let shown = 20;
        for path in self.paths_added.iter().take(shown) {
            out.push_str(&format!("+ path {path}\n"));
        }
        if self.paths_added.len() > shown {
            out.push_str(&format!(
                "+ … and {} more new paths\n",
                self.paths_added.len() - shown
            ));
        }
        for path in self.paths_removed.iter().take(shown) {
            out.push_str(&format!("- path {path}\n"));
        }
        if self.paths_removed.len() > shown {
            out.push_str(&format!(
                "- … and {} more paths gone\n",
                self.paths_removed.len() - shown
            ));
        }
        if self.paths_truncated {
            out.push_str(&format!(
                "(more than {PATH_LIMIT} paths, or more than the search keeps: path lists are partial)\n"
            ));
        }
        for finding in &self.safety {
            out.push_str(&format!("SAFETY: {finding}\n"));
        }
        out
    }
}

/// Compares two compilations of a policy.
pub fn diff(old: &Compilation, new: &Compilation) -> Diff {
    let mut result = Diff::default();
    let old_states = describe_states(&old.machine);
    let new_states = describe_states(&new.machine);
    for (id, description) in &new_states {
        match old_states.get(id) {
            None => result.states_added.push((id.clone(), description.clone())),
            Some(before) if before != description => {
                result
                    .states_changed
                    .push((id.clone(), before.clone(), description.clone()))
            }
            Some(_) => {}
        }
    }
    for (id, description) in &old_states {
        if !new_states.contains_key(id) {
            result
                .states_removed
                .push((id.clone(), description.clone()));
        }
    }
    let old_transitions = transitions(&old.machine);
    let new_transitions = transitions(&new.machine);
    result.transitions_added = new_transitions
        .difference(&old_transitions)
        .cloned()
        .collect();
    result.transitions_removed = old_transitions
        .difference(&new_transitions)
        .cloned()
        .collect();
    let (old_paths, old_truncated) = paths(&old.machine);
    let (new_paths, new_truncated) = paths(&new.machine);
    result.paths_added = new_paths.difference(&old_paths).cloned().collect();
    result.paths_removed = old_paths.difference(&new_paths).cloned().collect();
    result.paths_truncated = old_truncated || new_truncated;
    result.safety = safety(old, new);
    result
}

fn describe_states(machine: &Machine) -> BTreeMap<String, String> {
    machine
        .states()
        .map(|(_, state)| (state.id.clone(), crate::machine::describe(&state.kind)))
        .collect()
}

fn transitions(machine: &Machine) -> BTreeSet<String> {
    machine
        .transitions()
        .into_iter()
        .map(|(_, from, transition, to)| {
            format!(
                "{} -{}-> {}",
                machine.state(from).id,
                transition.label.text(),
                machine.state(to).id
            )
        })
        .collect()
}

/// Simple paths from the start to a terminal, as `id -label-> id …`.
/// Bounded three ways so that a policy of 20,000 steps diffs in linear
/// time: at most [`PATH_LIMIT`] paths, [`PATH_TEXT_LIMIT`] bytes of path
/// text and [`PATH_STEP_LIMIT`] search steps; past any of them the list is
/// marked truncated.
fn paths(machine: &Machine) -> (BTreeSet<String>, bool) {
    let mut found = BTreeSet::new();
    let mut kept = 0usize;
    let mut on_path = vec![false; machine.state_count()];
    // Iterative depth-first search over (state, next transition to try,
    // length of the path text before this state); the text of the current
    // path is one buffer, extended and cut back, never copied per step.
    let mut text = machine.state(machine.start).id.clone();
    let mut stack: Vec<(StateId, usize, usize)> = vec![(machine.start, 0, 0)];
    on_path[machine.start.index()] = true;
    let mut steps = 0usize;
    while let Some(&(state, next, before)) = stack.last() {
        steps += 1;
        if steps > PATH_STEP_LIMIT {
            return (found, true);
        }
        let outgoing = machine.transitions_from(state);
        if next == 0 && (machine.state(state).kind.is_terminal() || outgoing.is_empty()) {
            kept += text.len();
            found.insert(text.clone());
            if found.len() >= PATH_LIMIT || kept >= PATH_TEXT_LIMIT {
                return (found, true);
            }
        }
        match outgoing.get(next) {
            Some((_, transition, target)) => {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                if !on_path[target.index()] {
                    on_path[target.index()] = true;
                    let length = text.len();
                    text.push_str(" -");
                    text.push_str(transition.label.text().as_ref());
                    text.push_str("-> ");
                    text.push_str(&machine.state(*target).id);
                    stack.push((*target, 0, length));
                }
            }
            None => {
                on_path[state.index()] = false;
                text.truncate(before);
                stack.pop();
            }
        }
    }
    (found, false)
}

/// The safety findings of a change.
fn safety(old: &Compilation, new: &Compilation) -> Vec<String> {
    let mut findings = Vec::new();
    let old_unconfirmed = unconfirmed_destructive(&old.machine);
    for id in unconfirmed_destructive(&new.machine) {
        if !old_unconfirmed.contains(&id) {
            findings.push(format!(
                "{id} (a destructive call) can now run without the customer's explicit yes"
            ));
        }
    }
    let new_ids: BTreeSet<String> = new
        .machine
        .states()
        .map(|(_, state)| state.id.clone())
        .collect();
    for (_, state) in old.machine.states() {
        if matches!(state.kind, StateKind::Escalate { .. })
            && state.origin.is_some()
            && !new_ids.contains(&state.id)
        {
            findings.push(format!("the hand-off {} was removed", state.id));
        }
    }
    let old_unverified = unverified_customer_data(&old.machine, &old.catalog);
    for id in unverified_customer_data(&new.machine, &new.catalog) {
        if !old_unverified.contains(&id) {
            findings.push(format!(
                "{id} reads customer data and can now run without an identity check"
            ));
        }
    }
    findings
}

/// Destructive calls reachable from the start without passing the `yes` of
/// a yes/no question whose prompt shows the call's arguments. Calls that
/// show the same variables share one search, so the work grows with the
/// machine, not with the machine times its calls.
fn unconfirmed_destructive(machine: &Machine) -> BTreeSet<String> {
    let mut by_shown: BTreeMap<BTreeSet<String>, Vec<StateId>> = BTreeMap::new();
    for (id, state) in machine.states() {
        let StateKind::Call {
            effect: Effect::Destructive,
            args,
            ..
        } = &state.kind
        else {
            continue;
        };
        let shown: BTreeSet<String> = args
            .iter()
            .filter_map(|(_, expr)| match expr {
                Expr::Path(path) => Some(path.root().to_string()),
                _ => None,
            })
            .collect();
        by_shown.entry(shown).or_default().push(id);
    }
    let mut found = BTreeSet::new();
    for (shown, calls) in by_shown {
        let blocked = |from: StateId, label: &Label| {
            *label == Label::Yes
                && match &machine.state(from).kind {
                    StateKind::Ask {
                        slot: Slot::YesNo,
                        prompt,
                        ..
                    } => shown.iter().all(|root| {
                        prompt.parts.iter().any(|part| match part {
                            MessagePart::Field(field) => field.root() == root.as_str(),
                            _ => false,
                        })
                    }),
                    _ => false,
                }
        };
        let reached = reachable_avoiding(machine, &blocked);
        for call in calls {
            if reached[call.index()] {
                found.insert(machine.state(call).id.clone());
            }
        }
    }
    found
}

/// Customer-data calls reachable without passing the `ok` of an identity check.
fn unverified_customer_data(machine: &Machine, catalog: &Catalog) -> BTreeSet<String> {
    let verifies = |state: StateId| match &machine.state(state).kind {
        StateKind::Call { tool, .. } => catalog
            .tools
            .get(tool)
            .is_some_and(|tool| tool.verifies_identity),
        _ => false,
    };
    let blocked = |from: StateId, label: &Label| *label == Label::Ok && verifies(from);
    let reached = reachable_avoiding(machine, &blocked);
    let mut found = BTreeSet::new();
    for (id, state) in machine.states() {
        let StateKind::Call { tool, .. } = &state.kind else {
            continue;
        };
        if reached[id.index()]
            && catalog
                .tools
                .get(tool)
                .is_some_and(|tool| tool.customer_data)
        {
            found.insert(state.id.clone());
        }
    }
    found
}

/// Which states are reachable from the start without taking a blocked
/// transition (indexed by state).
fn reachable_avoiding(machine: &Machine, blocked: &dyn Fn(StateId, &Label) -> bool) -> Vec<bool> {
    let mut seen = vec![false; machine.state_count()];
    let mut stack = vec![machine.start];
    seen[machine.start.index()] = true;
    while let Some(state) = stack.pop() {
        for (_, transition, next) in machine.transitions_from(state) {
            if !blocked(state, &transition.label) && !seen[next.index()] {
                seen[next.index()] = true;
                stack.push(next);
            }
        }
    }
    seen
}

#[derive(Template)]
#[template(path = "diff.html")]
struct DiffPage {
    name: String,
    safety: Vec<String>,
    text: String,
    highlight: String,
    old_svg: String,
    new_svg: String,
}

/// The diff as one self-contained HTML page: both graphs side by side,
/// added states green, changed amber, removed red.
pub fn diff_page(old: &Compilation, new: &Compilation, diff: &Diff) -> String {
    let mut highlight = String::new();
    let rule = |side: &str, id: &str, colour: &str| {
        format!(
            "section.{side} g.state[data-id=\"{}\"] rect {{ stroke: {colour}; stroke-width: 4; }}\n",
            id.replace('\\', "\\\\").replace('"', "\\\"")
        )
    };
    for (id, _) in &diff.states_added {
        highlight.push_str(&rule("new", id, "#2f855a"));
    }
    for (id, _, _) in &diff.states_changed {
        highlight.push_str(&rule("new", id, "#d69e2e"));
        highlight.push_str(&rule("old", id, "#d69e2e"));
    }
    for (id, _) in &diff.states_removed {
        highlight.push_str(&rule("old", id, "#c53030"));
    }
    let page = DiffPage {
        name: new.machine.name().to_string(),
        safety: diff.safety.clone(),
        text: diff.to_text(),
        highlight,
        old_svg: crate::emit::svg(&old.machine, &old.sources),
        new_svg: crate::emit::svg(&new.machine, &new.sources),
    };
    page.render().unwrap_or_else(|error| {
        format!("<!DOCTYPE html><p>the diff page could not be rendered: {error}</p>")
    })
}
