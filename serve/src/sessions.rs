//! Durable turns: an event in, the pure engine stepped, tool calls
//! performed, every event committed to the store before the caller hears
//! back.
//!
//! # Invariants
//!
//! * The log is written before it is acted on: the event that asks for a
//!   write or destructive tool call is committed before the call is sent,
//!   so a process killed during the call finds the session waiting for it
//!   on restart and sends it again with the same idempotency key
//!   ([`crate::tools::idempotency_key`]). Read calls are batched with the
//!   turn's other events into one commit.
//! * One turn at a time per session in a process (a second one is refused
//!   with 409 `session_busy`); across processes the store's sequence check
//!   refuses the later writer, so a log is never interleaved.
//! * The in-memory copy of a session is only ever the committed one; a
//!   stale copy (another process moved the session) is detected by the
//!   store's sequence check, dropped and rebuilt by replaying the log.

use crate::App;
use crate::error::ApiError;
use crate::store::{Commit, EventRow, SessionRow, SideWrite, StoreError};
use crate::tools::{Request, idempotency_key};
use keel_runtime::log::{self, Header};
use keel_runtime::{
    Effect, Entry, Event, Handoff, Machine, Output, Phase, Session, StateId, ToolCall, ToolOutcome,
    ToolResult, advance,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// A session in memory, as last committed.
#[derive(Debug)]
pub struct Live {
    /// Its row.
    pub row: SessionRow,
    machine: Arc<Machine>,
    session: Session,
    pending: Option<Pending>,
    visits: Vec<(StateId, u32)>,
}

/// A tool call the session waits for, and the visit of its node that made it.
#[derive(Clone, Debug)]
struct Pending {
    call: ToolCall,
    node: StateId,
    visit: u32,
}

type Slot = Arc<tokio::sync::Mutex<Option<Live>>>;

/// The sessions this process holds, each behind its own lock; beyond a
/// capacity, sessions nobody is using are dropped from memory (their log
/// is in the store, and replaying it brings them back).
#[derive(Debug)]
pub struct Sessions {
    slots: Mutex<BTreeMap<String, Slot>>,
    capacity: usize,
}

/// A locked session slot.
pub(crate) type Guard = tokio::sync::OwnedMutexGuard<Option<Live>>;

impl Sessions {
    /// Room for `capacity` sessions in memory.
    pub fn new(capacity: usize) -> Sessions {
        Sessions {
            slots: Mutex::new(BTreeMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// Locks a session's slot, or says it is busy.
    pub fn try_lock(&self, id: &str) -> Result<Guard, ApiError> {
        let slot = {
            let mut slots = self
                .slots
                .lock()
                .map_err(|_| ApiError::internal("the session table lock is poisoned"))?;
            if slots.len() >= self.capacity && !slots.contains_key(id) {
                // Ids are random, so the first unused tenth is a random tenth.
                // A slot only the table holds is unlocked and unborrowed.
                let unused: Vec<String> = slots
                    .iter()
                    .filter(|(_, slot)| Arc::strong_count(slot) == 1)
                    .take(self.capacity / 10 + 1)
                    .map(|(key, _)| key.clone())
                    .collect();
                for key in unused {
                    slots.remove(&key);
                }
            }
            Arc::clone(slots.entry(id.to_string()).or_default())
        };
        slot.try_lock_owned().map_err(|_| {
            ApiError::conflict(
                "session_busy",
                "this session is already handling a message; retry when it answers",
            )
        })
    }

    /// Forgets a finished session's memory (its log stays in the store).
    pub fn forget(&self, id: &str) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.remove(id);
        }
    }

    /// How many sessions are held in memory.
    pub fn held(&self) -> usize {
        self.slots.lock().map_or(0, |slots| slots.len())
    }
}

/// What a turn sends back.
#[derive(Clone, Debug, Serialize)]
pub struct Reply {
    /// The session.
    pub session_id: String,
    /// Events logged so far.
    pub seq: i64,
    /// What it waits for now.
    pub phase: String,
    /// The state it rests in.
    pub node: String,
    /// Messages for the customer, in order.
    pub messages: Vec<String>,
    /// A hand-off to people, if the turn made one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handoff: Option<serde_json::Value>,
    /// The outcome, once finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

/// The phase as stored.
pub(crate) fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::New => "new",
        Phase::WaitingForUser => "waiting_for_user",
        Phase::WaitingForTool => "waiting_for_tool",
        Phase::WaitingForTimer => "waiting_for_timer",
        Phase::HandedOff => "handed_off",
        Phase::Ended => "ended",
        Phase::Closed => "closed",
    }
}

/// What a session token's holder (the customer's channel) may see of a
/// reply: a hand-off's reason, queue and helpdesk ticket number, never its context (names, ids,
/// what the tools returned), which is operator data.
pub(crate) fn customer_view(answer: &mut serde_json::Value) {
    if let Some(handoff) = answer
        .get_mut("handoff")
        .and_then(serde_json::Value::as_object_mut)
    {
        handoff.retain(|key, _| matches!(key.as_str(), "reason" | "queue" | "helpdesk_ticket"));
        // The ticket's helpdesk and number (for the customer's reference),
        // not a helpdesk's error text.
        if let Some(ticket) = handoff
            .get_mut("helpdesk_ticket")
            .and_then(serde_json::Value::as_object_mut)
        {
            ticket.retain(|key, _| key == "helpdesk" || key == "id");
        }
    }
}

/// The log header of a session.
pub(crate) fn header(row: &SessionRow, machine: &Machine) -> Header {
    Header {
        keel_session: log::LOG_VERSION,
        machine: machine.name().to_string(),
        hash: row.hash.clone(),
        today: row.today.clone(),
        policy: Vec::new(),
        customer: Some(row.customer.clone()).filter(|customer| !customer.is_empty()),
        version: Some(row.version),
        artifact: None,
    }
}

/// The tool call an output asks for, counting the visit of its node.
fn track(output: &Output, visits: &mut Vec<(StateId, u32)>) -> Option<Pending> {
    let mut pending = None;
    for effect in &output.effects {
        if let Effect::CallTool(call) = effect {
            let node = output.rest.unwrap_or(StateId(u32::MAX));
            let visit = match visits.iter_mut().find(|(state, _)| *state == node) {
                Some((_, count)) => {
                    *count += 1;
                    *count
                }
                None => {
                    visits.push((node, 1));
                    1
                }
            };
            pending = Some(Pending {
                call: call.clone(),
                node,
                visit,
            });
        }
    }
    pending
}

impl Live {
    /// A new session, not yet stored.
    pub fn new(row: SessionRow, machine: Arc<Machine>, session: Session) -> Live {
        Live {
            row,
            machine,
            session,
            pending: None,
            visits: Vec::new(),
        }
    }

    /// Rebuilds a session from its stored log by replaying it.
    pub async fn load(app: &App, id: &str) -> Result<Option<Live>, ApiError> {
        let Some(row) = app.store.session(id).await? else {
            return Ok(None);
        };
        let machine = app.machines.get(app.store.as_ref(), &row.hash).await?;
        let events = app.store.events(id).await?;
        let mut text = serde_json::to_string(&header(&row, &machine))
            .map_err(|error| ApiError::internal(error.to_string()))?;
        text.push('\n');
        for event in &events {
            text.push_str(&event.line);
            text.push('\n');
        }
        let conversation = log::replay(&machine, &text)
            .map_err(|error| ApiError::internal(format!("session {id}: {error}")))?;
        let mut visits = Vec::new();
        let mut pending = None;
        for entry in conversation.entries() {
            if let Some(found) = track(&entry.output, &mut visits) {
                pending = Some(found);
            }
        }
        let session = conversation.session().clone();
        if session.phase() != Phase::WaitingForTool {
            pending = None;
        }
        let mut row = row;
        row.seq = i64::try_from(events.len()).unwrap_or(i64::MAX);
        Ok(Some(Live {
            row,
            machine: Arc::clone(&machine),
            session,
            pending,
            visits,
        }))
    }

    /// The machine it runs.
    pub fn machine(&self) -> &Arc<Machine> {
        &self.machine
    }

    /// The session's state.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Whether a message to this ended session takes the conversation up
    /// again (through its end state's repair edges) or at least answers
    /// (a thank-you): tried on a copy, so a message the session ignores
    /// is refused without being logged.
    pub(crate) fn would_reopen(&self, text: &str) -> bool {
        if self.session.phase() != Phase::Ended {
            return false;
        }
        let mut session = self.session.clone();
        let mut output = Output::default();
        advance(
            &self.machine,
            &mut session,
            &Event::User(text.to_string()),
            &mut output,
        );
        output.ignored.is_none()
    }
}

/// A turn in progress: the working copy, and the events not yet committed.
struct Turn<'a> {
    app: &'a App,
    live: &'a mut Live,
    creating: bool,
    session: Session,
    pending: Option<Pending>,
    visits: Vec<(StateId, u32)>,
    buffered: Vec<EventRow>,
    effects: Vec<Effect>,
    commits: u32,
    /// The call a crash left pending when this turn began (it is a resend).
    resumed: Option<u32>,
    /// When a timer this turn set comes due (µs).
    wake_at: Option<i64>,
    /// Side rows for the next commit.
    side: Vec<SideWrite>,
    /// The hand-offs this turn made for a helpdesk: the event's sequence
    /// number, the hand-off and the helpdesk (recorded pending).
    handoffs: Vec<(i64, Handoff, &'static str)>,
}

impl Turn<'_> {
    fn apply(&mut self, event: Event) {
        let mut output = Output::default();
        let before = self.session.state();
        advance(&self.live.machine, &mut self.session, &event, &mut output);
        if let Some(repair) = output.repair {
            self.app.metrics.repair(
                &self.live.row.policy,
                self.live.machine.state_name(before),
                repair.trim_start_matches("repair-"),
            );
        }
        let found = track(&output, &mut self.visits);
        for effect in &output.effects {
            if let Effect::Schedule(timer) = effect {
                let micros = i64::try_from(timer.seconds)
                    .unwrap_or(i64::MAX / 2_000_000)
                    .saturating_mul(1_000_000);
                self.wake_at = Some(self.app.clock.now_micros().saturating_add(micros));
            }
        }
        let seq = self.live.row.seq + self.buffered.len() as i64;
        for code in &output.untranslated {
            self.side.push(crate::kpis::unmapped(code));
        }
        if let crate::Tools::Backend(backend) = &self.app.tools {
            for effect in &output.effects {
                if let Effect::HandOff(handoff) = effect {
                    if let Some(helpdesk) = crate::handoff::helpdesk(backend, &self.live.machine) {
                        let now = self.app.clock.now_micros();
                        self.side.push(crate::handoff::pending(
                            &self.live.row.id,
                            seq,
                            helpdesk,
                            now,
                        ));
                        self.handoffs.push((seq, handoff.clone(), helpdesk));
                    }
                }
            }
        }
        self.pending = if self.session.phase() == Phase::WaitingForTool {
            found.or_else(|| self.pending.take())
        } else {
            None
        };
        let entry = Entry { event, output };
        self.buffered.push(EventRow {
            seq,
            at: self.app.clock.now_micros(),
            line: log::line(&self.live.machine, &entry),
        });
        self.effects.extend(entry.output.effects);
    }

    async fn flush(&mut self) -> Result<(), StoreError> {
        if self.buffered.is_empty() {
            return Ok(());
        }
        let events = std::mem::take(&mut self.buffered);
        let mut row = self.live.row.clone();
        row.seq += events.len() as i64;
        row.updated_at = self.app.clock.now_micros();
        row.phase = phase_name(self.session.phase()).to_string();
        row.node = self
            .live
            .machine
            .state_name(self.session.state())
            .to_string();
        row.outcome = self.session.outcome().map(str::to_string);
        row.wake_at = if self.session.phase() == Phase::WaitingForTimer {
            self.wake_at.or(self.live.row.wake_at)
        } else {
            None
        };
        let commit = Commit {
            expected_seq: (!self.creating).then_some(self.live.row.seq),
            session: row.clone(),
            events,
            side: std::mem::take(&mut self.side),
        };
        self.app.store.commit(commit).await?;
        self.commits += 1;
        self.creating = false;
        self.live.row = row;
        self.live.session = self.session.clone();
        self.live.pending = self.pending.clone();
        self.live.visits = self.visits.clone();
        Ok(())
    }

    /// Performs the pending tool calls until the session waits for
    /// something else.
    async fn call_tools(&mut self) -> Result<(), StoreError> {
        while self.session.phase() == Phase::WaitingForTool {
            let Some(pending) = self.pending.clone() else {
                break;
            };
            let machine = Arc::clone(&self.live.machine);
            let writes = machine
                .artifact()
                .tools
                .get(pending.call.tool.as_ref())
                .is_none_or(|tool| tool.effect != "read");
            if writes {
                // The intent is on disk before the call leaves.
                self.flush().await?;
            }
            let key = idempotency_key(
                &self.live.row.id,
                machine.state_name(pending.node),
                pending.visit,
            );
            let started = self.app.clock.now_micros();
            let request = Request {
                call: &pending.call,
                writes,
                key: &key,
                session: &self.live.row.id,
                caller: keel_runtime::Caller {
                    machine: &machine,
                    session: &self.session,
                },
                resend: self.resumed == Some(pending.call.id),
            };
            let outcome = match tokio::time::timeout(
                self.app.config.tool_timeout,
                self.app.tools.call(request),
            )
            .await
            {
                Ok(outcome) => outcome,
                Err(_) => ToolOutcome::Timeout,
            };
            let seconds = (self.app.clock.now_micros() - started) as f64 / 1e6;
            let failure = match &outcome {
                ToolOutcome::Ok(_) => None,
                ToolOutcome::Error(_) => Some("error"),
                ToolOutcome::Timeout => Some("timeout"),
            };
            self.app.metrics.tool(&pending.call.tool, seconds, failure);
            self.apply(Event::ToolResult(ToolResult {
                call: pending.call.id,
                outcome,
            }));
        }
        Ok(())
    }
}

