//! The compiled-machine JSON: the one wire format between compiler and runtime.
//!
//! Schema (version [`SCHEMA_VERSION`]):
//!
//! * `machine`, `start`: the entry policy and its first state's id;
//! * `hash`: SHA-256 of this document with `hash` empty — the version a
//!   session pins;
//! * `policies`: name, title, when, the channels it serves (`channels:`
//!   front matter; empty: any; since schema 4), entry state, notes, and
//!   for a triggered policy its `trigger` (event kind, record type, the
//!   conditions on `$event`), and its `answers` to questions asked in the
//!   middle (topics as stemmed words, the text; since schema 8, absent when
//!   none);
//! * `states`: `id` (stable, `policy:step.kind`), `policy`, `kind` and its
//!   fields (see [`StateBody`]), `source` (file, step label, line/column range
//!   and the text) — `null` for states keel added — and `extracted_by`;
//!   hand-offs carry `context`, the variables bound on every path to them;
//! * `transitions`: `from`, `to`, `label` (`next`, `case`, `option`, `else`,
//!   `ok`, `not_found`, `error`, `yes`, `no`, `again`, `retry_exhausted`,
//!   `human_requested`, and the conversation repairs `withdrawn`,
//!   `start_over`, `corrected`), `values` for cases, and `repair: true` on
//!   keel's repair transitions (since schema 6);
//! * `tools`: the catalog entries the machine calls;
//! * `types`: the record types those tools use, with each field's type and
//!   enum domain;
//! * `carrier`: the catalog's plain words for carrier codes (present when a
//!   message shows one: a `phrase` part), with the fallback for codes the
//!   table does not hold;
//! * expressions (in `set` states and conditions) include `nothing`, the
//!   empty value a list is built up from (since schema 7).
//!
//! Version 5 added `wait` states, `trigger`, `phrase` parts and `carrier`;
//! version 6 the `repair` mark on transitions; version 7 the `nothing`
//! expression; version 8 the policies' `answers`.
//!
//! Everything is ordered (states in reading order, maps sorted), so the same
//! inputs always give the same bytes.

use crate::catalog::Catalog;
use crate::ir::{Expr, ExtractedBy, Slot};
use crate::machine::{Label, Machine, StateId, StateKind};
use crate::source::SourceMap;
use parts::{VarTypes, parts, record_types, record_types_named};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[path = "artifact_parts.rs"]
mod parts;
use std::collections::BTreeMap;

/// Bump on any change to the shape of the JSON.
pub const SCHEMA_VERSION: u32 = 8;

/// The whole artifact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Artifact {
    /// [`SCHEMA_VERSION`] at the time of writing.
    pub schema_version: u32,
    /// The entry policy.
    pub machine: String,
    /// SHA-256 (hex) of the artifact written with an empty `hash`.
    pub hash: String,
    /// The first state's id.
    pub start: String,
    /// The policies in the machine, entry first.
    pub policies: Vec<PolicyEntry>,
    /// States in reading order.
    pub states: Vec<StateEntry>,
    /// Transitions in creation order.
    pub transitions: Vec<TransitionEntry>,
    /// The tools the machine calls, by name.
    pub tools: BTreeMap<String, ToolEntry>,
    /// The record types those tools return or take, by name: each field's
    /// type and, for enums, its domain.
    #[serde(default)]
    pub types: BTreeMap<String, BTreeMap<String, FieldEntry>>,
    /// Plain words for carrier codes, when a message shows one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<CarrierEntry>,
}

/// The carrier vocabulary a machine renders `phrase` parts with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CarrierEntry {
    /// Code → plain phrase.
    pub phrases: BTreeMap<String, String>,
    /// The phrase for a code the table does not hold.
    pub fallback: String,
}

/// What starts a triggered policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TriggerEntry {
    /// The event kind.
    pub event: String,
    /// The record type of its data (bound to `$event`).
    pub record: String,
    /// Conditions on `$event` that must all hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<ExprEntry>,
    /// The condition as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub wording: String,
}

/// One field of a record type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldEntry {
    /// The type as written in catalogs (`string?`, `date`, `[Item]`), or
    /// `enum` / `enum?` for an enum.
    #[serde(rename = "type")]
    pub ty: String,
    /// The values of an enum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Vec<String>>,
}

