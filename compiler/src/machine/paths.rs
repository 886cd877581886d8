//! Paths through a machine within its static bounds: every path, or a set
//! that takes every transition (what `keel paths` turns into test
//! conversations).
//!
//! Paths are enumerated depth first from the start to a terminal state. A
//! `retry` state's `again` edge is taken while its counter is below the
//! limit and its `retry exhausted` edge only once the limit is reached, so
//! retry loops are unrolled to their bound (like the counters the verifier's
//! `bounds.rs` reasons about); a state is entered at most once more than
//! the machine has retry passes, and no path is longer than
//! [`MAX_PATH_LENGTH`] transitions.
//!
//! [`plan`] picks the paths: all of them, or a greedy edge cover that takes,
//! for each transition not yet taken, the shortest enumerated path through
//! it. When the enumeration stopped at its limit before reaching a
//! transition, a breadth-first search over (state, counters) finds the
//! shortest path through it directly, so loops with large bounds are still
//! covered. The caller decides whether a path can really be driven (its
//! `realise` function), so a contradictory path is dropped and the next one
//! tried; the compiler itself does not run anything.

use super::{Label, Machine, StateId, StateKind, TransitionId};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The longest path followed, in transitions.
pub const MAX_PATH_LENGTH: usize = 400;

/// The most (state, counters) spots the shortest-path search visits.
const MAX_SPOTS: usize = 200_000;

/// Which paths [`plan`] picks.
#[derive(Clone, Copy, Debug)]
pub struct PathOptions {
    /// Every path rather than an edge-covering set.
    pub all: bool,
    /// The most complete paths enumerated.
    pub limit: usize,
}

/// What [`plan`] found.
#[derive(Clone, Debug)]
pub struct Plan<T> {
    /// What `realise` made of each chosen path, in the order chosen.
    pub chosen: Vec<T>,
    /// How many complete paths the enumeration found.
    pub paths: usize,
    /// Whether the enumeration stopped at the limit.
    pub truncated: bool,
    /// Paths `realise` could not drive.
    pub infeasible: usize,
    /// The transitions the chosen paths take.
    pub covered: BTreeSet<TransitionId>,
}

/// Every path from the start to a terminal state within the bounds, in
/// depth-first order (transitions in creation order); `true` if the
/// enumeration stopped at `limit`.
pub fn enumerate(machine: &Machine, limit: usize) -> (Vec<Vec<TransitionId>>, bool) {
    let retries: u32 = machine
        .states()
        .map(|(_, state)| match state.kind {
            StateKind::Retry { limit, .. } if !super::is_repair_state(state) => limit,
            _ => 0,
        })
        .fold(0u32, u32::saturating_add);
    let mut walk = Walk {
        machine,
        limit,
        max_visits: retries.saturating_add(1),
        paths: Vec::new(),
        truncated: false,
        path: Vec::new(),
        visits: BTreeMap::new(),
        counters: BTreeMap::new(),
    };
    walk.visit(machine.start);
    (walk.paths, walk.truncated)
}

/// The transitions a plan covers: the policy's own, without keel's
/// conversation repairs (corrections, start over, never mind), which the
/// repair corpus drives instead.
pub fn policy_transitions(machine: &Machine) -> Vec<TransitionId> {
    machine
        .transitions()
        .into_iter()
        .filter(|(_, from, transition, _)| {
            !super::is_repair_transition(machine.state(*from), &transition.label)
        })
        .map(|(id, ..)| id)
        .collect()
}

