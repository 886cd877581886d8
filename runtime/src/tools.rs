//! How the shell performs tool calls: the [`ToolExecutor`] trait, and
//! [`Stubbed`], which answers chosen calls from a script before falling
//! back to another executor.

use crate::event::{ToolCall, ToolOutcome};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;

/// Performs tool calls for the async shell.
pub trait ToolExecutor {
    /// Performs one call. Failures are outcomes, not panics; the shell adds
    /// its own timeout around this future.
    fn call(&mut self, call: &ToolCall) -> impl Future<Output = ToolOutcome>;
}

/// Performs tool calls synchronously (the demo store, stubs, tests).
pub trait BlockingTools {
    /// Performs one call.
    fn perform(&mut self, call: &ToolCall) -> ToolOutcome;
}

/// Answers from queued stub responses per tool, then from `fallback`.
#[derive(Debug)]
pub struct Stubbed<T> {
    stubs: BTreeMap<String, VecDeque<ToolOutcome>>,
    fallback: T,
    /// For each call performed, whether a stub answered it.
    pub answered_by_stub: Vec<bool>,
}

impl<T> Stubbed<T> {
    /// No stubs yet.
    pub fn new(fallback: T) -> Stubbed<T> {
        Stubbed {
            stubs: BTreeMap::new(),
            fallback,
            answered_by_stub: Vec::new(),
        }
    }

    /// Queues an outcome for the next call of `tool`.
    pub fn push(&mut self, tool: &str, outcome: ToolOutcome) {
        self.stubs
            .entry(tool.to_string())
            .or_default()
            .push_back(outcome);
    }

    /// The wrapped executor.
    pub fn fallback(&mut self) -> &mut T {
        &mut self.fallback
    }
}

impl<T: BlockingTools> BlockingTools for Stubbed<T> {
    fn perform(&mut self, call: &ToolCall) -> ToolOutcome {
        if let Some(outcome) = self
            .stubs
            .get_mut(call.tool.as_ref())
            .and_then(VecDeque::pop_front)
        {
            self.answered_by_stub.push(true);
            return outcome;
        }
        self.answered_by_stub.push(false);
        self.fallback.perform(call)
    }
}

impl<T: BlockingTools> ToolExecutor for Stubbed<T> {
    fn call(&mut self, call: &ToolCall) -> impl Future<Output = ToolOutcome> {
        let outcome = self.perform(call);
        std::future::ready(outcome)
    }
}
