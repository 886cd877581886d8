//! Sessions as event logs (JSON lines), replay and explanation.
//!
//! The first line is a header pinning the machine's content hash and the
//! injected date; each further line is one event, the effects it produced
//! and the transitions it took (with the evidence for each). Replaying
//! re-applies the events to a fresh session of the same machine and
//! requires every line to come out byte for byte the same.

use crate::error::{Error, ErrorKind};
use crate::event::{Effect, Event, Evidence};
use crate::machine::Machine;
use crate::shell::{Conversation, Entry};
use crate::value::Date;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Version of the log format.
pub const LOG_VERSION: u32 = 1;

/// The first line of a log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// [`LOG_VERSION`].
    pub keel_session: u32,
    /// The machine's name.
    pub machine: String,
    /// The machine's content hash: replay refuses any other machine.
    pub hash: String,
    /// The injected date.
    pub today: String,
    /// The policy files the machine was compiled from, as given.
    #[serde(default)]
    pub policy: Vec<String>,
    /// The customer the session was started for, if any (part of its
    /// start: replay binds the session to it again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// The deployed version of the policy the session ran (`keel serve`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The machine itself, as its artifact JSON (`keel serve`'s `/log`), so
    /// that replay needs no policy files; its content hash must be `hash`
    /// ([`embedded_machine`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<serde_json::Value>,
}

/// The machine a log's header embeds, if it embeds one: refused unless
/// its content hash (recomputed, not read from it) is the one the log is
/// pinned to.
pub fn embedded_machine(header: &Header) -> Result<Option<Machine>, Error> {
    let Some(value) = &header.artifact else {
        return Ok(None);
    };
    let artifact: keel_compiler::emit::artifact::Artifact = serde_json::from_value(value.clone())
        .map_err(|error| {
        Error::new(
            ErrorKind::Log,
            format!("line 1: the embedded machine does not read as an artifact: {error}"),
        )
    })?;
    let hash = keel_compiler::emit::artifact::content_hash(&artifact);
    if hash != header.hash || artifact.hash != header.hash {
        return Err(Error::new(
            ErrorKind::Log,
            format!(
                "line 1: the embedded machine's content hash is {hash}, but the session is pinned to {}",
                header.hash
            ),
        ));
    }
    Machine::new(artifact).map(Some)
}

/// One event line of a log, as read back: the event, the effects it
/// produced, the transitions it took (with the evidence in words), where
/// the session came to rest, and why an event was ignored. What
/// [`line`] writes, [`Line::parse`] reads, field for field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// The event.
    pub event: Event,
    /// What it made the shell do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Effect>,
    /// The transitions it took.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<Hop>,
    /// The state the session rests at, if it stopped at one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Why the event changed nothing, if it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    /// The conversation repair the reply asked for, if it was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<String>,
}

/// One transition in a [`Line`], by stable state ids.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hop {
    /// The state left.
    pub from: String,
    /// The transition's label.
    pub label: String,
    /// The state entered.
    pub to: String,
    /// The evidence, in words (empty when the state has one way out).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
}

impl Line {
    /// Reads one event line of a log.
    pub fn parse(text: &str) -> Result<Line, Error> {
        serde_json::from_str(text).map_err(|error| Error::new(ErrorKind::Log, error.to_string()))
    }
}

/// [`Line`] as written: borrowed, so logging a turn copies nothing.
#[derive(Serialize)]
struct LineRef<'a> {
    event: &'a Event,
    #[serde(skip_serializing_if = "<[Effect]>::is_empty")]
    effects: &'a [Effect],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    path: Vec<HopRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ignored: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repair: Option<&'a str>,
}

#[derive(Serialize)]
struct HopRef<'a> {
    from: &'a str,
    label: &'a str,
    to: &'a str,
    #[serde(skip_serializing_if = "String::is_empty")]
    why: String,
}

/// The evidence, in words.
pub fn describe(evidence: &Evidence) -> String {
    match evidence {
        Evidence::Always => String::new(),
        Evidence::Slot { rule, matched } if matched.is_empty() => format!("reply read as {rule}"),
        Evidence::Slot { rule, matched } => format!("reply read as {rule}: “{matched}”"),
        Evidence::Tool(what) => format!("tool result: {what}"),
        Evidence::Value(value) => format!("value: {value}"),
        Evidence::Compared(left, right) => format!("value: {} vs {}", left.plain(), right.plain()),
        Evidence::Count(count) => format!("counter was {count}"),
    }
}

