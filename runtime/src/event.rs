//! The closed sets of what goes into [`crate::step`] ([`Event`]) and what
//! comes out ([`Effect`]), plus the trail of transitions a step took.

use crate::interpret::{Interpretation, Phrasing};
use crate::machine::{EdgeId, StateId};
use crate::value::Value;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Something that happened to a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The conversation begins.
    Start,
    /// The conversation begins because of an external event; its data is
    /// bound to `$event` (a triggered policy's record type).
    Triggered(Box<Triggered>),
    /// The timer the session waits for is due (or the customer wrote
    /// first: then the event is [`Event::User`]); `today` is the date the
    /// server's clock reads when it fires.
    TimerFired(TimerFired),
    /// The customer wrote something.
    User(String),
    /// The customer wrote something the rules could not read, and an
    /// interpreter was asked once (input, raw output, value chosen).
    Interpreted(Box<Interpretation>),
    /// A message was reworded by an LLM (or kept, if the fact guard refused
    /// the rewording): a record of what the customer saw; it changes nothing.
    Phrased(Box<Phrasing>),
    /// A tool call finished.
    ToolResult(ToolResult),
    /// The customer stayed silent past the channel's timeout.
    Timer,
    /// The human team took over the hand-off.
    HandoffAcknowledged,
}

/// An external event that started a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Triggered {
    /// Its kind (`carrier_scan_gap`).
    pub kind: String,
    /// Its data.
    pub data: Value,
}

/// A timer that came due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimerFired {
    /// The timer's id (from its [`Effect::Schedule`]).
    pub timer: u32,
    /// The date when it fired, `YYYY-MM-DD`; the session's date moves on
    /// to it (a follow-up the next day compares dates with that day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Send the customer a message.
    Send(String),
    /// Perform a tool call and feed back an [`Event::ToolResult`].
    CallTool(ToolCall),
    /// Hand the conversation to people.
    HandOff(Handoff),
    /// Keep a durable timer; feed back [`Event::TimerFired`] once it is due.
    Schedule(Timer),
    /// The conversation is over.
    End(Arc<str>),
}

/// A timer to keep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timer {
    /// Unique within the session (shared with tool call ids).
    pub id: u32,
    /// Due this many seconds after it is scheduled.
    pub seconds: u64,
}

/// A tool call to perform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// Unique within the session.
    pub id: u32,
    /// The tool's name.
    pub tool: Arc<str>,
    /// Which implementation serves it, from the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter: Option<Arc<str>>,
    /// Arguments by name.
    pub args: Args,
}

/// A tool call's arguments, sorted by name, each name once; one or two
/// are held inline (no allocation), more in a vector.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args(ArgsRepr);

#[derive(Clone, Debug, Default, PartialEq)]
enum ArgsRepr {
    #[default]
    None,
    One((Arc<str>, Value)),
    Two([(Arc<str>, Value); 2]),
    Many(Vec<(Arc<str>, Value)>),
}

impl Args {
    /// No arguments.
    pub fn new() -> Args {
        Args::default()
    }

    /// The arguments as `(name, value)` pairs, sorted by name.
    pub fn as_slice(&self) -> &[(Arc<str>, Value)] {
        match &self.0 {
            ArgsRepr::None => &[],
            ArgsRepr::One(pair) => std::slice::from_ref(pair),
            ArgsRepr::Two(pairs) => pairs,
            ArgsRepr::Many(pairs) => pairs,
        }
    }

    /// The argument called `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_slice()
            .iter()
            .find(|(key, _)| key.as_ref() == name)
            .map(|(_, value)| value)
    }

    /// `(name, value)` pairs, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Value)> + '_ {
        self.as_slice().iter().map(|(name, value)| (name, value))
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }

    /// Sets an argument (replacing one of the same name).
    pub fn insert(&mut self, name: Arc<str>, value: Value) {
        if let ArgsRepr::None = self.0 {
            self.0 = ArgsRepr::One((name, value));
            return;
        }
        let position = self
            .as_slice()
            .binary_search_by(|(key, _)| key.as_ref().cmp(name.as_ref()));
        let index = match position {
            Ok(index) => {
                if let Some(slot) = self.slot_mut(index) {
                    *slot = value;
                }
                return;
            }
            Err(index) => index,
        };
        self.0 = match std::mem::take(&mut self.0) {
            ArgsRepr::None => ArgsRepr::One((name, value)),
            ArgsRepr::One(first) => {
                if index == 0 {
                    ArgsRepr::Two([(name, value), first])
                } else {
                    ArgsRepr::Two([first, (name, value)])
                }
            }
            ArgsRepr::Two(pairs) => {
                let mut pairs = Vec::from(pairs);
                pairs.insert(index, (name, value));
                ArgsRepr::Many(pairs)
            }
            ArgsRepr::Many(mut pairs) => {
                pairs.insert(index, (name, value));
                ArgsRepr::Many(pairs)
            }
        };
    }

    fn slot_mut(&mut self, index: usize) -> Option<&mut Value> {
        let pair = match &mut self.0 {
            ArgsRepr::None => None,
            ArgsRepr::One(pair) => (index == 0).then_some(pair),
            ArgsRepr::Two(pairs) => pairs.get_mut(index),
            ArgsRepr::Many(pairs) => pairs.get_mut(index),
        };
        pair.map(|(_, value)| value)
    }
}

