//! What every check needs, computed once: reachability from the start,
//! where to point for states keel added, and the dataflow of bindings.
//!
//! The dataflow is a forward *must* analysis over the machine graph. At the
//! entry of each state it knows which variables are bound on every path from
//! the start (with the types they may hold), and which optional paths are
//! known to hold a value. Bindings happen on transitions, not in states: an
//! ask binds its variable on its answer edges only (not when the customer
//! asks for a human or the answers stay unclear, nor on `not found` for a
//! choice among list items); a call binds its result on `ok` only, so a
//! `T?` result is never bound where the tool found nothing. A test's `yes`
//! edge proves the paths it compares or checks for presence hold a value,
//! and a match case proves its subject does.
//!
//! Tracked are the variables some state reads, and the data the policy
//! collects (tool results, answers other than yes/no), which hand-offs
//! carry. Unread yes/no answers are not: every confirmation binds its own,
//! so tracking them would make each program point's facts grow with the
//! policy and the analysis quadratic, and a variable nobody reads cannot
//! be read unbound.

use crate::catalog::{Catalog, Type};
use crate::ir::{Expr, Path, Slot};
use crate::machine::{Label, Machine, State, StateId, StateKind, Transition};
use crate::source::Span;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, EdgeRef, IntoNeighbors, Reversed, VisitMap, Visitable};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The facts known at one program point.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Env {
    /// Variables bound on every path, with every type they may hold.
    pub(crate) bound: BTreeMap<String, BTreeSet<Type>>,
    /// Optional paths known to hold a value on every path.
    pub(crate) present: BTreeSet<Path>,
}

impl Env {
    /// The meet of two program points: what holds on both.
    fn meet(&mut self, other: &Env) -> bool {
        let before = (self.bound.len(), self.present.len());
        let mut changed = false;
        self.bound
            .retain(|name, types| match other.bound.get(name) {
                Some(other_types) => {
                    let size = types.len();
                    types.extend(other_types.iter().cloned());
                    changed |= types.len() != size;
                    true
                }
                None => false,
            });
        self.present.retain(|path| other.present.contains(path));
        changed || before != (self.bound.len(), self.present.len())
    }

    fn bind(&mut self, name: &str, types: BTreeSet<Type>) {
        self.present.retain(|path| path.root() != name);
        self.bound.insert(name.to_string(), types);
    }

    /// The types a path may have here; empty when unknown.
    pub(crate) fn path_types(&self, path: &Path, catalog: &Catalog) -> BTreeSet<Type> {
        let Some(types) = self.bound.get(path.root()) else {
            return BTreeSet::new();
        };
        let fields = path.0.get(1..).unwrap_or(&[]);
        types
            .iter()
            .filter_map(|base| catalog.field_type(base, fields))
            .collect()
    }
}

/// Shared analyses over one machine.
pub(crate) struct Context<'a> {
    /// The machine verified.
    pub(crate) machine: &'a Machine,
    /// The catalog it was compiled against.
    pub(crate) catalog: &'a Catalog,
    /// States reachable from the start.
    pub(crate) reachable: BTreeSet<StateId>,
    /// The dataflow facts at the entry of each reachable state.
    pub(crate) facts: BTreeMap<StateId, Env>,
    /// The variables the dataflow tracks: read, or collected data.
    pub(crate) tracked: BTreeSet<String>,
    /// The facts of states the start does not reach: none.
    unreached: Env,
}

impl<'a> Context<'a> {
    /// Runs the shared analyses.
    pub(crate) fn new(machine: &'a Machine, catalog: &'a Catalog) -> Self {
        let graph = machine.graph();
        let mut reachable = BTreeSet::new();
        if machine.state_count() > machine.start.index() {
            let mut bfs = Bfs::new(graph, node(machine.start));
            while let Some(found) = bfs.next(graph) {
                reachable.insert(state(found));
            }
        }
        let mut tracked: BTreeSet<String> = machine
            .states()
            .flat_map(|(_, state)| reads(&state.kind))
            .map(|(path, _)| path.root().to_string())
            .collect();
        for (_, state) in machine.states() {
            let collected = match &state.kind {
                StateKind::Ask { slot, var, .. } if *slot != Slot::YesNo => Some(var),
                StateKind::Call {
                    bind: Some((var, _)),
                    ..
                }
                | StateKind::Set { var, .. } => Some(var),
                _ => None,
            };
            tracked.extend(collected.cloned());
        }
        let mut context = Context {
            machine,
            catalog,
            reachable,
            facts: BTreeMap::new(),
            tracked,
            unreached: Env::default(),
        };
        context.facts = context.dataflow();
        context
    }

