//! The shell around the pure engine: a [`Conversation`] applies events,
//! performs the effects that need the outside world (tool calls, through a
//! [`ToolExecutor`] on tokio or a [`BlockingTools`] in-process), feeds the
//! results back as events, and keeps the event log the session *is*.

use crate::engine::advance;
use crate::event::{Effect, Event, Output, ToolCall, ToolOutcome, ToolResult};
use crate::interpret::{Interpreter, Phraser};
use crate::machine::Machine;
use crate::session::{Phase, Session};
use crate::tools::{BlockingTools, Caller, ToolExecutor};
use crate::value::Date;
use std::time::Duration;

/// One logged event and what it produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The event.
    pub event: Event,
    /// Its output.
    pub output: Output,
}

/// A running conversation: the machine, the session, and its log.
#[derive(Debug)]
pub struct Conversation<'m> {
    machine: &'m Machine,
    session: Session,
    entries: Vec<Entry>,
    timers_at_once: bool,
}

impl<'m> Conversation<'m> {
    /// A new conversation (nothing happens before a start).
    pub fn new(machine: &'m Machine, today: Date) -> Conversation<'m> {
        Conversation {
            machine,
            session: Session::new(machine, today),
            // A short conversation's entries, within the allocator's small sizes.
            entries: Vec::with_capacity(8),
            timers_at_once: false,
        }
    }

    /// Binds the session to the customer it is started for (see
    /// [`Session::with_customer`]); before the start.
    pub fn for_customer(mut self, customer: Option<&str>) -> Conversation<'m> {
        self.session = self.session.with_customer(customer);
        self
    }

    /// Applies the due-now event of the pending timer when timers fire at
    /// once; whether it did.
    fn fire_due_timer(&mut self) -> bool {
        match self.timer_due_now().filter(|_| self.timers_at_once) {
            Some(fired) => {
                self.apply(fired);
                true
            }
            None => false,
        }
    }

    /// Fires every timer the policy sets (`follow up after …`) as soon as
    /// it is set, as if that long had passed — for in-process callers
    /// (`keel chat`, scripted conversations), which make nobody wait.
    pub fn with_timers_at_once(mut self) -> Self {
        self.timers_at_once = true;
        self
    }

    /// The machine.
    pub fn machine(&self) -> &'m Machine {
        self.machine
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The log so far.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Applies one event with the pure engine and logs it.
    pub fn apply(&mut self, event: Event) -> &Output {
        // The step writes into its log entry in place (an output is a few
        // hundred bytes of inline effects and transitions: not moved).
        // Built after the room is made (`extend` reserves first), so the
        // entry can be written straight into the vector.
        self.entries.extend(std::iter::once_with(|| Entry {
            event,
            output: Output::default(),
        }));
        let last = self.entries.len() - 1;
        let entry = &mut self.entries[last];
        advance(
            self.machine,
            &mut self.session,
            &entry.event,
            &mut entry.output,
        );
        &self.entries[last].output
    }

    fn pending_call(&self) -> Option<&ToolCall> {
        if self.session.phase() != Phase::WaitingForTool {
            return None;
        }
        self.entries.last().and_then(|entry| {
            entry
                .output
                .effects
                .iter()
                .rev()
                .find_map(|effect| match effect {
                    Effect::CallTool(call) => Some(call),
                    _ => None,
                })
        })
    }

    /// The timer the session waits for, if it waits for one: its id and
    /// how many seconds it was set for.
    pub fn pending_timer(&self) -> Option<(u32, u64)> {
        if self.session.phase() != Phase::WaitingForTimer {
            return None;
        }
        self.entries.iter().rev().find_map(|entry| {
            entry
                .output
                .effects
                .iter()
                .rev()
                .find_map(|effect| match effect {
                    Effect::Schedule(timer) => Some((timer.id, timer.seconds)),
                    _ => None,
                })
        })
    }

    /// The event of the pending timer coming due, as if that long had
    /// passed (the date moves on by its whole days); `None` when the
    /// session waits for no timer. For in-process callers (`keel chat`,
    /// scripted conversations), which do not make anyone wait.
    pub fn timer_due_now(&self) -> Option<Event> {
        let (timer, seconds) = self.pending_timer()?;
        let days = i32::try_from(seconds / 86_400).unwrap_or(i32::MAX);
        Some(Event::TimerFired(crate::event::TimerFired {
            timer,
            today: Some(self.session.today().plus_days(days).iso()),
        }))
    }

    /// Starts the conversation, performing tool calls in-process; returns
    /// the index of the first log entry of this turn.
    pub fn start_blocking(&mut self, tools: &mut impl BlockingTools) -> usize {
        self.turn_blocking(Event::Start, tools)
    }

    /// Gives the customer's reply, performing tool calls in-process.
    pub fn reply_blocking(&mut self, text: &str, tools: &mut impl BlockingTools) -> usize {
        self.turn_blocking(Event::User(text.to_string()), tools)
    }