/// One policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyEntry {
    /// Name used by `#references`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// When it applies.
    pub when: String,
    /// The channels it serves (`channels:` front matter); empty: any.
    /// Absent in artifacts of schema 3 and before.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Its first state, if it has one in this machine.
    pub entry: Option<String>,
    /// The event that starts it, for a triggered policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<TriggerEntry>,
    /// Sentences kept as notes.
    pub notes: Vec<NoteEntry>,
    /// Short answers to questions asked in the middle (since schema 8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<AnswerEntry>,
}

/// An entry of the policy's `Answers` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerEntry {
    /// Each topic as written.
    pub names: Vec<String>,
    /// Each topic as its stemmed words (`keel_compiler::answers::topic_words`).
    pub topics: Vec<Vec<String>>,
    /// What keel says.
    pub text: String,
    /// Where.
    pub source: SourceEntry,
}

/// A note kept from the policy text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoteEntry {
    /// Step label.
    pub step: String,
    /// The sentence.
    pub text: String,
    /// Where.
    pub source: SourceEntry,
}

/// Where something is in the policy text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceEntry {
    /// The file as given to the compiler.
    pub file: String,
    /// Step label, such as `3.f`.
    pub step: String,
    /// First line (1-based).
    pub line: usize,
    /// First column (1-based, characters).
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column after the end.
    pub end_column: usize,
    /// The text itself.
    pub text: String,
}

/// One state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateEntry {
    /// Stable id.
    pub id: String,
    /// Owning policy.
    pub policy: String,
    /// What it does.
    #[serde(flatten)]
    pub body: StateBody,
    /// Where it came from; `null` for states keel added.
    pub source: Option<SourceEntry>,
    /// `rules` or `llm` (needs review); `keel` for added states.
    pub extracted_by: String,
}

/// The kind-specific fields of a state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StateBody {
    /// Ask the customer.
    Ask {
        /// `email`, `text`, `name`, `postal_code`, `number`, `date`,
        /// `yes_no`, `options`, `item`, `items`.
        slot: String,
        /// For `options`: the labels.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        options: Vec<String>,
        /// For `item` and `items`: the list (`orders`, `user.orders`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<String>,
        /// The variable bound.
        var: String,
        /// The question.
        prompt: Vec<Part>,
        /// Unclear answers tolerated.
        max_attempts: u32,
    },
    /// Call a tool.
    Call {
        /// Tool name.
        tool: String,
        /// Arguments by name.
        args: BTreeMap<String, ExprEntry>,
        /// The result's variable and type.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bind: Option<Binding>,
        /// `read`, `write` or `destructive`.
        effect: String,
    },
    /// Compare a field with values.
    Match {
        /// The field (`order.status`).
        subject: String,
        /// Its enum domain.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        domain: Option<Vec<String>>,
    },
    /// Test a condition.
    Test {
        /// The condition.
        condition: ExprEntry,
        /// The author's words.
        wording: String,
    },
    /// Send a message.
    Say {
        /// The template.
        message: Vec<Part>,
    },
    /// Set a variable to a computed value.
    Set {
        /// The variable.
        var: String,
        /// The value.
        value: ExprEntry,
    },
    /// Hand off.
    Escalate {
        /// Why.
        reason: String,
        /// Queue.
        queue: String,
        /// Ticket rather than live.
        ticket: bool,
        /// The variables bound on every path here: what the agent's summary
        /// carries (computed by the verifier).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        context: Vec<String>,
    },
    /// End.
    End {
        /// Outcome.
        outcome: String,
    },
    /// Bounded counter.
    Retry {
        /// Counter name.
        counter: String,
        /// Passes allowed.
        limit: u32,
    },
    /// Wait durably, then go on along `next`.
    Wait {
        /// How long, in seconds.
        seconds: u64,
        /// The duration as written.
        wording: String,
    },
    /// Into another policy.
    Goto {
        /// The target policy (named `target`: `policy` is the state's owner).
        target: String,
        /// Section resumed at.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        section: Option<String>,
    },
}

/// A variable binding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Binding {
    /// Name.
    pub var: String,
    /// Type, as written in catalogs.
    #[serde(rename = "type")]
    pub ty: String,
}

