//! The flow IR: one policy as a structured program of typed statements.
//!
//! Extraction turns each sentence into statements and attaches conditions to
//! the steps they are about, so the IR is a tree: asks, calls, matches and
//! checks own the blocks that run on each of their outcomes. Every statement
//! keeps its [`Origin`]: the span and step label of the policy text behind it.
//! There is no graph here yet; `machine::build` lowers this tree to one.

use crate::catalog::Type;
use crate::source::Span;
use std::fmt;

/// A variable path: `$order.status` is `["order", "status"]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path(pub Vec<String>);

impl Path {
    /// A path to a whole variable.
    pub fn var(name: &str) -> Self {
        Path(vec![name.to_string()])
    }

    /// The variable at the root of the path.
    pub fn root(&self) -> &str {
        self.0.first().map_or("", String::as_str)
    }

    /// This path extended by one field.
    pub fn field(&self, field: &str) -> Self {
        let mut parts = self.0.clone();
        parts.push(field.to_string());
        Path(parts)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}", self.0.join("."))
    }
}

/// Where a statement came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// The text the statement was read from (a clause or a whole item).
    pub span: Span,
    /// The step label of the item, such as `3.f`.
    pub step: String,
    /// Which extractor understood the sentence.
    pub extracted_by: ExtractedBy,
    /// The evidence: the name of the extraction rule that read it (`ask`,
    /// `values`, `heading`, …; `llm` for a lock-file answer).
    pub rule: &'static str,
}

/// Who turned a sentence into a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtractedBy {
    /// The deterministic, grammar-directed rules.
    Rules,
    /// An LLM, answer frozen in the lock file; needs review.
    Llm,
}

/// A small expression language for arguments and conditions.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A variable or field.
    Path(Path),
    /// A string literal.
    Text(String),
    /// A number literal, as written.
    Number(String),
    /// Today's date (from the runtime's injected clock).
    Today,
    /// `left <= right` over numbers or dates.
    AtMost(Box<Expr>, Box<Expr>),
    /// `left > right` over numbers or dates.
    After(Box<Expr>, Box<Expr>),
    /// The path holds a value.
    IsSet(Path),
    /// Whole days from a date to today (negative for a date to come).
    DaysSince(Path),
    /// Both sides hold the same value (text compared without regard to case).
    Equals(Box<Expr>, Box<Expr>),
    /// The sum of a list of numbers or amounts: `$items.price` is each
    /// item's price (an empty or unset list sums to nothing).
    Sum(Path),
    /// How many items a list holds (an unset list holds none).
    Count(Path),
    /// `left + right` over numbers or amounts of one currency.
    Plus(Box<Expr>, Box<Expr>),
    /// `left - right` over numbers or amounts of one currency.
    Minus(Box<Expr>, Box<Expr>),
    /// The list at the path with one more item at its end (an unset list
    /// is empty).
    Append(Path, Box<Expr>),
    /// No value: what an unset variable holds (an empty list to append to).
    Nothing,
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Path(path) => write!(f, "{path}"),
            Expr::Text(text) => write!(f, "{text:?}"),
            Expr::Number(number) => f.write_str(number),
            Expr::Today => f.write_str("today()"),
            Expr::AtMost(left, right) => write!(f, "{left} <= {right}"),
            Expr::After(left, right) => write!(f, "{left} > {right}"),
            Expr::IsSet(path) => write!(f, "{path} is set"),
            Expr::DaysSince(path) => write!(f, "days_since({path})"),
            Expr::Equals(left, right) => write!(f, "{left} == {right}"),
            Expr::Sum(path) => write!(f, "sum({path})"),
            Expr::Count(path) => write!(f, "count({path})"),
            Expr::Plus(left, right) => write!(f, "{left} + {right}"),
            Expr::Minus(left, right) => write!(f, "{left} - ({right})"),
            Expr::Append(list, item) => write!(f, "{list} + [{item}]"),
            Expr::Nothing => f.write_str("nothing"),
        }
    }
}

/// A message template: literal text and fields filled in at run time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// The pieces, in order.
    pub parts: Vec<MessagePart>,
}

/// One piece of a [`Message`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessagePart {
    /// Literal text.
    Text(String),
    /// A field's value.
    Field(Path),
    /// A list variable, one line per item.
    List(Path),
}

impl Message {
    /// A message of literal text only.
    pub fn text(text: impl Into<String>) -> Self {
        Message {
            parts: vec![MessagePart::Text(text.into())],
        }
    }

    /// Appends another message, separated by a space.
    pub fn append(&mut self, other: Message) {
        if !self.parts.is_empty() && !other.parts.is_empty() {
            self.parts.push(MessagePart::Text(" ".to_string()));
        }
        self.parts.extend(other.parts);
        self.normalise();
    }