/// Runs one turn on a locked session: applies `event` (if any), performs
/// the tool calls it leads to (or a call left pending by a crash), and
/// commits. `creating` stores the session for the first time.
pub(crate) async fn run(
    app: &App,
    live: &mut Live,
    event: Option<Event>,
    creating: bool,
) -> Result<Reply, ApiError> {
    let was_finished = live.session.is_finished();
    let user_turn = matches!(event, Some(Event::User(_)));
    let resumed = live.pending.as_ref().map(|pending| pending.call.id);
    let mut turn = Turn {
        app,
        session: live.session.clone(),
        pending: live.pending.clone(),
        visits: live.visits.clone(),
        live,
        creating,
        buffered: Vec::new(),
        effects: Vec::new(),
        commits: 0,
        resumed,
        wake_at: None,
        side: Vec::new(),
        handoffs: Vec::new(),
    };
    if let Some(event) = event {
        turn.apply(event);
    }
    let result = match turn.call_tools().await {
        Ok(()) => turn.flush().await,
        Err(error) => Err(error),
    };
    if let Err(error) = result {
        return Err(match (error, turn.commits) {
            (StoreError::Conflict, 0) => ApiError::conflict(
                "stale",
                "another process moved this session first; reload and retry",
            ),
            (error, _) => error.into(),
        });
    }
    let effects = std::mem::take(&mut turn.effects);
    let mut made = std::mem::take(&mut turn.handoffs).into_iter();
    let row = &live.row;
    if user_turn {
        app.metrics.turn(&row.policy);
    }
    if !was_finished && live.session.is_finished() {
        let seconds = (row.updated_at - row.created_at) as f64 / 1e6;
        app.metrics.finished(
            &row.policy,
            row.outcome.as_deref().unwrap_or(""),
            &row.node,
            seconds,
        );
    }
    let mut messages = Vec::new();
    let mut handoff = None;
    for effect in effects {
        match effect {
            Effect::Send(text) => messages.push(text),
            Effect::HandOff(handed) => {
                let mut json = serde_json::json!({
                    "reason": handed.reason.as_ref(),
                    "queue": handed.queue.as_ref(),
                    "ticket": handed.ticket,
                    "context": handed.context,
                });
                if let crate::Tools::Backend(backend) = &app.tools {
                    // Recorded pending with the events: sent now, or by the
                    // sweep after a crash.
                    json["helpdesk_ticket"] = match made.next() {
                        Some((seq, handoff, helpdesk)) => {
                            crate::handoff::send(
                                app,
                                backend,
                                &live.row,
                                &live.machine,
                                (seq, &handoff, helpdesk),
                                false,
                            )
                            .await
                        }
                        None => serde_json::json!({"error": "the backend file names no helpdesk"}),
                    };
                }
                handoff = Some(json);
            }
            Effect::CallTool(_) | Effect::End(_) | Effect::Schedule(_) => {}
        }
    }
    Ok(Reply {
        session_id: row.id.clone(),
        seq: row.seq,
        phase: row.phase.clone(),
        node: row.node.clone(),
        messages,
        handoff,
        outcome: row.outcome.clone(),
    })
}