/// A message part.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Literal text.
    Text(String),
    /// A field (`order.tracking_number`).
    Field(String),
    /// A list variable, one line per item.
    List(String),
    /// A carrier code (`tracking.status`) in the plain words of `carrier`.
    Phrase(String),
}

/// An expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ExprEntry {
    /// A variable or field.
    Path {
        /// Dotted path.
        path: String,
    },
    /// Text.
    Text {
        /// The value.
        value: String,
    },
    /// Number.
    Number {
        /// As written.
        value: String,
    },
    /// Today's date.
    Today,
    /// `left <= right`.
    AtMost {
        /// Left.
        left: Box<ExprEntry>,
        /// Right.
        right: Box<ExprEntry>,
    },
    /// `left > right`.
    After {
        /// Left.
        left: Box<ExprEntry>,
        /// Right.
        right: Box<ExprEntry>,
    },
    /// The path holds a value.
    IsSet {
        /// Dotted path.
        path: String,
    },
    /// Whole days from the date at `path` to today.
    DaysSince {
        /// Dotted path of a date.
        path: String,
    },
    /// Both sides hold the same value (text without regard to case).
    Equals {
        /// Left.
        left: Box<ExprEntry>,
        /// Right.
        right: Box<ExprEntry>,
    },
    /// The sum of the numbers or amounts at `path` (a list, or a field of
    /// each item of a list).
    Sum {
        /// Dotted path.
        path: String,
    },
    /// How many items the list at `path` holds.
    Count {
        /// Dotted path.
        path: String,
    },
    /// `left + right`.
    Plus {
        /// Left.
        left: Box<ExprEntry>,
        /// Right.
        right: Box<ExprEntry>,
    },
    /// `left - right`.
    Minus {
        /// Left.
        left: Box<ExprEntry>,
        /// Right.
        right: Box<ExprEntry>,
    },
    /// The list at `list` with `item` added at its end.
    Append {
        /// Dotted path of the list.
        list: String,
        /// The item.
        item: Box<ExprEntry>,
    },
    /// No value (an empty list to append to).
    Nothing,
}

/// A transition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitionEntry {
    /// Source state id.
    pub from: String,
    /// Target state id.
    pub to: String,
    /// Label name.
    pub label: String,
    /// For `case`: the values; for `option`: the option.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// One of keel's conversation-repair transitions (see
    /// `machine::is_repair_transition`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repair: bool,
}

/// A tool as the runtime needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolEntry {
    /// Argument types by name.
    pub args: BTreeMap<String, String>,
    /// Result type.
    pub returns: String,
    /// `read`, `write` or `destructive`.
    pub effect: String,
    /// Success establishes identity.
    pub verifies_identity: bool,
    /// Reads customer data.
    pub customer_data: bool,
    /// Implementation hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adapter: Option<String>,
}

