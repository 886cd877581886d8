//! The closed sets of what goes into [`crate::step`] ([`Event`]) and what
//! comes out ([`Effect`]), plus the trail of transitions a step took.

use crate::machine::{EdgeId, StateId};
use crate::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Something that happened to a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The conversation begins.
    Start,
    /// The customer wrote something.
    User(String),
    /// A tool call finished.
    ToolResult(ToolResult),
    /// The customer stayed silent past the channel's timeout.
    Timer,
    /// The human team took over the hand-off.
    HandoffAcknowledged,
}

/// The answer to an [`Effect::CallTool`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolResult {
    /// The call's id.
    pub call: u32,
    /// What came back.
    #[serde(flatten)]
    pub outcome: ToolOutcome,
}

/// What a tool call gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolOutcome {
    /// A payload (checked against the declared type by the engine).
    Ok(Value),
    /// The tool failed.
    Error(String),
    /// The tool did not answer in time.
    Timeout,
}

/// Something the shell must do.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Send the customer a message.
    Send(String),
    /// Perform a tool call and feed back an [`Event::ToolResult`].
    CallTool(ToolCall),
    /// Hand the conversation to people.
    HandOff(Handoff),
    /// The conversation is over.
    End(Arc<str>),
}

/// A tool call to perform.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToolCall {
    /// Unique within the session.
    pub id: u32,
    /// The tool's name.
    pub tool: Arc<str>,
    /// Which implementation serves it, from the catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adapter: Option<Arc<str>>,
    /// Arguments by name.
    pub args: BTreeMap<Arc<str>, Value>,
}

/// A hand-off to the human team.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Handoff {
    /// Why.
    pub reason: Arc<str>,
    /// The queue.
    pub queue: Arc<str>,
    /// A ticket rather than a live hand-off.
    pub ticket: bool,
    /// What the conversation collected, for the agent.
    pub context: BTreeMap<String, Value>,
}

/// One transition taken, with what decided it.
#[derive(Clone, Debug, PartialEq)]
pub struct Taken {
    /// The transition.
    pub edge: EdgeId,
    /// Why it was taken (the slot rule and what it matched, the tool
    /// outcome, the compared values).
    pub evidence: Evidence,
}

/// Why a transition was taken.
#[derive(Clone, Debug, PartialEq)]
pub enum Evidence {
    /// The state has one way out.
    Always,
    /// A slot rule matched part of the customer's reply.
    Slot {
        /// The rule's name.
        rule: &'static str,
        /// The text it matched.
        matched: String,
    },
    /// A tool's outcome.
    Tool(&'static str),
    /// A compared value.
    Value(String),
    /// Two values a condition compared.
    Compared(Value, Value),
    /// A retry counter's value before this pass.
    Count(u32),
}

/// What one step produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    /// Effects, in order.
    pub effects: Vec<Effect>,
    /// Transitions taken, in order.
    pub taken: Vec<Taken>,
    /// States where the step waited or stopped, after `taken`.
    pub rest: Option<StateId>,
    /// Set when the event did not fit the session (ignored, no effects).
    pub ignored: Option<&'static str>,
    /// An unclear reply re-asked at this ask, with the count so far.
    pub reasked: Option<u32>,
}

impl Output {
    /// Empties the output for reuse.
    pub fn clear(&mut self) {
        self.effects.clear();
        self.taken.clear();
        self.rest = None;
        self.ignored = None;
        self.reasked = None;
    }
}
