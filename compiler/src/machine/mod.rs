//! The machine: states and labelled transitions, over a petgraph graph.
//!
//! petgraph is an internal detail: states and transitions are named by
//! [`StateId`] and [`TransitionId`], and every state carries a stable string
//! id derived from the policy's structure (`shopify_wismo:10.call`), so ids
//! survive edits elsewhere in the policy.

mod dump;
mod link;
mod lower;
mod repair;

pub use repair::{CORRECTIONS, START_OVERS, is_repair_state, is_repair_transition};
pub mod paths;

pub(crate) use dump::describe;
pub use link::{build, normalise as normalise_name};
pub use lower::DEFAULT_MAX_ATTEMPTS;

use crate::catalog::{Effect, Type};
use crate::ir::{Expr, ExtractedBy, Message, Path, Slot};
use crate::source::Span;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

/// A state of the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StateId(u32);

impl StateId {
    /// The state's position in [`Machine::states`].
    pub fn index(self) -> usize {
        self.0 as usize
    }

    fn node(self) -> NodeIndex {
        NodeIndex::new(self.index())
    }

    /// The state at a position in [`Machine::states`] (for the verifier,
    /// which walks petgraph's node indices).
    pub(crate) fn from_index(index: usize) -> Self {
        StateId(u32::try_from(index).unwrap_or(u32::MAX))
    }

    fn from_node(node: NodeIndex) -> Self {
        StateId(u32::try_from(node.index()).unwrap_or(u32::MAX))
    }
}

/// A transition of the machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransitionId(u32);

impl TransitionId {
    /// The transition's position in creation order.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a state came from in the policy text.
#[derive(Clone, Debug, PartialEq)]
pub struct StateOrigin {
    /// The text behind the state.
    pub span: Span,
    /// The step label, such as `3.f`.
    pub step: String,
    /// Rules or LLM.
    pub extracted_by: ExtractedBy,
}

/// One state.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// Stable id: `policy:step.kind`, or `policy:name` for implicit states.
    pub id: String,
    /// The policy the state belongs to.
    pub policy: String,
    /// What the state does.
    pub kind: StateKind,
    /// Where it came from; `None` for states keel adds (the implicit
    /// hand-offs and end), which are shown in every view all the same.
    pub origin: Option<StateOrigin>,
}

/// What a state does.
#[derive(Clone, Debug, PartialEq)]
pub enum StateKind {
    /// Ask the customer and fill a slot.
    Ask {
        /// What the slot accepts.
        slot: Slot,
        /// The variable it binds.
        var: String,
        /// The question.
        prompt: Message,
        /// How many unclear answers before the retry-exhausted edge.
        max_attempts: u32,
    },
    /// Call a tool.
    Call {
        /// Tool name.
        tool: String,
        /// Arguments.
        args: Vec<(String, Expr)>,
        /// The variable bound to the result.
        bind: Option<(String, Type)>,
        /// The tool's effect.
        effect: Effect,
    },
    /// Compare a field with literal values (edges carry the cases).
    Match {
        /// The field.
        subject: Path,
        /// Its enum domain, if any.
        domain: Option<Vec<String>>,
    },
    /// Test a condition (edges yes / no).
    Test {
        /// The condition.
        condition: Expr,
        /// The author's words.
        wording: String,
    },
    /// Send a message.
    Say {
        /// The template.
        message: Message,
    },
    /// Set a variable to a computed value (one `next` edge).
    Set {
        /// The variable.
        var: String,
        /// The value.
        value: Expr,
    },
    /// Hand off to a human. Terminal.
    Escalate {
        /// Why.
        reason: String,
        /// Which queue.
        queue: String,
        /// A ticket rather than a live hand-off.
        ticket: bool,
    },
    /// End. Terminal.
    End {
        /// What the policy wrote (`resolved`, `cancelled`, `retained`, …),
        /// or `ended` for an ending that says nothing of how it went.
        outcome: String,
    },
    /// A bounded counter: at most `limit` passes take `again`.
    Retry {
        /// The counter's name (unique in the machine).
        counter: String,
        /// How many passes.
        limit: u32,
    },
    /// Wait durably, then go on along `next` (the server wakes the
    /// session once when the timer is due, or when the customer writes).
    Wait {
        /// How long, in seconds.
        seconds: u64,
        /// The duration as written.
        wording: String,
    },
    /// Go to another policy (`#Policy`): one `next` edge into it.
    Goto {
        /// The target policy.
        policy: String,
        /// The section it resumes at, if any.
        section: Option<String>,
    },
}