    /// Applies an event and every tool call it leads to, in-process.
    pub fn turn_blocking(&mut self, event: Event, tools: &mut impl BlockingTools) -> usize {
        let first = self.entries.len();
        self.apply(event);
        loop {
            while let Some(call) = self.pending_call() {
                let id = call.id;
                let caller = Caller {
                    machine: self.machine,
                    session: &self.session,
                };
                let outcome = tools.perform_for(call, caller);
                self.apply(Event::ToolResult(ToolResult { call: id, outcome }));
            }
            if !self.fire_due_timer() {
                break;
            }
        }
        first
    }

    /// Applies an event and every tool call it leads to, on the async
    /// executor; a call that takes longer than `timeout` is a timeout.
    pub async fn turn(
        &mut self,
        event: Event,
        tools: &mut impl ToolExecutor,
        timeout: Duration,
    ) -> usize {
        let first = self.entries.len();
        self.apply(event);
        loop {
            while let Some(call) = self.pending_call().cloned() {
                let caller = Caller {
                    machine: self.machine,
                    session: &self.session,
                };
                let outcome =
                    match tokio::time::timeout(timeout, tools.call_for(&call, caller)).await {
                        Ok(outcome) => outcome,
                        Err(_) => ToolOutcome::Timeout,
                    };
                self.apply(Event::ToolResult(ToolResult {
                    call: call.id,
                    outcome,
                }));
            }
            if !self.fire_due_timer() {
                break;
            }
        }
        first
    }

    /// The messages sent to the customer from log entry `first` on (a
    /// message reworded by [`Conversation::phrase_since`] as it was sent).
    pub fn messages_since(&self, first: usize) -> impl Iterator<Item = &str> + '_ {
        let entries = self.entries.get(first..).unwrap_or(&[]);
        let mut messages: Vec<&str> = Vec::new();
        // Phrasings follow the messages they reword, in order.
        let mut cursor = 0;
        for entry in entries {
            if let Event::Phrased(phrasing) = &entry.event {
                let found = messages
                    .iter()
                    .skip(cursor)
                    .position(|message| *message == phrasing.template);
                if let Some(offset) = found {
                    messages[cursor + offset] = phrasing.sent.as_str();
                    cursor += offset + 1;
                }
                continue;
            }
            messages.extend(
                entry
                    .output
                    .effects
                    .iter()
                    .filter_map(|effect| match effect {
                        Effect::Send(text) => Some(text.as_str()),
                        _ => None,
                    }),
            );
        }
        messages.into_iter()
    }

    /// Offers each message sent from log entry `first` on to `phraser`,
    /// and logs each decision as an [`Event::Phrased`] (the machine does not
    /// move; replay re-applies the record, with no LLM).
    pub async fn phrase_since(&mut self, first: usize, phraser: &mut impl Phraser) {
        let templates: Vec<String> = self
            .entries
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .flat_map(|entry| entry.output.effects.iter())
            .filter_map(|effect| match effect {
                Effect::Send(text) => Some(text.clone()),
                _ => None,
            })
            .collect();
        for template in templates {
            let phrasing = phraser.phrase(&template).await;
            self.apply(Event::Phrased(Box::new(phrasing)));
        }
    }

    /// The event for the customer's `reply`: [`Event::User`], or, when the
    /// rules find it unclear at a yes/no or options question (see
    /// [`crate::intent_question`]), one `interpreter` call logged as
    /// [`Event::Interpreted`]. At most one call per reply.
    pub async fn read_reply(&self, reply: &str, interpreter: &mut impl Interpreter) -> Event {
        match crate::interpret::intent_question(self.machine, &self.session, reply) {
            Some(question) => Event::Interpreted(Box::new(interpreter.interpret(&question).await)),
            None => Event::User(reply.to_string()),
        }
    }

    /// [`Conversation::read_reply`], then [`Conversation::turn_blocking`];
    /// for in-process callers that are not async themselves.
    pub fn reply_interpreting_blocking(
        &mut self,
        reply: &str,
        tools: &mut impl BlockingTools,
        interpreter: &mut impl Interpreter,
    ) -> usize {
        let event = block_on(self.read_reply(reply, interpreter))
            .unwrap_or_else(|_| Event::User(reply.to_string()));
        self.turn_blocking(event, tools)
    }

    /// Whether the conversation waits for the customer.
    /// Whether a customer message would be read: the session waits for
    /// one, or has ended (a message may take it up again), or was handed
    /// off (a thank-you is answered).
    pub fn takes_messages(&self) -> bool {
        matches!(
            self.session.phase(),
            Phase::WaitingForUser | Phase::Ended | Phase::HandedOff
        )
    }

    /// Whether the session waits for the customer's reply.
    pub fn waits_for_user(&self) -> bool {
        self.session.phase() == Phase::WaitingForUser
    }
}

/// Runs a future to completion on a current-thread tokio runtime (for
/// callers, such as the CLI, that are not async themselves). Timers and,
/// where tokio's `net` is built in (an LLM client), IO are enabled.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, std::io::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(future))
}