impl FromIterator<(Arc<str>, Value)> for Args {
    /// Later duplicates win, as in a map.
    fn from_iter<I: IntoIterator<Item = (Arc<str>, Value)>>(iter: I) -> Args {
        let mut args = Args::new();
        for (name, value) in iter {
            args.insert(name, value);
        }
        args
    }
}

impl Serialize for Args {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Args {
    /// A JSON object, as [`Args`] serialize (for reading logs back).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Args, D::Error> {
        let map = BTreeMap::<String, Value>::deserialize(deserializer)?;
        Ok(map
            .into_iter()
            .map(|(name, value)| (Arc::from(name), value))
            .collect())
    }
}

/// A hand-off to the human team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
        matched: Snippet,
    },
    /// A tool's outcome.
    Tool(&'static str),
    /// A compared value.
    Value(Snippet),
    /// Two values a condition compared.
    Compared(Value, Value),
    /// A retry counter's value before this pass.
    Count(u32),
}

/// A step's effects: most steps have one or two, held inline.
pub type Effects = SmallVec<[Effect; 2]>;

/// A step's transitions taken: most steps take a few, held inline.
pub type Takens = SmallVec<[Taken; 4]>;

/// What one step produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    /// Effects, in order.
    pub effects: Effects,
    /// Transitions taken, in order.
    pub taken: Takens,
    /// States where the step waited or stopped, after `taken`.
    pub rest: Option<StateId>,
    /// Set when the event did not fit the session (ignored, no effects).
    pub ignored: Option<&'static str>,
    /// An unclear reply re-asked at this ask, with the count so far.
    pub reasked: Option<u32>,
    /// Carrier codes a message showed through the fallback phrase because
    /// the catalog's table does not hold them (for a metric; the customer
    /// never sees the code).
    pub untranslated: Vec<Arc<str>>,
    /// The conversation repair the reply asked for, if it was one
    /// (`repair-repeat`, `repair-correction`, …): logged with the event and
    /// counted per state in serve's `/metrics`.
    pub repair: Option<&'static str>,
}

impl Output {
    /// Empties the output for reuse.
    pub fn clear(&mut self) {
        self.effects.clear();
        self.taken.clear();
        self.rest = None;
        self.ignored = None;
        self.reasked = None;
        self.untranslated.clear();
        self.repair = None;
    }
}

/// A short piece of text kept as evidence: up to [`Snippet::INLINE`]
/// bytes are held inline, longer text shares or owns its allocation, so
/// recording what a rule matched rarely allocates.
#[derive(Clone)]
pub struct Snippet(SnippetRepr);

#[derive(Clone)]
enum SnippetRepr {
    Inline {
        len: u8,
        bytes: [u8; Snippet::INLINE],
    },
    Shared(Arc<str>),
    Owned(Box<str>),
}

impl Snippet {
    /// Bytes held without an allocation.
    pub const INLINE: usize = 22;

    /// A snippet of `text`.
    pub fn new(text: &str) -> Snippet {
        let mut bytes = [0u8; Snippet::INLINE];
        match bytes.get_mut(..text.len()) {
            Some(inline) => {
                inline.copy_from_slice(text.as_bytes());
                Snippet(SnippetRepr::Inline {
                    len: text.len() as u8,
                    bytes,
                })
            }
            None => Snippet(SnippetRepr::Owned(Box::from(text))),
        }
    }

    /// A snippet sharing `text`.
    pub fn shared(text: Arc<str>) -> Snippet {
        Snippet(SnippetRepr::Shared(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            SnippetRepr::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default(),
            SnippetRepr::Shared(text) => text,
            SnippetRepr::Owned(text) => text,
        }
    }
}

impl Default for Snippet {
    fn default() -> Snippet {
        Snippet::new("")
    }
}

impl From<&str> for Snippet {
    fn from(text: &str) -> Snippet {
        Snippet::new(text)
    }
}

impl From<String> for Snippet {
    fn from(text: String) -> Snippet {
        if text.len() <= Snippet::INLINE {
            Snippet::new(&text)
        } else {
            Snippet(SnippetRepr::Owned(text.into_boxed_str()))
        }
    }
}

impl std::ops::Deref for Snippet {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Snippet {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Snippet {
    fn eq(&self, other: &Snippet) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Snippet {}

impl PartialEq<str> for Snippet {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Snippet {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Debug for Snippet {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), formatter)
    }
}

impl std::fmt::Display for Snippet {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}