    /// Merges adjacent text parts.
    pub fn normalise(&mut self) {
        let mut merged: Vec<MessagePart> = Vec::new();
        for part in self.parts.drain(..) {
            match (merged.last_mut(), part) {
                (Some(MessagePart::Text(previous)), MessagePart::Text(text)) => {
                    previous.push_str(&text)
                }
                (_, part) => merged.push(part),
            }
        }
        self.parts = merged;
    }

    /// The fields the message reads.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.parts.iter().filter_map(|part| match part {
            MessagePart::Field(path) | MessagePart::List(path) => Some(path),
            MessagePart::Text(_) => None,
        })
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                MessagePart::Text(text) => f.write_str(text)?,
                MessagePart::Field(path) => write!(f, "{{{}}}", path.0.join("."))?,
                MessagePart::List(path) => write!(f, "{{list {}}}", path.0.join("."))?,
            }
        }
        Ok(())
    }
}

/// One policy, extracted.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The name `#references` use.
    pub name: String,
    /// A human title.
    pub title: String,
    /// When the policy applies.
    pub when: String,
    /// The channels it serves (`channels:` front matter); empty: any.
    pub channels: Vec<String>,
    /// The statements, in order.
    pub body: Block,
    /// Sentences kept as notes (no effect), with where they were.
    pub notes: Vec<(Origin, String)>,
    /// For every condition, the step it was attached to and why.
    pub anchors: Vec<Anchor>,
    /// The external event that starts the policy (front matter `trigger:`).
    pub trigger: Option<Trigger>,
    /// Short answers to questions asked in the middle (the `Answers`
    /// section, [`crate::answers`]).
    pub answers: Vec<Answer>,
    /// The whole document.
    pub span: Span,
}

/// One entry of the `Answers` section: what keel says when a customer's
/// question names one of its topics.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// Each topic as written (`refund time`), for reviewers.
    pub names: Vec<String>,
    /// Each topic as its words ([`crate::answers::topic_words`]).
    pub topics: Vec<Vec<String>>,
    /// The answer, said as written.
    pub text: String,
    /// Where the entry is written.
    pub span: Span,
}

/// Where a written condition was attached: the question, lookup, call,
/// match, check or retry it answers, the outcome it takes, and why that
/// one. Views show it beside the anchor ("answers the question in 4.b").
#[derive(Clone, Debug, PartialEq)]
pub struct Anchor {
    /// The condition as written (`If they decline`, `Not found:`).
    pub condition: String,
    /// Where the condition is written.
    pub span: Span,
    /// The step label of the item the condition is written in.
    pub step: String,
    /// What it was attached to: `question`, `lookup`, `call`, `match`,
    /// `check`, `pick` (a question over a list) or `retry`.
    pub anchor_kind: String,
    /// The anchor statement's step label.
    pub anchor_step: String,
    /// The anchor statement's span (its origin), to find its state.
    pub anchor_span: Span,
    /// The outcome it takes: `yes`, `no`, `not found`, `error`, `ok`,
    /// `else`, `retry exhausted`, `"Shipped"`, `option "a refund"`.
    pub outcome: String,
    /// Why this anchor, in words.
    pub why: String,
}

/// What starts a triggered policy: an event kind from the catalog's
/// `[events]`, whose data `$event` holds, and a condition on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    /// The event's kind (`carrier_scan_gap`).
    pub event: String,
    /// The record type of its data.
    pub record: String,
    /// Conditions that must all hold for the event to start the policy.
    pub when: Vec<Expr>,
    /// The condition as written.
    pub wording: String,
    /// The front matter line.
    pub span: Span,
}

/// A sequence of statements.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block(pub Vec<Stmt>);

/// One statement with its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What it does.
    pub kind: StmtKind,
    /// Where it came from.
    pub origin: Origin,
}

/// What a slot accepts.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot {
    /// An email address.
    Email,
    /// Free text.
    Text,
    /// A person's name, as said ("my last name is Ito" → `Ito`).
    Name,
    /// A zip or postal code ("I live in 80218" → `80218`).
    PostalCode,
    /// A number.
    Number,
    /// A date.
    Date,
    /// Yes or no.
    YesNo,
    /// One of the written options.
    Options(Vec<String>),
    /// One item of a list: a list variable, or a record's list field
    /// (`$user.orders`).
    Item(Path),
    /// One or more items of a list ("the kettle and the lamp", "all of
    /// them"), bound as a list in the list's order.
    Items(Path),
}

impl Slot {
    /// The slot's type name, for listings.
    pub fn name(&self) -> String {
        match self {
            Slot::Email => "email".into(),
            Slot::Text => "text".into(),
            Slot::Name => "name".into(),
            Slot::PostalCode => "postal code".into(),
            Slot::Number => "number".into(),
            Slot::Date => "date".into(),
            Slot::YesNo => "yes/no".into(),
            Slot::Options(options) => format!("one of [{}]", options.join(", ")),
            Slot::Item(list) => format!("one item of {list}"),
            Slot::Items(list) => format!("items of {list}"),
        }
    }
}