/// Picks paths (see the module doc) and hands each to `realise`, which
/// returns what it made of the path and the transitions that really took,
/// or `None` when the path cannot be driven.
pub fn plan<T>(
    machine: &Machine,
    options: PathOptions,
    mut realise: impl FnMut(&[TransitionId]) -> Option<(T, Vec<TransitionId>)>,
) -> Plan<T> {
    let (paths, truncated) = enumerate(machine, options.limit);
    let mut plan = Plan {
        chosen: Vec::new(),
        paths: paths.len(),
        truncated,
        infeasible: 0,
        covered: BTreeSet::new(),
    };
    let mut attempt = |path: &[TransitionId], plan: &mut Plan<T>| match realise(path) {
        Some((made, taken)) => {
            plan.covered.extend(taken);
            plan.chosen.push(made);
        }
        None => plan.infeasible += 1,
    };
    if options.all {
        for path in &paths {
            attempt(path, &mut plan);
        }
        return plan;
    }
    // Greedy cover: for the first transition not yet taken, the shortest
    // path through it (the one adding the most other untaken transitions on
    // ties, then the first found), so each path shows one branch as plainly
    // as it can.
    let transitions = policy_transitions(machine);
    let mut alive: Vec<bool> = vec![true; paths.len()];
    let mut hopeless: BTreeSet<TransitionId> = BTreeSet::new();
    while let Some(target) = transitions
        .iter()
        .copied()
        .find(|edge| !plan.covered.contains(edge) && !hopeless.contains(edge))
    {
        let mut best: Option<(usize, usize, usize)> = None;
        for (index, path) in paths.iter().enumerate() {
            if !alive[index] || !path.contains(&target) {
                continue;
            }
            let gain = path
                .iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .filter(|edge| !plan.covered.contains(edge))
                .count();
            let better = best.is_none_or(|(_, length, most)| {
                path.len() < length || (path.len() == length && gain > most)
            });
            if better {
                best = Some((index, path.len(), gain));
            }
        }
        match best {
            Some((index, _, _)) => {
                alive[index] = false;
                attempt(&paths[index], &mut plan);
            }
            None => {
                // None of the enumerated paths takes it (the enumeration
                // stopped at its limit first): search for one directly.
                let before = plan.chosen.len();
                if let Some(path) = through(machine, target) {
                    attempt(&path, &mut plan);
                }
                if plan.chosen.len() == before {
                    hopeless.insert(target);
                }
            }
        }
    }
    plan
}

/// A shortest path from the start to an end that takes `target`.
pub fn through(machine: &Machine, target: TransitionId) -> Option<Vec<TransitionId>> {
    let (_, from, transition, to) = machine.transitions().into_iter().nth(target.index())?;
    let label = transition.label.clone();
    let (mut path, spot) = shortest(machine, (machine.start, BTreeMap::new()), |spot| {
        spot.0 == from && step_to(machine, spot, &label, to).is_some()
    })?;
    let after = step_to(machine, &spot, &label, to)?;
    path.push(target);
    let (rest, _) = shortest(machine, after, |spot| {
        machine.state(spot.0).kind.is_terminal()
    })?;
    path.extend(rest);
    (path.len() <= MAX_PATH_LENGTH).then_some(path)
}

/// The decisions along a path, for a reader: `2.call: ok, 15.test: no →
/// resolved` (only states with a choice of transitions are named).
pub fn describe(machine: &Machine, path: &[TransitionId]) -> String {
    let transitions = machine.transitions();
    let mut parts = Vec::new();
    let mut last = None;
    for id in path {
        let Some((_, from, transition, to)) = transitions.get(id.index()) else {
            continue;
        };
        if machine.transitions_from(*from).len() > 1 {
            parts.push(format!(
                "{}: {}",
                local(&machine.state(*from).id),
                transition.label.text()
            ));
        }
        last = Some(*to);
    }
    let end = last.map_or_else(String::new, |state| match &machine.state(state).kind {
        StateKind::End { outcome } => format!(" → {outcome}"),
        StateKind::Escalate { ticket: true, .. } => " → ticket".to_string(),
        StateKind::Escalate { .. } => " → hand-off".to_string(),
        _ => String::new(),
    });
    format!("{}{end}", parts.join(", "))
}

/// A file-name slug from the path's last decision (`15_test_no`), or
/// `straight` for a path without one.
pub fn slug(machine: &Machine, path: &[TransitionId]) -> String {
    let transitions = machine.transitions();
    let decision = path.iter().rev().find_map(|id| {
        let (_, from, transition, _) = transitions.get(id.index())?;
        (machine.transitions_from(*from).len() > 1).then(|| {
            let label = match &transition.label {
                Label::Case(values) => values.first().cloned().unwrap_or_default(),
                Label::Option(option) => option.clone(),
                other => other.text(),
            };
            format!("{}_{label}", local(&machine.state(*from).id))
        })
    });
    let text = decision.unwrap_or_else(|| "straight".to_string());
    let mut slug = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            slug.push(character.to_ascii_lowercase());
        } else if !slug.ends_with('_') {
            slug.push('_');
        }
    }
    slug.trim_matches('_').to_string()
}

/// `policy:15.test` → `15.test`.
fn local(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, rest)| rest)
}

