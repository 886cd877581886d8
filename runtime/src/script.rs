//! Scripted conversations: user turns plus optional stubbed tool
//! responses in, a transcript (messages, tool calls, the path with its
//! policy spans, the outcome) out. Golden conversations are scripts with an
//! `[expect]` table; [`Coverage`] adds up the states and transitions a set
//! of them visits.

use crate::error::{Error, ErrorKind};
use crate::event::{Effect, Event, ToolOutcome};
use crate::log::{call_summary, describe};
use crate::machine::{EdgeId, Machine, StateId};
use crate::shell::Conversation;
use crate::store::DemoStore;
use crate::tools::{BlockingTools, Stubbed};
use crate::value::{Date, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A scripted conversation (TOML).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// What it shows.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The injected date (`YYYY-MM-DD`); the caller's default otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
    /// The external event that starts a triggered policy (its `$event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<ScriptEvent>,
    /// The customer's turns, in order. A timer the policy sets
    /// (`follow up after …`) fires before the next turn, as if that long
    /// had passed (the session's date moves on by its whole days).
    #[serde(default)]
    pub user: Vec<String>,
    /// Tool responses to use instead of the demo store, in call order per tool.
    #[serde(default, rename = "stub", skip_serializing_if = "Vec::is_empty")]
    pub stubs: Vec<Stub>,
    /// What must happen (golden conversations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// What must happen instead when the conversation runs through a
    /// platform backend (`keel test --backend`), and why it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<Difference>,
}

/// A documented difference between the demo store and a platform backend.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Difference {
    /// Why the platform's answer differs from the demo store's.
    pub why: String,
    /// What must happen through the backend.
    pub expect: Expect,
}

/// The event a scripted conversation of a triggered policy starts with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptEvent {
    /// Its kind (`carrier_scan_gap`).
    pub kind: String,
    /// Its data, bound to `$event`.
    #[serde(default)]
    pub data: serde_json::Value,
}

/// One stubbed tool response; exactly one of the outcome fields is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stub {
    /// The tool.
    pub tool: String,
    /// Which call of the tool it answers (1-based); the next one if unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<u32>,
    /// Return this payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<serde_json::Value>,
    /// Return nothing (an absent `T?`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub absent: bool,
    /// Fail with this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Do not answer in time.
    #[serde(default, skip_serializing_if = "is_false")]
    pub timeout: bool,
    /// Answer with a payload of the wrong shape.
    #[serde(default, skip_serializing_if = "is_false")]
    pub malformed: bool,
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

impl Stub {
    fn outcome(&self) -> Result<ToolOutcome, Error> {
        let chosen = [
            self.ok.is_some(),
            self.absent,
            self.error.is_some(),
            self.timeout,
            self.malformed,
        ]
        .iter()
        .filter(|set| **set)
        .count();
        if chosen != 1 {
            return Err(Error::new(
                ErrorKind::Script,
                format!(
                    "the stub for @{} must set exactly one of ok, absent, error, timeout, malformed",
                    self.tool
                ),
            ));
        }
        Ok(if let Some(ok) = &self.ok {
            ToolOutcome::Ok(Value::from_json(ok))
        } else if self.absent {
            ToolOutcome::Ok(Value::Null)
        } else if let Some(error) = &self.error {
            ToolOutcome::Error(error.clone())
        } else if self.timeout {
            ToolOutcome::Timeout
        } else {
            ToolOutcome::Ok(Value::text("<html><body>502 Bad Gateway</body></html>"))
        })
    }
}

/// What a golden conversation must produce.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The bot's messages, in order; left out, the wording is not checked
    /// (conversations that pin a flow by its tool calls and outcome only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<String>>,
    /// The tool calls, as `tool(arg: value, …)`.
    #[serde(default)]
    pub tool_calls: Vec<String>,
    /// `resolved`, `cancelled`, …, or `escalated: <reason>`, or `waiting`;
    /// a bare `escalated` accepts any hand-off and a bare `ended` any
    /// ending (see [`Outcome::matches`]).
    pub outcome: String,
    /// What a sensible human agent does in this conversation, in one
    /// sentence (documentation for reviewers; not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled_as: Option<String>,
}

impl Script {
    /// Reads a script from TOML.
    pub fn from_toml(text: &str) -> Result<Script, Error> {
        toml::from_str(text).map_err(|error| Error::new(ErrorKind::Script, error.to_string()))
    }

