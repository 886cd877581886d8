//! A [`Backend`] as the runtime's tool executor, for conversations run by
//! the command line (`keel chat|run|test`): each call's idempotency key is
//! derived from a label of the conversation and the call's number, so the
//! same conversation sends the same keys.

use crate::backend::{Backend, Context};
use crate::helpdesk::Line;
use keel_runtime::{
    BlockingTools, Caller, Conversation, Effect, Event, ToolCall, ToolExecutor, ToolOutcome,
};
use sha2::{Digest, Sha256};
use std::future::Future;

/// The idempotency key of call `call` of the conversation labelled `session`.
pub fn idempotency_key(session: &str, call: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(session.as_bytes());
    hasher.update([0]);
    hasher.update(call.to_be_bytes());
    let digest = hasher.finalize();
    let hex: String = digest
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("keel-{hex}")
}

/// Performs a conversation's calls through a backend.
#[derive(Debug)]
pub struct Executor<'b> {
    backend: &'b Backend,
    session: String,
    runtime: Option<&'b tokio::runtime::Runtime>,
}

impl<'b> Executor<'b> {
    /// For an async shell (`keel chat`).
    pub fn new(backend: &'b Backend, session: &str) -> Executor<'b> {
        Executor {
            backend,
            session: session.to_string(),
            runtime: None,
        }
    }

    /// For an in-process shell (`keel run|test`): calls run on `runtime`
    /// (one runtime for every conversation, so the backend's connections
    /// stay with the runtime that made them).
    pub fn blocking(
        backend: &'b Backend,
        runtime: &'b tokio::runtime::Runtime,
        session: &str,
    ) -> Executor<'b> {
        Executor {
            backend,
            session: session.to_string(),
            runtime: Some(runtime),
        }
    }

    fn context(&self, call: &ToolCall, caller: Caller<'_>) -> Context {
        Context::of(caller, idempotency_key(&self.session, call.id), false)
    }
}

impl ToolExecutor for Executor<'_> {
    fn call(&mut self, call: &ToolCall) -> impl Future<Output = ToolOutcome> {
        let tool = call.tool.clone();
        async move { ToolOutcome::Error(format!("@{tool}: a backend call needs its session")) }
    }

    fn call_for(
        &mut self,
        call: &ToolCall,
        caller: Caller<'_>,
    ) -> impl Future<Output = ToolOutcome> {
        let context = self.context(call, caller);
        let backend = self.backend;
        let call = call.clone();
        async move { backend.call(&call, &context).await }
    }
}

impl BlockingTools for Executor<'_> {
    fn perform(&mut self, call: &ToolCall) -> ToolOutcome {
        ToolOutcome::Error(format!("@{}: a backend call needs its session", call.tool))
    }

    fn perform_for(&mut self, call: &ToolCall, caller: Caller<'_>) -> ToolOutcome {
        let context = self.context(call, caller);
        match &self.runtime {
            Some(runtime) => runtime.block_on(self.backend.call(call, &context)),
            None => ToolOutcome::Error("the executor has no runtime to block on".to_string()),
        }
    }
}

/// A conversation's transcript, both sides in order, for a hand-off.
pub fn transcript(conversation: &Conversation<'_>) -> Vec<Line> {
    let mut lines = Vec::new();
    for entry in conversation.entries() {
        match &entry.event {
            Event::User(text) => lines.push(("customer", text.clone())),
            Event::Interpreted(interpretation) => {
                lines.push(("customer", interpretation.question.reply.clone()));
            }
            _ => {}
        }
        for effect in &entry.output.effects {
            if let Effect::Send(text) = effect {
                lines.push(("bot", text.clone()));
            }
        }
    }
    lines
}