/// A depth-first walk from the start, within the bounds.
struct Walk<'m> {
    machine: &'m Machine,
    limit: usize,
    max_visits: u32,
    paths: Vec<Vec<TransitionId>>,
    truncated: bool,
    path: Vec<TransitionId>,
    visits: BTreeMap<StateId, u32>,
    counters: BTreeMap<StateId, u32>,
}

impl Walk<'_> {
    fn visit(&mut self, state: StateId) {
        if self.truncated {
            return;
        }
        let kind = &self.machine.state(state).kind;
        if kind.is_terminal() {
            if self.paths.len() >= self.limit {
                self.truncated = true;
            } else {
                self.paths.push(self.path.clone());
            }
            return;
        }
        let visits = self.visits.entry(state).or_default();
        if *visits >= self.max_visits || self.path.len() >= MAX_PATH_LENGTH {
            return;
        }
        *visits += 1;
        let count = self.counters.get(&state).copied().unwrap_or(0);
        for (transition, edge, to) in self.machine.transitions_from(state) {
            if super::is_repair_transition(self.machine.state(state), &edge.label) {
                continue;
            }
            if let StateKind::Retry { limit, .. } = kind {
                let allowed = match edge.label {
                    Label::Again => count < *limit,
                    Label::RetryExhausted => count >= *limit,
                    _ => true,
                };
                if !allowed {
                    continue;
                }
                if edge.label == Label::Again {
                    self.counters.insert(state, count + 1);
                }
            }
            self.path.push(transition);
            self.visit(to);
            self.path.pop();
            self.counters.insert(state, count);
        }
        if let Some(visits) = self.visits.get_mut(&state) {
            *visits -= 1;
        }
    }
}

/// Where a walk is: a state and the counts of the retry counters passed.
type Spot = (StateId, BTreeMap<StateId, u32>);

/// The next spot along a transition, if a walk may take it there: a
/// `retry` state's `again` edge while its counter is below the limit, its
/// `retry exhausted` edge once it is reached.
fn step_to(
    machine: &Machine,
    (state, counters): &Spot,
    label: &Label,
    to: StateId,
) -> Option<Spot> {
    let mut counters = counters.clone();
    if let StateKind::Retry { limit, .. } = machine.state(*state).kind {
        let count = counters.get(state).copied().unwrap_or(0);
        match label {
            Label::Again if count < limit => {
                counters.insert(*state, count + 1);
            }
            Label::Again => return None,
            Label::RetryExhausted if count < limit => return None,
            _ => {}
        }
    }
    Some((to, counters))
}