    /// Writes it as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// The file's new text when its expectation is missing or no longer
    /// holds for `transcript` (`None` when it holds): the expectation is
    /// recorded from the run, a conversation that pins no wording keeps
    /// pinning none, and `old_text`'s leading comment lines are kept.
    pub fn blessed(&mut self, old_text: &str, transcript: &Transcript) -> Option<String> {
        if self
            .expect
            .as_ref()
            .is_some_and(|expect| transcript.differences(expect).is_empty())
        {
            return None;
        }
        let mut expect = transcript.expectation();
        if let Some(old) = &self.expect {
            if old.messages.is_none() {
                expect.messages = None;
            }
            expect.handled_as.clone_from(&old.handled_as);
        }
        self.expect = Some(expect);
        let header: String = old_text
            .lines()
            .take_while(|line| line.starts_with('#'))
            .map(|line| format!("{line}\n"))
            .collect();
        Some(header + &self.to_toml())
    }
}

/// The transcript of a run (JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transcript {
    /// The machine's name.
    pub machine: String,
    /// Its content hash.
    pub hash: String,
    /// The injected date.
    pub today: String,
    /// Both sides of the conversation, in order.
    pub messages: Vec<Said>,
    /// Every tool call with its result.
    pub tool_calls: Vec<CallRecord>,
    /// Every transition taken, with the policy text behind it.
    pub path: Vec<PathStep>,
    /// How it ended.
    pub outcome: Outcome,
    /// User turns the conversation never read (it had ended).
    #[serde(skip_serializing_if = "is_zero")]
    pub unread_turns: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// One message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Said {
    /// `bot` or `customer`.
    pub from: &'static str,
    /// The text.
    pub text: String,
}

/// One tool call.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallRecord {
    /// `tool(arg: value)`.
    pub call: String,
    /// The tool.
    pub tool: String,
    /// Its arguments.
    pub args: serde_json::Value,
    /// `{"ok": …}`, `{"error": …}` or `"timeout"`.
    pub result: serde_json::Value,
    /// Answered by a stub rather than the demo store.
    pub stubbed: bool,
}

/// One transition taken.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathStep {
    /// From this state.
    pub from: String,
    /// Along this label.
    pub label: String,
    /// To this state.
    pub to: String,
    /// What decided it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub why: String,
    /// The policy text behind the state it left (`null` for added states).
    pub source: Option<Span>,
}

/// A place in the policy text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    /// File.
    pub file: String,
    /// Step label.
    pub step: String,
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// The text.
    pub text: String,
}

/// How a conversation ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// `ended`, `escalated`, `fault` or `waiting`.
    pub status: String,
    /// The end state's outcome (`resolved`, `cancelled`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// The hand-off's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The hand-off's queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// Whether the hand-off is a ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<bool>,
}

impl Outcome {
    /// Whether a golden file's `outcome` line accepts this outcome: its
    /// [`summary`](Outcome::summary) exactly, or a bare status — `escalated`
    /// for a hand-off with any reason, `ended` for an ending with any
    /// outcome.
    pub fn matches(&self, expected: &str) -> bool {
        match expected {
            "escalated" | "ended" => self.status == expected,
            _ => self.summary() == expected,
        }
    }

    /// The one-line form golden files use.
    pub fn summary(&self) -> String {
        match (&self.outcome, &self.reason) {
            (Some(outcome), _) => outcome.clone(),
            (None, Some(reason)) => format!("{}: {reason}", self.status),
            (None, None) => self.status.clone(),
        }
    }
}

/// A finished run.
#[derive(Debug)]
pub struct Run<'m> {
    /// The conversation, with its log.
    pub conversation: Conversation<'m>,
    /// Its transcript.
    pub transcript: Transcript,
}

/// Runs a script against `machine` over the demo store (with the script's stubs).
pub fn run<'m>(
    machine: &'m Machine,
    script: &Script,
    default_today: Date,
) -> Result<Run<'m>, Error> {
    run_with(machine, script, default_today, DemoStore::embedded)
}

/// Runs a script against `machine` over the tools `backend` makes for the
/// script's date (with the script's stubs in front of them).
pub fn run_with<'m, T: BlockingTools>(
    machine: &'m Machine,
    script: &Script,
    default_today: Date,
    backend: impl FnOnce(Date) -> T,
) -> Result<Run<'m>, Error> {
    let today = match &script.today {
        Some(text) => Date::parse_iso(text).ok_or_else(|| {
            Error::new(
                ErrorKind::Script,
                format!("`today = \"{text}\"` is not a YYYY-MM-DD date"),
            )
        })?,
        None => default_today,
    };
    let mut tools = Stubbed::new(backend(today));
    for stub in &script.stubs {
        tools.push(&stub.tool, stub.call, stub.outcome()?);
    }
    let mut conversation = Conversation::new(machine, today).with_timers_at_once();
    let mut said = Vec::new();
    let start = match &script.event {
        Some(event) => Event::Triggered(Box::new(crate::event::Triggered {
            kind: event.kind.clone(),
            data: Value::from_json(&event.data),
        })),
        None => Event::Start,
    };
    let first = conversation.turn_blocking(start, &mut tools);
    said.extend(conversation.messages_since(first).map(|text| Said {
        from: "bot",
        text: text.to_string(),
    }));
    let mut unread = 0;
    for turn in &script.user {
        if !conversation.takes_messages() {
            unread += 1;
            continue;
        }
        let first = conversation.reply_blocking(turn, &mut tools);
        // A message after the end that takes nothing up again is not read.
        if conversation
            .entries()
            .get(first)
            .is_some_and(|entry| entry.output.ignored.is_some())
        {
            unread += 1;
            continue;
        }
        said.push(Said {
            from: "customer",
            text: turn.clone(),
        });
        said.extend(conversation.messages_since(first).map(|text| Said {
            from: "bot",
            text: text.to_string(),
        }));
    }
    let transcript = transcript(&conversation, said, &tools.answered_by_stub, unread);
    Ok(Run {
        conversation,
        transcript,
    })
}

