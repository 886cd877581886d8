//! How the shell performs tool calls: the [`ToolExecutor`] trait, and
//! [`Stubbed`], which answers chosen calls from a script before falling
//! back to another executor.

use crate::event::{ToolCall, ToolOutcome};
use crate::machine::Machine;
use crate::session::Session;
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;

/// The session a call is made for: what an executor that talks to a
/// platform may need besides the arguments (the customer's verified email
/// for a message to them, the session's date).
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a> {
    /// The machine.
    pub machine: &'a Machine,
    /// The session, as it is when the call is made.
    pub session: &'a Session,
}

/// Performs tool calls for the async shell.
pub trait ToolExecutor {
    /// Performs one call. Failures are outcomes, not panics; the shell adds
    /// its own timeout around this future.
    fn call(&mut self, call: &ToolCall) -> impl Future<Output = ToolOutcome>;

    /// Performs one call made by `caller`'s session (the shell calls this;
    /// by default it is [`ToolExecutor::call`]).
    fn call_for(
        &mut self,
        call: &ToolCall,
        caller: Caller<'_>,
    ) -> impl Future<Output = ToolOutcome> {
        let _ = caller;
        self.call(call)
    }
}

/// Performs tool calls synchronously (the demo store, stubs, tests).
pub trait BlockingTools {
    /// Performs one call.
    fn perform(&mut self, call: &ToolCall) -> ToolOutcome;

    /// Performs one call made by `caller`'s session (the shell calls this;
    /// by default it is [`BlockingTools::perform`]).
    fn perform_for(&mut self, call: &ToolCall, caller: Caller<'_>) -> ToolOutcome {
        let _ = caller;
        self.perform(call)
    }
}

/// Answers from queued stub responses per tool, then from `fallback`.
#[derive(Debug)]
pub struct Stubbed<T> {
    stubs: BTreeMap<String, VecDeque<(Option<u32>, ToolOutcome)>>,
    calls: BTreeMap<String, u32>,
    fallback: T,
    /// For each call performed, whether a stub answered it.
    pub answered_by_stub: Vec<bool>,
}

impl<T> Stubbed<T> {
    /// No stubs yet.
    pub fn new(fallback: T) -> Stubbed<T> {
        Stubbed {
            stubs: BTreeMap::new(),
            calls: BTreeMap::new(),
            fallback,
            answered_by_stub: Vec::new(),
        }
    }

    /// Queues an outcome for a call of `tool`: the `nth` (1-based), or
    /// the next one not claimed by another stub.
    pub fn push(&mut self, tool: &str, nth: Option<u32>, outcome: ToolOutcome) {
        self.stubs
            .entry(tool.to_string())
            .or_default()
            .push_back((nth, outcome));
    }

    /// The wrapped executor.
    pub fn fallback(&mut self) -> &mut T {
        &mut self.fallback
    }
}

impl<T: BlockingTools> Stubbed<T> {
    /// The stub queued for this call, if any (counting the call).
    fn stubbed(&mut self, call: &ToolCall) -> Option<ToolOutcome> {
        let count = self.calls.entry(call.tool.to_string()).or_default();
        *count += 1;
        let nth = *count;
        if let Some(queue) = self.stubs.get_mut(call.tool.as_ref()) {
            let position = queue
                .iter()
                .position(|(wanted, _)| *wanted == Some(nth))
                .or_else(|| queue.iter().position(|(wanted, _)| wanted.is_none()));
            if let Some((_, outcome)) = position.and_then(|position| queue.remove(position)) {
                self.answered_by_stub.push(true);
                return Some(outcome);
            }
        }
        self.answered_by_stub.push(false);
        None
    }
}

impl<T: BlockingTools> BlockingTools for Stubbed<T> {
    fn perform(&mut self, call: &ToolCall) -> ToolOutcome {
        match self.stubbed(call) {
            Some(outcome) => outcome,
            None => self.fallback.perform(call),
        }
    }

    fn perform_for(&mut self, call: &ToolCall, caller: Caller<'_>) -> ToolOutcome {
        match self.stubbed(call) {
            Some(outcome) => outcome,
            None => self.fallback.perform_for(call, caller),
        }
    }
}

impl<T: BlockingTools> ToolExecutor for Stubbed<T> {
    fn call(&mut self, call: &ToolCall) -> impl Future<Output = ToolOutcome> {
        let outcome = self.perform(call);
        std::future::ready(outcome)
    }
}