/// One log line for an entry.
pub fn line(machine: &Machine, entry: &Entry) -> String {
    let path = entry
        .output
        .taken
        .iter()
        .map(|taken| {
            let transition = machine.edge(taken.edge);
            HopRef {
                from: transition.map_or("?", |transition| transition.from.as_str()),
                label: transition.map_or("?", |transition| transition.label.as_str()),
                to: transition.map_or("?", |transition| transition.to.as_str()),
                why: describe(&taken.evidence),
            }
        })
        .collect();
    let line = LineRef {
        event: &entry.event,
        effects: &entry.output.effects,
        path,
        at: entry.output.rest.map(|state| machine.state_name(state)),
        ignored: entry.output.ignored,
        repair: entry.output.repair,
    };
    serde_json::to_string(&line).unwrap_or_default()
}

/// The whole log of a conversation.
pub fn write(conversation: &Conversation<'_>, policy: &[String]) -> String {
    let machine = conversation.machine();
    let header = Header {
        keel_session: LOG_VERSION,
        machine: machine.name().to_string(),
        hash: machine.hash().to_string(),
        today: conversation.session().today().iso(),
        policy: policy.to_vec(),
        customer: conversation.session().customer().map(str::to_string),
        version: None,
        artifact: None,
    };
    let mut text = serde_json::to_string(&header).unwrap_or_default();
    text.push('\n');
    for entry in conversation.entries() {
        text.push_str(&line(machine, entry));
        text.push('\n');
    }
    text
}

/// Reads only the header of a log.
pub fn header(log: &str) -> Result<Header, Error> {
    let first = log.lines().next().unwrap_or_default();
    serde_json::from_str(first).map_err(|error| {
        Error::new(
            ErrorKind::Log,
            format!("line 1: not a keel session header: {error}"),
        )
    })
}

/// Re-executes a log against `machine`; fails on the first line that comes
/// out different, or if the log was pinned to another machine version.
pub fn replay<'m>(machine: &'m Machine, log: &str) -> Result<Conversation<'m>, Error> {
    let header = header(log)?;
    if header.hash != machine.hash() {
        return Err(Error::new(
            ErrorKind::Log,
            format!(
                "the session is pinned to machine {} but this machine is {}: the policy changed since",
                header.hash,
                machine.hash()
            ),
        ));
    }
    let today = Date::parse_iso(&header.today).ok_or_else(|| {
        Error::new(
            ErrorKind::Log,
            format!("line 1: `{}` is not a date", header.today),
        )
    })?;
    let mut conversation =
        Conversation::new(machine, today).for_customer(header.customer.as_deref());
    for (index, recorded) in log.lines().enumerate().skip(1) {
        if recorded.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let logged = Line::parse(recorded)
            .map_err(|error| Error::new(ErrorKind::Log, format!("line {number}: {error}")))?;
        conversation.apply(logged.event);
        let entries = conversation.entries();
        let produced = line(machine, &entries[entries.len() - 1]);
        if produced != recorded {
            return Err(Error::new(
                ErrorKind::Divergence,
                format!(
                    "line {number} differs on replay\n  logged:   {recorded}\n  replayed: {produced}"
                ),
            ));
        }
    }
    Ok(conversation)
}