/// The statements.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// Ask the customer for a value.
    Ask(Ask),
    /// Call a tool.
    Call(Call),
    /// Compare a field with literal values.
    Match(Match),
    /// Test a condition: yes or no.
    Check(Check),
    /// Send a message.
    Say(Message),
    /// Hand off to a human (terminal).
    Escalate(Escalate),
    /// End the conversation with an outcome (terminal).
    End(String),
    /// Transfer to another policy; resumes at the section this policy was
    /// entered from, if it was (terminal for this policy).
    Goto(PolicyRef),
    /// Run another policy from its start up to its named section, then go on here.
    Enter(PolicyRef),
    /// A heading: marks where a section begins.
    Section(String),
    /// Ask again for the value a failed lookup used, and retry it, at most
    /// `limit` times; then run `exhausted`.
    Retry(Retry),
    /// Go on after the condition this block belongs to (`continue with the
    /// next step`), or jump to a numbered step (`go to step 9`).
    Continue(Option<String>),
    /// Set a variable to a computed value (`set $refund to the sum of
    /// $items.price`, `add $item to $old_items`).
    Set {
        /// The variable set.
        var: String,
        /// Its new value.
        value: Expr,
    },
    /// Wait, durably, before going on (`follow up after 24 hours`): the
    /// server keeps a timer and wakes the session once when it is due.
    Wait(Wait),
    /// Go back to a numbered step at most `limit` times (`go back to step
    /// 4, at most 3 times`); then go on with what follows.
    Repeat {
        /// The step to go back to.
        step: String,
        /// How many times.
        limit: u32,
    },
}

/// A reference to another policy.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyRef {
    /// The policy's name as written after `#`.
    pub policy: String,
    /// The section title after a dash, if any.
    pub section: Option<String>,
    /// The reference's span.
    pub span: Span,
}

/// An ask statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Ask {
    /// What the slot accepts.
    pub slot: Slot,
    /// The variable the answer binds.
    pub var: String,
    /// What the customer is asked.
    pub prompt: Message,
    /// For yes/no slots: what runs on yes.
    pub yes: Option<Block>,
    /// For yes/no slots and offers: what runs on no / declined.
    pub no: Option<Block>,
    /// For option slots: what runs for each option, by index.
    pub options: Vec<Block>,
    /// For option slots: what runs after any accepted option.
    pub accepted: Option<Block>,
    /// When no answer can be understood within the retry budget, or the
    /// chosen item is not among the list.
    pub not_found: Option<Block>,
    /// For option slots: whether the customer may decline them all (`no`):
    /// an offer may be declined, a choice among fixed answers may not.
    pub declinable: bool,
}

/// A tool call.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The tool's name.
    pub tool: String,
    /// Arguments by name.
    pub args: Vec<(String, Expr)>,
    /// The variable the result binds, if the tool returns something.
    pub bind: Option<(String, Type)>,
    /// What runs when the tool finds nothing.
    pub not_found: Option<Block>,
    /// What runs when the tool fails.
    pub error: Option<Block>,
}

/// A match of a field against literal values.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    /// The field compared.
    pub subject: Path,
    /// The field's domain, when it is an enum.
    pub domain: Option<Vec<String>>,
    /// Cases in written order.
    pub cases: Vec<MatchCase>,
    /// What runs for any other value.
    pub otherwise: Option<Block>,
}

/// One case of a [`Match`].
#[derive(Clone, Debug, PartialEq)]
pub struct MatchCase {
    /// The values, as written (spelled as the domain spells them).
    pub values: Vec<String>,
    /// Where the values were written.
    pub span: Span,
    /// What runs.
    pub body: Block,
}

/// A yes/no test.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// The condition.
    pub condition: Expr,
    /// The condition in the author's words.
    pub wording: String,
    /// What runs when it holds.
    pub yes: Option<Block>,
    /// What runs when it does not.
    pub no: Option<Block>,
}

/// A hand-off to a human.
#[derive(Clone, Debug, PartialEq)]
pub struct Escalate {
    /// Why, in words an agent reads.
    pub reason: String,
    /// Which queue (`agent` unless the policy names one).
    pub queue: String,
    /// `create a ticket` rather than a live hand-off.
    pub ticket: bool,
}

/// A durable wait.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    /// How long, in seconds.
    pub seconds: u64,
    /// The duration as written (`24 hours`).
    pub wording: String,
}

/// A bounded re-ask of a failed lookup.
#[derive(Clone, Debug, PartialEq)]
pub struct Retry {
    /// The variable asked again.
    pub var: String,
    /// What the slot accepts.
    pub slot: Slot,
    /// The re-ask prompt.
    pub prompt: Message,
    /// How many more attempts.
    pub limit: u32,
    /// What runs once the attempts are used up.
    pub exhausted: Option<Block>,
}