fn transcript(
    conversation: &Conversation<'_>,
    messages: Vec<Said>,
    stubbed: &[bool],
    unread: usize,
) -> Transcript {
    let machine = conversation.machine();
    let mut tool_calls: Vec<CallRecord> = Vec::new();
    let mut path = Vec::new();
    let mut outcome = Outcome {
        status: "waiting".to_string(),
        outcome: None,
        reason: None,
        queue: None,
        ticket: None,
    };
    for entry in conversation.entries() {
        if let Event::ToolResult(result) = &entry.event {
            if let Some(record) = tool_calls.get_mut(result.call.saturating_sub(1) as usize) {
                record.result = serde_json::to_value(&result.outcome).unwrap_or_default();
            }
        }
        for taken in &entry.output.taken {
            let transition = machine.edge(taken.edge);
            let from = machine
                .edge_ends(taken.edge)
                .map_or(StateId(0), |(from, _)| from);
            path.push(PathStep {
                from: transition.map(|edge| edge.from.clone()).unwrap_or_default(),
                label: transition
                    .map(|edge| edge.label.clone())
                    .unwrap_or_default(),
                to: transition.map(|edge| edge.to.clone()).unwrap_or_default(),
                why: describe(&taken.evidence),
                source: machine.state_source(from).map(|source| Span {
                    file: source.file.clone(),
                    step: source.step.clone(),
                    line: source.line,
                    column: source.column,
                    text: source.text.clone(),
                }),
            });
        }
        for effect in &entry.output.effects {
            match effect {
                Effect::CallTool(call) => tool_calls.push(CallRecord {
                    call: call_summary(call),
                    tool: call.tool.to_string(),
                    args: serde_json::to_value(&call.args).unwrap_or_default(),
                    result: serde_json::Value::Null,
                    stubbed: stubbed.get(tool_calls.len()).copied().unwrap_or(false),
                }),
                Effect::HandOff(handoff) => {
                    outcome.status = if conversation.session().outcome() == Some("fault") {
                        "fault".to_string()
                    } else {
                        "escalated".to_string()
                    };
                    // A hand-off after a reopened ending replaces it.
                    outcome.outcome = None;
                    outcome.reason = Some(handoff.reason.to_string());
                    outcome.queue = Some(handoff.queue.to_string());
                    outcome.ticket = Some(handoff.ticket);
                }
                Effect::End(end) => {
                    outcome.status = "ended".to_string();
                    outcome.outcome = Some(end.to_string());
                }
                Effect::Send(_) | Effect::Schedule(_) => {}
            }
        }
    }
    Transcript {
        machine: machine.name().to_string(),
        hash: machine.hash().to_string(),
        today: conversation.session().today().iso(),
        messages,
        tool_calls,
        path,
        outcome,
        unread_turns: unread,
    }
}

impl Transcript {
    /// What a golden file would expect of this run.
    pub fn expectation(&self) -> Expect {
        Expect {
            messages: Some(
                self.messages
                    .iter()
                    .filter(|said| said.from == "bot")
                    .map(|said| said.text.clone())
                    .collect(),
            ),
            tool_calls: self
                .tool_calls
                .iter()
                .map(|call| call.call.clone())
                .collect(),
            outcome: self.outcome.summary(),
            handled_as: None,
        }
    }

    /// Differences from an expectation, one line each (empty if none).
    pub fn differences(&self, expect: &Expect) -> Vec<String> {
        let actual = self.expectation();
        let mut differences = Vec::new();
        if let (Some(expected), Some(actual)) = (&expect.messages, &actual.messages) {
            compare_lists("message", expected, actual, &mut differences);
        }
        compare_lists(
            "tool call",
            &expect.tool_calls,
            &actual.tool_calls,
            &mut differences,
        );
        if !self.outcome.matches(&expect.outcome) {
            differences.push(format!(
                "outcome: expected `{}`, got `{}`",
                expect.outcome, actual.outcome
            ));
        }
        if self.unread_turns > 0 {
            differences.push(format!(
                "{} user turn(s) came after the conversation ended",
                self.unread_turns
            ));
        }
        differences
    }
}