/// The path a conversation took, with the policy lines behind each step.
pub fn explain(conversation: &Conversation<'_>) -> String {
    let machine = conversation.machine();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "session of {} (machine {}), today {}",
        machine.name(),
        short_hash(machine.hash()),
        conversation.session().today().iso()
    );
    for entry in conversation.entries() {
        match &entry.event {
            Event::Start => out.push_str("\n▶ conversation starts\n"),
            Event::Triggered(triggered) => {
                let _ = writeln!(
                    out,
                    "\n▶ conversation starts on the event {}: {}",
                    triggered.kind,
                    truncate(&triggered.data.plain(), 160)
                );
            }
            Event::TimerFired(fired) => {
                let _ = writeln!(
                    out,
                    "\n⏰ timer {} fired{}",
                    fired.timer,
                    fired
                        .today
                        .as_ref()
                        .map(|today| format!(" on {today}"))
                        .unwrap_or_default()
                );
            }
            Event::User(text) => {
                let _ = writeln!(out, "\ncustomer: {text}");
            }
            Event::Interpreted(interpretation) => {
                let _ = writeln!(out, "\ncustomer: {}", interpretation.question.reply);
                let _ = writeln!(
                    out,
                    "  (the rules found it unclear; {} chose “{}” from {}{})",
                    interpretation.model,
                    interpretation.chosen,
                    interpretation.question.options.join(" / "),
                    interpretation
                        .error
                        .as_ref()
                        .map(|error| format!(" after an error: {error}"))
                        .unwrap_or_default()
                );
            }
            Event::ToolResult(result) => {
                let what = match &result.outcome {
                    crate::event::ToolOutcome::Ok(value) => {
                        format!("ok {}", truncate(&value.plain(), 100))
                    }
                    crate::event::ToolOutcome::Error(message) => format!("error: {message}"),
                    crate::event::ToolOutcome::Timeout => "timed out".to_string(),
                };
                let _ = writeln!(out, "  ← tool call {} answered: {what}", result.call);
            }
            Event::Phrased(phrasing) => {
                let _ = writeln!(
                    out,
                    "  ({} rewording {}: {})",
                    phrasing.model,
                    if phrasing.accepted {
                        "sent"
                    } else {
                        "refused, template sent"
                    },
                    phrasing.verdict
                );
            }
            Event::Timer => out.push_str("\n(the customer stayed silent)\n"),
            Event::HandoffAcknowledged => out.push_str("\n(the human team took over)\n"),
        }
        if let Some(why) = entry.output.ignored {
            let _ = writeln!(out, "  (ignored: {why})");
        }
        if let Some(repair) = entry.output.repair {
            let _ = writeln!(out, "  (conversation repair: {repair})");
        }
        if let Some(count) = entry.output.reasked {
            let _ = writeln!(out, "  unclear answer {count}: asked again");
        }
        for taken in &entry.output.taken {
            let Some((from, _)) = machine.edge_ends(taken.edge) else {
                continue;
            };
            let label = machine
                .edge(taken.edge)
                .map_or("?", |edge| edge.label.as_str());
            let _ = write!(out, "  {} —{label}→", machine.state_name(from));
            if let Some(to) = machine.edge_ends(taken.edge).map(|(_, to)| to) {
                let _ = write!(out, " {}", machine.state_name(to));
            }
            let why = describe(&taken.evidence);
            if !why.is_empty() {
                let _ = write!(out, "  ({why})");
            }
            out.push('\n');
            write_source(machine, from, &mut out);
        }
        for effect in &entry.output.effects {
            match effect {
                Effect::Send(text) => {
                    let _ = writeln!(out, "  bot: {}", text.replace('\n', "\n       "));
                }
                Effect::CallTool(call) => {
                    let _ = writeln!(out, "  → calls {}", call_summary(call));
                }
                Effect::HandOff(handoff) => {
                    let _ = writeln!(
                        out,
                        "  ⇒ hands off to {} ({}): {}",
                        handoff.queue,
                        if handoff.ticket { "ticket" } else { "live" },
                        handoff.reason
                    );
                }
                Effect::End(outcome) => {
                    let _ = writeln!(out, "  ■ ends: {outcome}");
                }
                Effect::Schedule(timer) => {
                    let _ = writeln!(
                        out,
                        "  ⏲ sets timer {} for {} s from now",
                        timer.id, timer.seconds
                    );
                }
            }
        }
        if let Some(rest) = entry.output.rest {
            if matches!(
                entry.output.effects.last(),
                Some(Effect::HandOff(_) | Effect::End(_))
            ) {
                write_source(machine, rest, &mut out);
            }
        }
    }
    out
}

fn write_source(machine: &Machine, state: crate::machine::StateId, out: &mut String) {
    match machine.state_source(state) {
        Some(source) => {
            let _ = writeln!(
                out,
                "      policy {}:{} (step {}): “{}”",
                source.file,
                source.line,
                source.step,
                source.text.trim()
            );
        }
        None => {
            let _ = writeln!(out, "      (a step keel added)");
        }
    }
}

fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(limit).collect();
        cut.push('…');
        cut
    }
}

/// `tool(name: "value", …)`.
pub fn call_summary(call: &crate::event::ToolCall) -> String {
    let args: Vec<String> = call
        .args
        .iter()
        .map(|(name, value)| format!("{name}: {}", value.to_json()))
        .collect();
    format!("{}({})", call.tool, args.join(", "))
}