/// The shortest walk (breadth first, transitions in creation order) from
/// `from` to a spot `goal` accepts.
fn shortest(
    machine: &Machine,
    from: Spot,
    goal: impl Fn(&Spot) -> bool,
) -> Option<(Vec<TransitionId>, Spot)> {
    let mut parents: BTreeMap<Spot, Option<(Spot, TransitionId)>> = BTreeMap::new();
    let mut queue = VecDeque::from([from.clone()]);
    parents.insert(from, None);
    while let Some(spot) = queue.pop_front() {
        if goal(&spot) {
            let mut path = Vec::new();
            let mut at = spot.clone();
            while let Some(Some((parent, transition))) = parents.get(&at) {
                path.push(*transition);
                at = parent.clone();
            }
            path.reverse();
            return Some((path, spot));
        }
        if machine.state(spot.0).kind.is_terminal() || parents.len() > MAX_SPOTS {
            continue;
        }
        for (transition, edge, to) in machine.transitions_from(spot.0) {
            if super::is_repair_transition(machine.state(spot.0), &edge.label) {
                continue;
            }
            if let Some(next) = step_to(machine, &spot, &edge.label, to) {
                if !parents.contains_key(&next) {
                    parents.insert(next.clone(), Some((spot.clone(), transition)));
                    queue.push_back(next);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Source, compile};

    const CATALOG: &str = "[tools.lookup]\nargs = { email = \"email\" }\nreturns = \"string?\"\n";

    fn machine(policy: &str) -> Machine {
        let compilation = compile(
            &[Source::new("demo.policy.md", policy)],
            &[Source::new("catalog.toml", CATALOG)],
        );
        assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
        compilation.machine
    }

    /// A policy with a retry loop: ask, look up, ask again once if nothing
    /// is found, then hand off.
    const RETRY: &str = "1. Ask for the user's email address.\n2. Use @lookup to find the account.\n3. If not found, ask for the email again up to 2 times.\n4. If still not found, route to an agent.\n5. Inform that the account was found.\n";

    fn described(machine: &Machine, paths: &[Vec<TransitionId>]) -> Vec<String> {
        paths.iter().map(|path| describe(machine, path)).collect()
    }

    #[test]
    fn retry_loops_are_unrolled_to_their_bound() {
        let machine = machine(RETRY);
        let (paths, truncated) = enumerate(&machine, 1_000);
        assert!(!truncated);
        let described = described(&machine, &paths);
        // Every path ends, none passes the retry more than twice.
        for (path, text) in paths.iter().zip(&described) {
            let (_, _, _, last) = machine.transitions()[path[path.len() - 1].index()];
            assert!(machine.state(last).kind.is_terminal(), "{text}");
            assert!(text.matches("again").count() <= 2, "{text}");
        }
        assert!(
            described.iter().any(
                |text| text.matches(": again").count() == 2 && text.contains("retry exhausted")
            ),
            "{described:#?}"
        );
    }

    #[test]
    fn the_limit_stops_the_enumeration_and_says_so() {
        let machine = machine(RETRY);
        let (all, _) = enumerate(&machine, 1_000);
        let (some, truncated) = enumerate(&machine, 3);
        assert!(all.len() > 3);
        assert_eq!(some.len(), 3);
        assert!(truncated);
        assert_eq!(some[..], all[..3]);
    }

    #[test]
    fn a_cover_takes_every_transition_and_all_takes_every_path() {
        let machine = machine(RETRY);
        let accept = |path: &[TransitionId]| Some((path.to_vec(), path.to_vec()));
        let cover = plan(
            &machine,
            PathOptions {
                all: false,
                limit: 1_000,
            },
            accept,
        );
        assert_eq!(cover.covered.len(), policy_transitions(&machine).len());
        assert!(cover.chosen.len() < cover.paths);
        let every = plan(
            &machine,
            PathOptions {
                all: true,
                limit: 1_000,
            },
            accept,
        );
        assert_eq!(every.chosen.len(), every.paths);
    }

    #[test]
    fn a_cover_past_the_limit_searches_for_the_missing_transitions() {
        let machine = machine(RETRY);
        let accept = |path: &[TransitionId]| Some(((), path.to_vec()));
        let cover = plan(
            &machine,
            PathOptions {
                all: false,
                limit: 1,
            },
            accept,
        );
        assert!(cover.truncated);
        assert_eq!(cover.covered.len(), policy_transitions(&machine).len());
    }

    #[test]
    fn paths_that_cannot_be_driven_are_counted_and_others_tried() {
        let machine = machine(RETRY);
        let mut refused = 0;
        let cover = plan(
            &machine,
            PathOptions {
                all: false,
                limit: 1_000,
            },
            |path: &[TransitionId]| {
                // Refuse the first path offered for each transition once.
                if refused < 1 {
                    refused += 1;
                    return None;
                }
                Some(((), path.to_vec()))
            },
        );
        assert_eq!(cover.infeasible, 1);
        assert_eq!(cover.covered.len(), policy_transitions(&machine).len());
    }

    #[test]
    fn through_finds_a_shortest_path_taking_a_transition() {
        let machine = machine(RETRY);
        for id in policy_transitions(&machine) {
            let path = through(&machine, id).expect("every transition is on some path");
            assert!(path.contains(&id));
            let (shortest_listed, _) = enumerate(&machine, 1_000);
            let shortest_listed = shortest_listed
                .iter()
                .filter(|listed| listed.contains(&id))
                .map(Vec::len)
                .min();
            assert_eq!(
                Some(path.len()),
                shortest_listed,
                "{}",
                describe(&machine, &path)
            );
        }
    }

    #[test]
    fn slugs_name_the_last_decision() {
        let machine = machine(RETRY);
        let (paths, _) = enumerate(&machine, 1_000);
        let slugs: BTreeSet<String> = paths.iter().map(|path| slug(&machine, path)).collect();
        assert!(
            slugs
                .iter()
                .all(|slug| slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        );
        assert!(
            slugs.iter().any(|slug| slug.ends_with("retry_exhausted")),
            "{slugs:?}"
        );
    }
}
