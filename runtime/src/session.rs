//! A session's in-memory state: where it is, what it knows, what it waits
//! for. It is small on purpose (a parked session is a state index, a few
//! counters and the variables), and it is fully determined by the
//! machine, the start date and the events applied to it.

use crate::machine::{Machine, StateId};
use crate::value::{Date, Value};
use std::sync::Arc;

/// What a session is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not started: waiting for [`crate::Event::Start`].
    New,
    /// Waiting for the customer's reply at an ask.
    WaitingForUser,
    /// Waiting for a tool result.
    WaitingForTool,
    /// Waiting for a timer (`follow up after …`), or the customer's next
    /// message, whichever comes first.
    WaitingForTimer,
    /// Handed off to people; waiting for the acknowledgement.
    HandedOff,
    /// Ended at an `end` state.
    Ended,
    /// Handed off and acknowledged.
    Closed,
}

/// One conversation's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub(crate) state: StateId,
    pub(crate) phase: Phase,
    pub(crate) attempts: u8,
    pub(crate) pending: u32,
    pub(crate) calls: u32,
    pub(crate) today: Date,
    pub(crate) vars: Box<[Value]>,
    pub(crate) counters: Box<[u8]>,
    pub(crate) destructive: Vec<(u16, Box<[Value]>)>,
    pub(crate) outcome: Option<Arc<str>>,
    /// The customer the session was started for, if any: the identity
    /// tool's result must be this customer (see [`Session::with_customer`]).
    pub(crate) customer: Option<Arc<str>>,
    /// The customer's last answer was an explicit yes (an ending with no
    /// outcome right after it counts as resolved: the customer confirmed).
    pub(crate) confirmed: bool,
    /// When each variable was bound (a sequence number; 0: not bound), so
    /// a correction forgets exactly what was bound since the question it
    /// goes back to.
    pub(crate) bound_at: Box<[u32]>,
    /// The last sequence number given out.
    pub(crate) binds: u32,
    /// Recent replies that may hold answers to later questions ("maya@…,
    /// where is order 1039?"), each with the kind of question it already
    /// answered; at most two, newest last.
    pub(crate) offered: Vec<(Arc<str>, Option<crate::machine::SlotKind>)>,
}

impl Session {
    /// A new session of `machine` whose clock reads `today`.
    pub fn new(machine: &Machine, today: Date) -> Session {
        Session {
            state: machine.start,
            phase: Phase::New,
            attempts: 0,
            pending: 0,
            calls: 0,
            today,
            // Built rather than cloned (`vec![Value::Null; n]` clones each).
            vars: (0..machine.vars.len()).map(|_| Value::Null).collect(),
            counters: vec![0; usize::from(machine.retry_slots)].into_boxed_slice(),
            destructive: Vec::new(),
            outcome: None,
            customer: None,
            confirmed: false,
            bound_at: vec![0; machine.vars.len()].into_boxed_slice(),
            binds: 0,
            offered: Vec::new(),
        }
    }

    /// Binds the session to the customer it was started for (part of its
    /// start, like the date). Then the result of the identity tool (the
    /// catalog's `verifies_identity`) must be that customer, or the
    /// conversation hands off: the customer matches when, ignoring case and
    /// surrounding spaces, it equals the result itself (a text or number id)
    /// or one of the result record's `id`, `customer_id`, `user_id` or
    /// `email` fields. `None` (an anonymous channel) keeps identity by
    /// email alone.
    pub fn with_customer(mut self, customer: Option<&str>) -> Session {
        self.customer = customer
            .map(str::trim)
            .filter(|customer| !customer.is_empty())
            .map(Arc::from);
        self
    }

    /// The customer the session is bound to, if any.
    pub fn customer(&self) -> Option<&str> {
        self.customer.as_deref()
    }

    /// The current state.
    pub fn state(&self) -> StateId {
        self.state
    }

    /// What it waits for.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The id of the tool call or timer the session waits for.
    pub fn pending_id(&self) -> u32 {
        self.pending
    }

    /// The injected date.
    pub fn today(&self) -> Date {
        self.today
    }

    /// The outcome once finished: the end state's outcome, `escalated`, or
    /// `fault` if keel had to stop the machine. An end state that names no
    /// outcome gives `ended` — or `resolved` when the customer's last answer
    /// was yes (they confirmed it).
    pub fn outcome(&self) -> Option<&str> {
        self.outcome.as_deref()
    }

    /// True once nothing more can happen but an acknowledgement.
    pub fn is_finished(&self) -> bool {
        matches!(self.phase, Phase::HandedOff | Phase::Ended | Phase::Closed)
    }

    /// A variable's value by name (`Null` if unset or unknown).
    pub fn var<'a>(&'a self, machine: &Machine, name: &str) -> &'a Value {
        machine
            .vars
            .iter()
            .position(|var| var.as_ref() == name)
            .and_then(|index| self.vars.get(index))
            .unwrap_or(&Value::Null)
    }

    /// Every variable the session has bound, by name: what a hand-off
    /// carries to the agent, and what an executor may read of the session.
    pub fn context(&self, machine: &Machine) -> std::collections::BTreeMap<String, Value> {
        self.vars
            .iter()
            .enumerate()
            .filter(|(_, value)| !value.is_null())
            .filter_map(|(index, value)| {
                let name = machine.vars.get(index)?;
                Some((name.to_string(), value.clone()))
            })
            .collect()
    }

    /// Bytes this session owns on the heap, beyond its own struct, not
    /// counting values shared with others.
    pub fn heap_bytes(&self) -> usize {
        self.vars.len() * std::mem::size_of::<Value>()
            + self.counters.len()
            + self.destructive.capacity() * std::mem::size_of::<(u16, Box<[Value]>)>()
            + self.bound_at.len() * std::mem::size_of::<u32>()
            + self.offered.capacity()
                * std::mem::size_of::<(Arc<str>, Option<crate::machine::SlotKind>)>()
            + self
                .offered
                .iter()
                .map(|(reply, _)| reply.len())
                .sum::<usize>()
    }
}