fn compare_lists(what: &str, expected: &[String], actual: &[String], out: &mut Vec<String>) {
    for index in 0..expected.len().max(actual.len()) {
        match (expected.get(index), actual.get(index)) {
            (Some(expected), Some(actual)) if expected == actual => {}
            (Some(expected), Some(actual)) => out.push(format!(
                "{what} {}: expected {expected:?}, got {actual:?}",
                index + 1
            )),
            (Some(expected), None) => out.push(format!(
                "{what} {}: expected {expected:?}, got nothing",
                index + 1
            )),
            (None, Some(actual)) => {
                out.push(format!("{what} {}: unexpected {actual:?}", index + 1))
            }
            (None, None) => {}
        }
    }
}

/// States and transitions visited by a set of conversations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coverage {
    states: BTreeSet<u32>,
    edges: BTreeSet<u32>,
}

impl Coverage {
    /// Adds what one conversation visited.
    pub fn add(&mut self, conversation: &Conversation<'_>) {
        let machine = conversation.machine();
        let mut started = false;
        for entry in conversation.entries() {
            if matches!(entry.event, Event::Start) && entry.output.ignored.is_none() {
                started = true;
            }
            for taken in &entry.output.taken {
                self.edges.insert(taken.edge.0);
                if let Some((from, to)) = machine.edge_ends(taken.edge) {
                    self.states.insert(from.0);
                    self.states.insert(to.0);
                }
            }
            if let Some(rest) = entry.output.rest {
                self.states.insert(rest.0);
            }
        }
        if started {
            self.states.insert(machine.start().0);
        }
    }

    /// `(visited, total)` states of the policy (keel's repair states are
    /// counted in [`Coverage::repairs`]).
    pub fn states(&self, machine: &Machine) -> (usize, usize) {
        let policy: Vec<u32> = (0..machine.state_count() as u32)
            .filter(|state| !is_repair_state(machine, StateId(*state)))
            .collect();
        let visited = policy
            .iter()
            .filter(|state| self.states.contains(state))
            .count();
        (visited, policy.len())
    }

    /// `(taken, total)` transitions of the policy (keel's repair
    /// transitions are counted in [`Coverage::repairs`]).
    pub fn edges(&self, machine: &Machine) -> (usize, usize) {
        let policy: Vec<u32> = (0..machine.edge_count() as u32)
            .filter(|edge| !is_repair_edge(machine, EdgeId(*edge)))
            .collect();
        let taken = policy
            .iter()
            .filter(|edge| self.edges.contains(edge))
            .count();
        (taken, policy.len())
    }

    /// `(taken, total)` of keel's conversation-repair transitions.
    pub fn repairs(&self, machine: &Machine) -> (usize, usize) {
        let repairs: Vec<u32> = (0..machine.edge_count() as u32)
            .filter(|edge| is_repair_edge(machine, EdgeId(*edge)))
            .collect();
        let taken = repairs
            .iter()
            .filter(|edge| self.edges.contains(edge))
            .count();
        (taken, repairs.len())
    }

    /// Policy transitions never taken, as `from —label→ to`.
    pub fn missing_edges(&self, machine: &Machine) -> Vec<String> {
        (0..machine.edge_count() as u32)
            .filter(|edge| !self.edges.contains(edge) && !is_repair_edge(machine, EdgeId(*edge)))
            .filter_map(|edge| machine.edge(EdgeId(edge)))
            .map(|edge| {
                let values = if edge.values.is_empty() {
                    String::new()
                } else {
                    format!(" {:?}", edge.values)
                };
                format!("{} —{}{values}→ {}", edge.from, edge.label, edge.to)
            })
            .collect()
    }

    /// Policy states never visited.
    pub fn missing_states(&self, machine: &Machine) -> Vec<String> {
        (0..machine.state_count() as u32)
            .filter(|state| {
                !self.states.contains(state) && !is_repair_state(machine, StateId(*state))
            })
            .map(|state| machine.state_name(StateId(state)).to_string())
            .collect()
    }
}

/// Whether a transition is one of keel's conversation repairs.
fn is_repair_edge(machine: &Machine, edge: EdgeId) -> bool {
    machine.edge(edge).is_some_and(|entry| entry.repair)
}

/// Whether keel added a state only for conversation repair: every
/// transition into it is a repair transition.
fn is_repair_state(machine: &Machine, state: StateId) -> bool {
    if state == machine.start() {
        return false;
    }
    let mut incoming = (0..machine.edge_count() as u32)
        .map(EdgeId)
        .filter(|edge| machine.edge_ends(*edge).is_some_and(|(_, to)| to == state))
        .peekable();
    incoming.peek().is_some() && incoming.all(|edge| is_repair_edge(machine, edge))
}