/// Builds the artifact of a machine. `handoff_context` gives, for each
/// hand-off state, the variables bound on every path to it.
pub fn artifact(
    machine: &Machine,
    catalog: &Catalog,
    sources: &SourceMap,
    handoff_context: &BTreeMap<StateId, Vec<String>>,
) -> Artifact {
    let source_entry = |span: crate::source::Span, step: &str| {
        let location = sources.location(span);
        SourceEntry {
            file: sources.name(span.source).to_string(),
            step: step.to_string(),
            line: location.line,
            column: location.column,
            end_line: location.end_line,
            end_column: location.end_column,
            text: sources.snippet(span).to_string(),
        }
    };
    let var_types = VarTypes::new(machine, catalog);
    let states: Vec<StateEntry> = machine
        .states()
        .map(|(state_id, state)| StateEntry {
            id: state.id.clone(),
            policy: state.policy.clone(),
            body: match body(&state.kind, &var_types) {
                StateBody::Escalate {
                    reason,
                    queue,
                    ticket,
                    ..
                } => StateBody::Escalate {
                    reason,
                    queue,
                    ticket,
                    context: handoff_context.get(&state_id).cloned().unwrap_or_default(),
                },
                other => other,
            },
            source: state
                .origin
                .as_ref()
                .map(|origin| source_entry(origin.span, &origin.step)),
            extracted_by: match state.origin.as_ref().map(|origin| origin.extracted_by) {
                Some(ExtractedBy::Rules) => "rules".to_string(),
                Some(ExtractedBy::Llm) => "llm".to_string(),
                None => "keel".to_string(),
            },
        })
        .collect();
    let transitions = machine
        .transitions()
        .into_iter()
        .map(|(_, from, transition, to)| {
            let (label, values) = match &transition.label {
                Label::Case(values) => ("case".to_string(), values.clone()),
                Label::Option(option) => ("option".to_string(), vec![option.clone()]),
                other => (other.text().replace(' ', "_"), Vec::new()),
            };
            TransitionEntry {
                from: machine.state(from).id.clone(),
                to: machine.state(to).id.clone(),
                label,
                values,
                repair: crate::machine::is_repair_transition(
                    machine.state(from),
                    &transition.label,
                ),
            }
        })
        .collect();
    let mut tools = BTreeMap::new();
    for (_, state) in machine.states() {
        if let StateKind::Call { tool, .. } = &state.kind {
            if let Some(declared) = catalog.tools.get(tool) {
                tools.insert(
                    tool.clone(),
                    ToolEntry {
                        args: declared
                            .args
                            .iter()
                            .map(|(name, ty)| (name.clone(), ty.to_string()))
                            .collect(),
                        returns: declared.returns.to_string(),
                        effect: declared.effect.as_str().to_string(),
                        verifies_identity: declared.verifies_identity,
                        customer_data: declared.customer_data,
                        adapter: declared.adapter.clone(),
                    },
                );
            }
        }
    }
    let mut types = record_types(&tools, catalog);
    // A triggered policy's event record is a type the runtime checks too.
    for policy in &machine.policies {
        if let Some(trigger) = &policy.trigger {
            types.extend(record_types_named(
                std::slice::from_ref(&trigger.record),
                catalog,
            ));
        }
    }
    let shows_codes = states.iter().any(|state| match &state.body {
        StateBody::Ask { prompt: parts, .. } | StateBody::Say { message: parts } => {
            parts.iter().any(|part| matches!(part, Part::Phrase(_)))
        }
        _ => false,
    });
    let carrier = shows_codes.then(|| CarrierEntry {
        phrases: catalog.carrier.phrases.clone(),
        fallback: catalog.carrier.fallback_phrase().to_string(),
    });
    let policies = machine
        .policies
        .iter()
        .map(|policy| PolicyEntry {
            name: policy.name.clone(),
            title: policy.title.clone(),
            when: policy.when.clone(),
            channels: policy.channels.clone(),
            entry: policy.entry.map(|entry| machine.state(entry).id.clone()),
            trigger: policy.trigger.as_ref().map(|trigger| TriggerEntry {
                event: trigger.event.clone(),
                record: trigger.record.clone(),
                when: trigger.when.iter().map(expr_entry).collect(),
                wording: trigger.wording.clone(),
            }),
            notes: policy
                .notes
                .iter()
                .map(|(step, span, text)| NoteEntry {
                    step: step.clone(),
                    text: text.clone(),
                    source: source_entry(*span, step),
                })
                .collect(),
            answers: policy
                .answers
                .iter()
                .map(|answer| AnswerEntry {
                    names: answer.names.clone(),
                    topics: answer.topics.clone(),
                    text: answer.text.clone(),
                    source: source_entry(answer.span, "answers"),
                })
                .collect(),
        })
        .collect();
    let mut artifact = Artifact {
        schema_version: SCHEMA_VERSION,
        machine: machine.name().to_string(),
        hash: String::new(),
        start: machine.state(machine.start).id.clone(),
        policies,
        states,
        transitions,
        tools,
        types,
        carrier,
    };
    artifact.hash = content_hash(&artifact);
    artifact
}