impl StateKind {
    /// A short kind name: `ask`, `call`, `match`, …
    pub fn name(&self) -> &'static str {
        match self {
            StateKind::Ask { .. } => "ask",
            StateKind::Call { .. } => "call",
            StateKind::Match { .. } => "match",
            StateKind::Test { .. } => "test",
            StateKind::Say { .. } => "say",
            StateKind::Set { .. } => "set",
            StateKind::Escalate { .. } => "escalate",
            StateKind::End { .. } => "end",
            StateKind::Retry { .. } => "retry",
            StateKind::Goto { .. } => "goto",
            StateKind::Wait { .. } => "wait",
        }
    }

    /// Escalate and end states stop the conversation.
    pub fn is_terminal(&self) -> bool {
        matches!(self, StateKind::Escalate { .. } | StateKind::End { .. })
    }
}

/// Why a transition is taken.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    /// The step is done.
    Next,
    /// A match case: the field holds one of these values.
    Case(Vec<String>),
    /// A chosen option of an offer.
    Option(String),
    /// No case matched.
    Else,
    /// The tool succeeded.
    Ok,
    /// The tool (or a list to choose from) found nothing.
    NotFound,
    /// The tool failed.
    Error,
    /// Yes.
    Yes,
    /// No.
    No,
    /// A retry counter allows another pass.
    Again,
    /// Unclear answers or retries used up.
    RetryExhausted,
    /// The customer asked for a human.
    HumanRequested,
    /// The customer dropped the request ("never mind").
    Withdrawn,
    /// The customer asked to start over.
    StartOver,
    /// The customer corrected an earlier answer (to that question's
    /// counter).
    Corrected,
}

impl Label {
    /// The label as shown in listings and graphs.
    pub fn text(&self) -> String {
        match self {
            Label::Next => "next".into(),
            Label::Case(values) => values
                .iter()
                .map(|value| format!("\"{value}\""))
                .collect::<Vec<_>>()
                .join(" | "),
            Label::Option(option) => format!("option \"{option}\""),
            Label::Else => "else".into(),
            Label::Ok => "ok".into(),
            Label::NotFound => "not found".into(),
            Label::Error => "error".into(),
            Label::Yes => "yes".into(),
            Label::No => "no".into(),
            Label::Again => "again".into(),
            Label::RetryExhausted => "retry exhausted".into(),
            Label::HumanRequested => "human requested".into(),
            Label::Withdrawn => "withdrawn".into(),
            Label::StartOver => "start over".into(),
            Label::Corrected => "corrected".into(),
        }
    }

    /// Whether keel adds the transition to every ask of its own accord (a
    /// hand-off or a conversation repair) rather than the policy's text.
    pub fn is_implicit(&self) -> bool {
        matches!(
            self,
            Label::HumanRequested
                | Label::RetryExhausted
                | Label::Withdrawn
                | Label::StartOver
                | Label::Corrected
        )
    }
}

/// A transition: why it is taken.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    /// The label.
    pub label: Label,
}