    /// The petgraph graph.
    pub(crate) fn graph(&self) -> &'a DiGraph<State, Transition> {
        self.machine.graph()
    }

    /// The state behind an id.
    pub(crate) fn state(&self, id: StateId) -> &'a State {
        self.machine.state(id)
    }

    /// The span to report a state at: its own text, or for a state keel
    /// added, the text of the nearest state that leads to it.
    pub(crate) fn span_of(&self, id: StateId) -> Option<Span> {
        if let Some(origin) = &self.state(id).origin {
            return Some(origin.span);
        }
        let graph = self.graph();
        let reversed = Reversed(graph);
        let mut bfs = Bfs::new(reversed, node(id));
        while let Some(found) = bfs.next(reversed) {
            if let Some(origin) = &graph[found].origin {
                return Some(origin.span);
            }
        }
        None
    }

    /// The step label of a state, or its id for states keel added.
    pub(crate) fn step_of(&self, id: StateId) -> String {
        let state = self.state(id);
        match &state.origin {
            Some(origin) => format!("step {}", origin.step),
            None => format!("`{}`", state.id),
        }
    }

    /// Reachable states in creation (reading) order.
    /// The reachable calls of tools whose effect is `destructive`.
    pub(crate) fn destructive_calls(&self) -> impl Iterator<Item = (StateId, &'a State)> + '_ {
        self.reachable_states().filter(|(_, state)| {
            matches!(
                state.kind,
                StateKind::Call {
                    effect: crate::catalog::Effect::Destructive,
                    ..
                }
            )
        })
    }

    pub(crate) fn reachable_states(&self) -> impl Iterator<Item = (StateId, &'a State)> + '_ {
        self.reachable
            .iter()
            .map(move |&id| (id, self.machine.state(id)))
    }

    /// The facts at the entry of a state (empty if unreachable).
    pub(crate) fn env(&self, id: StateId) -> &Env {
        self.facts.get(&id).unwrap_or(&self.unreached)
    }

    /// The types of the values a slot accepts, given the facts before it.
    pub(crate) fn slot_types(&self, slot: &Slot, env: &Env) -> BTreeSet<Type> {
        let single = |ty: Type| BTreeSet::from([ty]);
        match slot {
            Slot::Email => single(Type::Email),
            Slot::Text | Slot::Name | Slot::PostalCode => single(Type::String),
            Slot::Number => single(Type::Number),
            Slot::Date => single(Type::Date),
            Slot::YesNo => single(Type::Bool),
            Slot::Options(options) => single(Type::Enum(options.clone())),
            Slot::Item(list) => env
                .path_types(list, self.catalog)
                .into_iter()
                .filter_map(|ty| match ty.required() {
                    Type::List(inner) => Some(inner.as_ref().clone()),
                    _ => None,
                })
                .collect(),
            Slot::Items(list) => env
                .path_types(list, self.catalog)
                .into_iter()
                .filter(|ty| matches!(ty.required(), Type::List(_)))
                .map(|ty| ty.required().clone())
                .collect(),
        }
    }

    /// The types an expression may have given the facts before it (empty
    /// when unknown).
    pub(crate) fn expr_types(&self, env: &Env, expr: &Expr) -> BTreeSet<Type> {
        let numeric = |types: BTreeSet<Type>| -> BTreeSet<Type> {
            types
                .into_iter()
                .map(|ty| match ty.required() {
                    Type::Money => Type::Money,
                    _ => Type::Number,
                })
                .collect()
        };
        match expr {
            Expr::Path(path) => env.path_types(path, self.catalog),
            Expr::Text(_) => BTreeSet::from([Type::String]),
            Expr::Number(number) if number.contains('.') => BTreeSet::from([Type::Number]),
            Expr::Number(_) => BTreeSet::from([Type::Int]),
            Expr::Today => BTreeSet::from([Type::Date]),
            Expr::DaysSince(_) | Expr::Count(_) => BTreeSet::from([Type::Int]),
            Expr::Nothing => BTreeSet::new(),
            Expr::AtMost(..) | Expr::After(..) | Expr::IsSet(_) | Expr::Equals(..) => {
                BTreeSet::from([Type::Bool])
            }
            Expr::Sum(path) => numeric(
                env.path_types(path, self.catalog)
                    .into_iter()
                    .filter_map(|ty| match ty.required() {
                        Type::List(item) => Some(item.required().clone()),
                        _ => None,
                    })
                    .collect(),
            ),
            Expr::Plus(left, right) | Expr::Minus(left, right) => {
                let mut types = numeric(self.expr_types(env, left));
                types.extend(numeric(self.expr_types(env, right)));
                types
            }
            Expr::Append(list, item) => {
                let mut types: BTreeSet<Type> = self
                    .expr_types(env, item)
                    .into_iter()
                    .map(|ty| Type::List(Box::new(ty)))
                    .collect();
                types.extend(
                    env.path_types(list, self.catalog)
                        .into_iter()
                        .filter(|ty| matches!(ty.required(), Type::List(_))),
                );
                types
            }
        }
    }

    /// The facts after taking `label` out of `from`, given the facts at `from`.
    pub(crate) fn transfer(&self, from: StateId, label: &Label, before: &Env) -> Env {
        let mut after = before.clone();
        match &self.state(from).kind {
            StateKind::Ask { slot, var, .. } => {
                // A hand-off or a repair leaves the question unanswered.
                let unanswered = label.is_implicit();
                let not_among_items =
                    matches!(slot, Slot::Item(_) | Slot::Items(_)) && *label == Label::NotFound;
                let answered = !unanswered && !not_among_items;
                if answered && self.tracked.contains(var) {
                    let types = self.slot_types(slot, before);
                    after.bind(var, types);
                }
            }
            StateKind::Call {
                bind: Some((var, ty)),
                ..
            } if *label == Label::Ok && self.tracked.contains(var) => {
                after.bind(var, BTreeSet::from([ty.required().clone()]));
            }
            StateKind::Set { var, value } if self.tracked.contains(var) => {
                let types = self.expr_types(before, value);
                after.bind(var, types);
            }
            StateKind::Test { condition, .. } if *label == Label::Yes => {
                after.present.extend(proved_present(condition));
            }
            StateKind::Match { subject, .. } if matches!(label, Label::Case(_)) => {
                after.present.insert(subject.clone());
            }
            _ => {}
        }
        after
    }

    /// The iterative worklist solution of the must analysis.
    fn dataflow(&self) -> BTreeMap<StateId, Env> {
        let mut facts: BTreeMap<StateId, Env> = BTreeMap::new();
        if !self.reachable.contains(&self.machine.start) {
            return facts;
        }
        // A triggered policy starts with `$event` bound to its record.
        let mut start = Env::default();
        if let Some(trigger) = self
            .machine
            .policies
            .first()
            .and_then(|p| p.trigger.as_ref())
        {
            start.bind(
                crate::trigger::EVENT_VAR,
                BTreeSet::from([Type::Record(trigger.record.clone())]),
            );
        }
        facts.insert(self.machine.start, start);
        let mut queue: VecDeque<StateId> = VecDeque::from([self.machine.start]);
        let mut queued: BTreeSet<StateId> = BTreeSet::from([self.machine.start]);
        while let Some(from) = queue.pop_front() {
            queued.remove(&from);
            let Some(before) = facts.get(&from).cloned() else {
                continue;
            };
            for edge in self.graph().edges(node(from)) {
                let to = state(edge.target());
                let after = self.transfer(from, &edge.weight().label, &before);
                let changed = match facts.get_mut(&to) {
                    Some(known) => known.meet(&after),
                    None => {
                        facts.insert(to, after);
                        true
                    }
                };
                if changed && queued.insert(to) {
                    queue.push_back(to);
                }
            }
        }
        facts
    }
}

/// The optional paths a condition proves present when it holds: a presence
/// check, and both sides of a comparison (a comparison with a missing value
/// does not hold).
pub(crate) fn proved_present(condition: &Expr) -> Vec<Path> {
    match condition {
        Expr::IsSet(path) | Expr::Path(path) | Expr::DaysSince(path) => vec![path.clone()],
        Expr::AtMost(left, right) | Expr::After(left, right) | Expr::Equals(left, right) => {
            let mut out = proved_present(left);
            out.extend(proved_present(right));
            out
        }
        Expr::Plus(left, right) | Expr::Minus(left, right) => {
            let mut out = proved_present(left);
            out.extend(proved_present(right));
            out
        }
        Expr::Text(_)
        | Expr::Number(_)
        | Expr::Today
        | Expr::Sum(_)
        | Expr::Count(_)
        | Expr::Append(..)
        | Expr::Nothing => Vec::new(),
    }
}

/// The paths an expression reads. The list an item is appended to is not
/// read: an unset list is empty.
pub(crate) fn expr_paths(expr: &Expr) -> Vec<&Path> {
    match expr {
        Expr::Path(path)
        | Expr::IsSet(path)
        | Expr::DaysSince(path)
        | Expr::Sum(path)
        | Expr::Count(path) => vec![path],
        Expr::AtMost(left, right)
        | Expr::After(left, right)
        | Expr::Equals(left, right)
        | Expr::Plus(left, right)
        | Expr::Minus(left, right) => {
            let mut out = expr_paths(left);
            out.extend(expr_paths(right));
            out
        }
        Expr::Append(_, item) => expr_paths(item),
        Expr::Text(_) | Expr::Number(_) | Expr::Today | Expr::Nothing => Vec::new(),
    }
}

/// Every path a state reads, as (path, read in a message shown to the customer).
pub(crate) fn reads(kind: &StateKind) -> Vec<(&Path, bool)> {
    match kind {
        StateKind::Ask { slot, prompt, .. } => {
            let mut out: Vec<(&Path, bool)> = prompt.paths().map(|path| (path, true)).collect();
            if let Slot::Item(list) | Slot::Items(list) = slot {
                out.push((list, false));
            }
            out
        }
        StateKind::Call { args, .. } => args
            .iter()
            .flat_map(|(_, expr)| expr_paths(expr))
            .map(|path| (path, false))
            .collect(),
        StateKind::Match { subject, .. } => vec![(subject, false)],
        StateKind::Test { condition, .. } => expr_paths(condition)
            .into_iter()
            .map(|path| (path, false))
            .collect(),
        StateKind::Say { message } => message.paths().map(|path| (path, true)).collect(),
        StateKind::Set { value, .. } => expr_paths(value)
            .into_iter()
            .map(|path| (path, false))
            .collect(),
        StateKind::Escalate { .. }
        | StateKind::End { .. }
        | StateKind::Retry { .. }
        | StateKind::Wait { .. }
        | StateKind::Goto { .. } => Vec::new(),
    }
}

/// The variable a state binds on some of its edges, if any.
pub(crate) fn binds(kind: &StateKind) -> Option<&str> {
    match kind {
        StateKind::Ask { var, .. } => Some(var),
        StateKind::Call {
            bind: Some((var, _)),
            ..
        }
        | StateKind::Set { var, .. } => Some(var),
        _ => None,
    }
}

/// The states reachable from any of `starts` (themselves included), in one
/// breadth-first walk.
pub(crate) fn reach<G>(graph: G, starts: &[StateId]) -> BTreeSet<StateId>
where
    G: IntoNeighbors<NodeId = NodeIndex> + Visitable<NodeId = NodeIndex>,
    G::Map: VisitMap<NodeIndex>,
{
    let mut found = BTreeSet::new();
    let Some(first) = starts.first() else {
        return found;
    };
    let mut bfs = Bfs::new(graph, node(*first));
    for start in starts.iter().skip(1) {
        if bfs.discovered.visit(node(*start)) {
            bfs.stack.push_back(node(*start));
        }
    }
    while let Some(next) = bfs.next(graph) {
        found.insert(state(next));
    }
    found
}

/// The petgraph node of a state.
pub(crate) fn node(id: StateId) -> NodeIndex {
    NodeIndex::new(id.index())
}

/// The state of a petgraph node.
pub(crate) fn state(node: NodeIndex) -> StateId {
    StateId::from_index(node.index())
}