/// SHA-256 of the artifact's JSON with an empty hash.
pub fn content_hash(artifact: &Artifact) -> String {
    let mut unhashed = artifact.clone();
    unhashed.hash = String::new();
    let bytes = serde_json::to_vec(&unhashed).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The artifact as pretty JSON with a final newline.
pub fn to_json(artifact: &Artifact) -> String {
    let mut text = serde_json::to_string_pretty(artifact).unwrap_or_default();
    text.push('\n');
    text
}

fn body(kind: &StateKind, types: &VarTypes<'_>) -> StateBody {
    match kind {
        StateKind::Ask {
            slot,
            var,
            prompt,
            max_attempts,
        } => {
            let (slot_name, options, list) = match slot {
                Slot::Email => ("email", Vec::new(), None),
                Slot::Text => ("text", Vec::new(), None),
                Slot::Name => ("name", Vec::new(), None),
                Slot::PostalCode => ("postal_code", Vec::new(), None),
                Slot::Number => ("number", Vec::new(), None),
                Slot::Date => ("date", Vec::new(), None),
                Slot::YesNo => ("yes_no", Vec::new(), None),
                Slot::Options(options) => ("options", options.clone(), None),
                Slot::Item(list) => ("item", Vec::new(), Some(list.0.join("."))),
                Slot::Items(list) => ("items", Vec::new(), Some(list.0.join("."))),
            };
            StateBody::Ask {
                slot: slot_name.to_string(),
                options,
                list,
                var: var.clone(),
                prompt: parts(prompt, types),
                max_attempts: *max_attempts,
            }
        }
        StateKind::Call {
            tool,
            args,
            bind,
            effect,
        } => StateBody::Call {
            tool: tool.clone(),
            args: args
                .iter()
                .map(|(name, expr)| (name.clone(), expr_entry(expr)))
                .collect(),
            bind: bind.as_ref().map(|(var, ty)| Binding {
                var: var.clone(),
                ty: ty.to_string(),
            }),
            effect: effect.as_str().to_string(),
        },
        StateKind::Match { subject, domain } => StateBody::Match {
            subject: subject.0.join("."),
            domain: domain.clone(),
        },
        StateKind::Test { condition, wording } => StateBody::Test {
            condition: expr_entry(condition),
            wording: wording.clone(),
        },
        StateKind::Say { message } => StateBody::Say {
            message: parts(message, types),
        },
        StateKind::Set { var, value } => StateBody::Set {
            var: var.clone(),
            value: expr_entry(value),
        },
        StateKind::Escalate {
            reason,
            queue,
            ticket,
        } => StateBody::Escalate {
            reason: reason.clone(),
            queue: queue.clone(),
            ticket: *ticket,
            context: Vec::new(),
        },
        StateKind::End { outcome } => StateBody::End {
            outcome: outcome.clone(),
        },
        StateKind::Retry { counter, limit } => StateBody::Retry {
            counter: counter.clone(),
            limit: *limit,
        },
        StateKind::Wait { seconds, wording } => StateBody::Wait {
            seconds: *seconds,
            wording: wording.clone(),
        },
        StateKind::Goto { policy, section } => StateBody::Goto {
            target: policy.clone(),
            section: section.clone(),
        },
    }
}

fn expr_entry(expr: &Expr) -> ExprEntry {
    match expr {
        Expr::Path(path) => ExprEntry::Path {
            path: path.0.join("."),
        },
        Expr::Text(value) => ExprEntry::Text {
            value: value.clone(),
        },
        Expr::Number(value) => ExprEntry::Number {
            value: value.clone(),
        },
        Expr::Today => ExprEntry::Today,
        Expr::AtMost(left, right) => ExprEntry::AtMost {
            left: Box::new(expr_entry(left)),
            right: Box::new(expr_entry(right)),
        },
        Expr::After(left, right) => ExprEntry::After {
            left: Box::new(expr_entry(left)),
            right: Box::new(expr_entry(right)),
        },
        Expr::IsSet(path) => ExprEntry::IsSet {
            path: path.0.join("."),
        },
        Expr::DaysSince(path) => ExprEntry::DaysSince {
            path: path.0.join("."),
        },
        Expr::Equals(left, right) => ExprEntry::Equals {
            left: Box::new(expr_entry(left)),
            right: Box::new(expr_entry(right)),
        },
        Expr::Sum(path) => ExprEntry::Sum {
            path: path.0.join("."),
        },
        Expr::Count(path) => ExprEntry::Count {
            path: path.0.join("."),
        },
        Expr::Plus(left, right) => ExprEntry::Plus {
            left: Box::new(expr_entry(left)),
            right: Box::new(expr_entry(right)),
        },
        Expr::Minus(left, right) => ExprEntry::Minus {
            left: Box::new(expr_entry(left)),
            right: Box::new(expr_entry(right)),
        },
        Expr::Append(list, item) => ExprEntry::Append {
            list: list.0.join("."),
            item: Box::new(expr_entry(item)),
        },
        Expr::Nothing => ExprEntry::Nothing,
    }
}