/// What the machine knows about each policy it contains.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyInfo {
    /// The name.
    pub name: String,
    /// A human title.
    pub title: String,
    /// When it applies.
    pub when: String,
    /// The channels it serves; empty: any.
    pub channels: Vec<String>,
    /// The external event that starts it, if it is triggered.
    pub trigger: Option<crate::ir::Trigger>,
    /// Its first state.
    pub entry: Option<StateId>,
    /// Sentences kept as notes, with their step labels.
    pub notes: Vec<(String, Span, String)>,
    /// Where each written condition was attached, and why.
    pub anchors: Vec<crate::ir::Anchor>,
    /// Short answers to questions asked in the middle.
    pub answers: Vec<crate::ir::Answer>,
}

/// A compiled machine: the entry policy and every policy it references.
#[derive(Clone, Debug)]
pub struct Machine {
    graph: DiGraph<State, Transition>,
    /// The first state.
    pub start: StateId,
    /// The policies, entry first.
    pub policies: Vec<PolicyInfo>,
}

impl Machine {
    /// The entry policy's name.
    pub fn name(&self) -> &str {
        self.policies
            .first()
            .map_or("", |policy| policy.name.as_str())
    }

    /// Every state, in creation (reading) order.
    pub fn states(&self) -> impl Iterator<Item = (StateId, &State)> {
        self.graph
            .node_indices()
            .map(|node| (StateId::from_node(node), &self.graph[node]))
    }

    /// The state behind an id.
    pub fn state(&self, id: StateId) -> &State {
        &self.graph[id.node()]
    }

    /// The state at a position in [`Machine::states`], if there is one
    /// (in constant time, where `states().nth(index)` walks the list).
    pub fn state_at(&self, index: usize) -> Option<&State> {
        self.graph.node_weight(NodeIndex::new(index))
    }

    /// The number of states.
    pub fn state_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The ids of the states an LLM extracted (from the lock file), which
    /// need review, in state order.
    pub fn states_extracted_by_llm(&self) -> Vec<&str> {
        self.states()
            .filter(|(_, state)| {
                state
                    .origin
                    .as_ref()
                    .is_some_and(|origin| origin.extracted_by == ExtractedBy::Llm)
            })
            .map(|(_, state)| state.id.as_str())
            .collect()
    }

    /// The number of transitions.
    pub fn transition_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// A state by its stable id.
    pub fn find(&self, id: &str) -> Option<StateId> {
        self.states()
            .find(|(_, state)| state.id == id)
            .map(|(state_id, _)| state_id)
    }

    /// Transitions out of a state, in creation order.
    pub fn transitions_from(&self, id: StateId) -> Vec<(TransitionId, &Transition, StateId)> {
        let mut out: Vec<(TransitionId, &Transition, StateId)> = self
            .graph
            .edges(id.node())
            .map(|edge| {
                (
                    TransitionId(u32::try_from(edge.id().index()).unwrap_or(u32::MAX)),
                    edge.weight(),
                    StateId::from_node(edge.target()),
                )
            })
            .collect();
        out.sort_by_key(|(transition, _, _)| *transition);
        out
    }

    /// Every transition as (id, from, label, to), in creation order.
    pub fn transitions(&self) -> Vec<(TransitionId, StateId, &Transition, StateId)> {
        self.graph
            .edge_indices()
            .filter_map(|edge: EdgeIndex| {
                let (from, to) = self.graph.edge_endpoints(edge)?;
                Some((
                    TransitionId(u32::try_from(edge.index()).unwrap_or(u32::MAX)),
                    StateId::from_node(from),
                    &self.graph[edge],
                    StateId::from_node(to),
                ))
            })
            .collect()
    }

    /// The petgraph graph, for the verifier's algorithms.
    pub(crate) fn graph(&self) -> &DiGraph<State, Transition> {
        &self.graph
    }

    /// The graph, mutable, for verifier tests that damage a compiled
    /// machine in ways no policy text can (an ask with no way to a human).
    #[cfg(test)]
    pub(crate) fn graph_mut(&mut self) -> &mut DiGraph<State, Transition> {
        &mut self.graph
    }
}
