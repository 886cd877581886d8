//! The artifact, indexed once for execution: states by index, each with its
//! outgoing transitions already resolved by label, variables interned.
//!
//! Loading checks what the engine relies on (every transition's ends exist,
//! every state has the edges its kind needs) so that [`crate::step`] never
//! has to look anything up by name.

mod derived;

use crate::error::Error;
use keel_compiler::emit::artifact::{
    Artifact, ExprEntry, Part, SourceEntry, StateBody, ToolEntry, TransitionEntry,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Index of a state in [`Machine`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct StateId(pub u32);

/// Index of a transition, in the artifact's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EdgeId(pub u32);

/// Index of a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct VarId(pub(crate) u16);

/// A compiled machine ready to run.
#[derive(Debug)]
pub struct Machine {
    pub(crate) artifact: Artifact,
    pub(crate) start: StateId,
    pub(crate) states: Vec<State>,
    pub(crate) edges: Vec<Edge>,
    pub(crate) vars: Vec<Box<str>>,
    pub(crate) retry_slots: u16,
    pub(crate) tools: Vec<Tool>,
    /// Enum domains of fields the machine branches on: a tool result whose
    /// field holds another value is malformed. Sorted by variable (a
    /// result's domains are one run of it).
    pub(crate) domains: Vec<(VarId, Box<str>, Vec<Box<str>>)>,
    /// For a triggered policy: the event kind, the variable its data is
    /// bound to, and the conditions on it.
    pub(crate) trigger: Option<Trigger>,
    /// Plain words for carrier codes (code → phrase) and the fallback.
    pub(crate) carrier: Option<(BTreeMap<String, String>, String)>,
}

/// What starts a triggered machine.
#[derive(Debug)]
pub(crate) struct Trigger {
    pub(crate) event: Box<str>,
    pub(crate) var: VarId,
    pub(crate) when: Vec<Expr>,
}

/// One transition.
#[derive(Debug)]
pub(crate) struct Edge {
    pub(crate) from: StateId,
    pub(crate) to: StateId,
}

/// A tool the machine calls.
#[derive(Debug)]
pub(crate) struct Tool {
    pub(crate) name: Arc<str>,
    pub(crate) adapter: Option<Arc<str>>,
    pub(crate) returns: Shape,
    pub(crate) destructive: bool,
    /// `effect = "write"` or `"destructive"`: the call changes something.
    pub(crate) writes: bool,
    /// Success establishes who the customer is (checked against a bound
    /// session's customer).
    pub(crate) verifies_identity: bool,
}

/// What a tool's result must look like.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Shape {
    /// `T?`: null or `T`.
    Optional(Box<Shape>),
    /// `[T]`.
    List(Box<Shape>),
    /// A record type declared in the catalog.
    Record,
    /// `bool`.
    Bool,
    /// `int`, `number`.
    Number,
    /// `string`, `email`.
    Text,
    /// `date`.
    Date,
    /// `money`.
    Money,
}

/// One state.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) kind: Kind,
}

/// A dotted path: a variable and fields inside it.
#[derive(Debug, Clone)]
pub(crate) struct Path {
    pub(crate) var: VarId,
    pub(crate) fields: Box<[Box<str>]>,
}

/// A message template.
#[derive(Debug)]
pub(crate) enum Piece {
    Text(Box<str>),
    Field(Path),
    List(Path),
    /// A carrier code, shown in the plain words of the machine's table.
    Phrase(Path),
}

/// Slot types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotKind {
    Email,
    Text,
    Name,
    PostalCode,
    Number,
    Date,
    YesNo,
    Options,
    Item,
    Items,
}

/// A condition or argument.
#[derive(Debug)]
pub(crate) enum Expr {
    Path(Path),
    Text(Arc<str>),
    Number(f64),
    Today,
    AtMost(Box<Expr>, Box<Expr>),
    After(Box<Expr>, Box<Expr>),
    IsSet(Path),
    DaysSince(Path),
    Equals(Box<Expr>, Box<Expr>),
    Sum(Path),
    Count(Path),
    Plus(Box<Expr>, Box<Expr>),
    Minus(Box<Expr>, Box<Expr>),
    Append(Path, Box<Expr>),
    Nothing,
}

/// An ask state.
#[derive(Debug)]
pub(crate) struct Ask {
    pub(crate) slot: SlotKind,
    pub(crate) var: VarId,
    pub(crate) list: Option<Path>,
    pub(crate) prompt: Vec<Piece>,
    pub(crate) max_attempts: u32,
    pub(crate) options: Vec<(Box<str>, EdgeId)>,
    /// The policy's words about each option, in the same order, where its
    /// edge leads to a step written under the question ("Future Discount:
    /// Use @create_coupon(…) to give a 20% coupon for their next order");
    /// empty when an option has none.
    pub(crate) descriptions: Vec<Box<str>>,
    pub(crate) next: Option<EdgeId>,
    pub(crate) yes: Option<EdgeId>,
    pub(crate) no: Option<EdgeId>,
    pub(crate) not_found: Option<EdgeId>,
    pub(crate) human: Option<EdgeId>,
    pub(crate) exhausted: Option<EdgeId>,
    /// A yes/no whose `yes` reaches a write or destructive call before any
    /// other question: a confirmation, read strictly (see
    /// [`crate::slots::Question::Confirm`]) and never given to an LLM.
    pub(crate) confirms: bool,
    /// The customer drops the request ("never mind").
    pub(crate) withdrawn: Option<EdgeId>,
    /// The customer starts over.
    pub(crate) start_over: Option<EdgeId>,
    /// Earlier questions a reply here may correct, nearest first: the edge
    /// (to the question's correction counter) and the question's state.
    pub(crate) corrections: Vec<(EdgeId, StateId)>,
}

/// The repairs that may take an ended conversation up again.
#[derive(Debug, Default)]
pub(crate) struct Reopen {
    pub(crate) start_over: Option<EdgeId>,
    pub(crate) human: Option<EdgeId>,
    /// Earlier questions the message may answer again, nearest first.
    pub(crate) corrections: Vec<(EdgeId, StateId)>,
}

/// What a state does, with its edges resolved.
#[derive(Debug)]
pub(crate) enum Kind {
    Ask(Box<Ask>),
    Call {
        tool: u16,
        args: Vec<(Arc<str>, Expr)>,
        bind: Option<VarId>,
        ok: EdgeId,
        not_found: Option<EdgeId>,
        error: Option<EdgeId>,
    },
    Match {
        subject: Path,
        cases: Vec<(Box<str>, EdgeId)>,
        otherwise: Option<EdgeId>,
    },
    Test {
        condition: Expr,
        yes: EdgeId,
        no: EdgeId,
    },
    Say {
        message: Vec<Piece>,
        next: EdgeId,
    },
    Set {
        var: VarId,
        value: Expr,
        next: EdgeId,
    },
    Escalate {
        reason: Arc<str>,
        queue: Arc<str>,
        ticket: bool,
    },
    End {
        outcome: Arc<str>,
        /// How the customer's next message may take the conversation up
        /// again (a correction, starting over, a person).
        reopen: Box<Reopen>,
    },
    Retry {
        slot: u16,
        limit: u32,
        again: EdgeId,
        exhausted: EdgeId,
    },
    Goto {
        next: EdgeId,
    },
    Wait {
        seconds: u64,
        next: EdgeId,
    },
}

impl Machine {
    /// Indexes an artifact. Fails with every problem found if the artifact
    /// is inconsistent (a transition to a missing state, a state without
    /// the transitions its kind needs, an unknown slot or tool).
    pub fn new(artifact: Artifact) -> Result<Machine, Error> {
        Indexer::default().index(artifact)
    }

    /// Reads an artifact from its JSON.
    pub fn from_json(json: &str) -> Result<Machine, Error> {
        let artifact: Artifact = serde_json::from_str(json)
            .map_err(|error| Error::machine(format!("the machine JSON does not parse: {error}")))?;
        Machine::new(artifact)
    }

    /// The artifact this machine was indexed from.
    pub fn artifact(&self) -> &Artifact {
        &self.artifact
    }

    /// The content hash the machine pins sessions to.
    pub fn hash(&self) -> &str {
        &self.artifact.hash
    }

    /// The entry policy's name.
    pub fn name(&self) -> &str {
        &self.artifact.machine
    }

    /// Number of states.
    pub fn state_count(&self) -> usize {
        self.states.len()
    }

    /// Number of transitions.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// A state's id (`policy:step.kind`).
    pub fn state_name(&self, state: StateId) -> &str {
        self.artifact
            .states
            .get(state.0 as usize)
            .map_or("?", |entry| entry.id.as_str())
    }

    /// Where a state came from in the policy text.
    pub fn state_source(&self, state: StateId) -> Option<&SourceEntry> {
        self.artifact
            .states
            .get(state.0 as usize)
            .and_then(|entry| entry.source.as_ref())
    }

    /// A transition as written in the artifact.
    pub fn edge(&self, edge: EdgeId) -> Option<&TransitionEntry> {
        self.artifact.transitions.get(edge.0 as usize)
    }

    /// The two ends of a transition.
    pub fn edge_ends(&self, edge: EdgeId) -> Option<(StateId, StateId)> {
        self.edges
            .get(edge.0 as usize)
            .map(|edge| (edge.from, edge.to))
    }

    /// The start state.
    pub fn start(&self) -> StateId {
        self.start
    }

    /// The event kind that starts this machine, for a triggered policy.
    pub fn trigger_event(&self) -> Option<&str> {
        self.trigger.as_ref().map(|trigger| trigger.event.as_ref())
    }

    pub(crate) fn var_name(&self, var: VarId) -> &str {
        self.vars.get(usize::from(var.0)).map_or("?", |name| name)
    }
}

/// An expression read on its own as the machine reads it, with the
/// variables it names (for the evaluator's tests).
#[cfg(test)]
pub(crate) fn expression(entry: &ExprEntry) -> Result<(Expr, BTreeMap<String, VarId>), String> {
    let mut indexer = Indexer::default();
    let expr = indexer.expr(entry);
    if indexer.problems.is_empty() {
        Ok((expr, indexer.vars))
    } else {
        Err(indexer.problems.join("; "))
    }
}

#[derive(Default)]
struct Indexer {
    vars: BTreeMap<String, VarId>,
    var_names: Vec<Box<str>>,
    problems: Vec<String>,
}

impl Indexer {
    fn index(mut self, artifact: Artifact) -> Result<Machine, Error> {
        let ids: BTreeMap<&str, StateId> = artifact
            .states
            .iter()
            .enumerate()
            .map(|(index, state)| (state.id.as_str(), StateId(index as u32)))
            .collect();
        if ids.len() != artifact.states.len() {
            self.problems.push("two states share an id".to_string());
        }
        if artifact.states.len() > u32::MAX as usize / 2
            || artifact.transitions.len() > u32::MAX as usize / 2
        {
            return Err(Error::machine("the machine is too large".to_string()));
        }
        let mut edges = Vec::with_capacity(artifact.transitions.len());
        let mut outgoing: Vec<Vec<EdgeId>> = vec![Vec::new(); artifact.states.len()];
        for (index, transition) in artifact.transitions.iter().enumerate() {
            match (
                ids.get(transition.from.as_str()),
                ids.get(transition.to.as_str()),
            ) {
                (Some(&from), Some(&to)) => {
                    outgoing[from.0 as usize].push(EdgeId(index as u32));
                    edges.push(Edge { from, to });
                }
                _ => {
                    self.problems.push(format!(
                        "transition {} -> {} names a state that does not exist",
                        transition.from, transition.to
                    ));
                    edges.push(Edge {
                        from: StateId(0),
                        to: StateId(0),
                    });
                }
            }
        }
        let tool_names: Vec<&String> = artifact.tools.keys().collect();
        let mut tools = Vec::new();
        for (name, entry) in &artifact.tools {
            tools.push(self.tool(name, entry));
        }
        let mut retry_slots: u16 = 0;
        let mut domains = Vec::new();
        let mut states = Vec::with_capacity(artifact.states.len());
        for (index, entry) in artifact.states.iter().enumerate() {
            let labelled = |label: &str| -> Option<EdgeId> {
                outgoing[index]
                    .iter()
                    .copied()
                    .find(|edge| artifact.transitions[edge.0 as usize].label == label)
            };
            let mut problems = Vec::new();
            let need = |label: &str, problems: &mut Vec<String>| -> EdgeId {
                labelled(label).unwrap_or_else(|| {
                    problems.push(format!("state {} has no `{label}` transition", entry.id));
                    EdgeId(0)
                })
            };
            let kind = match &entry.body {
                StateBody::Ask {
                    slot,
                    options,
                    list,
                    var,
                    prompt,
                    max_attempts,
                } => {
                    let slot = match slot.as_str() {
                        "email" => SlotKind::Email,
                        "text" => SlotKind::Text,
                        "name" => SlotKind::Name,
                        "postal_code" => SlotKind::PostalCode,
                        "number" => SlotKind::Number,
                        "date" => SlotKind::Date,
                        "yes_no" => SlotKind::YesNo,
                        "options" => SlotKind::Options,
                        "item" => SlotKind::Item,
                        "items" => SlotKind::Items,
                        other => {
                            problems.push(format!(
                                "state {} asks for an unknown slot `{other}`",
                                entry.id
                            ));
                            SlotKind::Text
                        }
                    };
                    let option_edges = options
                        .iter()
                        .map(|option| {
                            let edge = outgoing[index].iter().copied().find(|edge| {
                                let transition = &artifact.transitions[edge.0 as usize];
                                transition.label == "option"
                                    && transition.values.first() == Some(option)
                            });
                            let edge = edge.unwrap_or_else(|| {
                                problems.push(format!(
                                    "state {} has no transition for option `{option}`",
                                    entry.id
                                ));
                                EdgeId(0)
                            });
                            (option.clone().into_boxed_str(), edge)
                        })
                        .collect();
                    let ask = Ask {
                        slot,
                        var: self.var(var),
                        list: list.as_deref().map(|list| self.path(list)),
                        prompt: self.template(prompt),
                        max_attempts: (*max_attempts).max(1),
                        options: option_edges,
                        // Filled in once every state is indexed.
                        descriptions: Vec::new(),
                        next: labelled("next"),
                        yes: labelled("yes"),
                        no: labelled("no"),
                        not_found: labelled("not_found"),
                        human: labelled("human_requested"),
                        exhausted: labelled("retry_exhausted"),
                        confirms: false,
                        withdrawn: labelled("withdrawn"),
                        start_over: labelled("start_over"),
                        corrections: outgoing[index]
                            .iter()
                            .copied()
                            .filter(|edge| {
                                artifact.transitions[edge.0 as usize].label == "corrected"
                            })
                            // The target is filled in once every state is indexed.
                            .map(|edge| (edge, StateId(u32::MAX)))
                            .collect(),
                    };
                    match slot {
                        SlotKind::YesNo if ask.yes.is_none() || ask.no.is_none() => problems.push(
                            format!("state {} asks yes/no without both answers", entry.id),
                        ),
                        SlotKind::Options if ask.options.is_empty() => {
                            problems.push(format!("state {} offers no options", entry.id));
                        }
                        SlotKind::Email
                        | SlotKind::Text
                        | SlotKind::Name
                        | SlotKind::PostalCode
                        | SlotKind::Number
                        | SlotKind::Date
                        | SlotKind::Item
                        | SlotKind::Items
                            if ask.next.is_none() =>
                        {
                            problems.push(format!("state {} has no `next` transition", entry.id));
                        }
                        _ => {}
                    }
                    if matches!(slot, SlotKind::Item | SlotKind::Items) && ask.list.is_none() {
                        problems.push(format!(
                            "state {} asks for an item without a list",
                            entry.id
                        ));
                    }
                    Kind::Ask(Box::new(ask))
                }
                StateBody::Call {
                    tool, args, bind, ..
                } => {
                    let tool_index = match tool_names.iter().position(|name| *name == tool) {
                        Some(position) => position as u16,
                        None => {
                            problems.push(format!(
                                "state {} calls @{tool}, which the machine does not declare",
                                entry.id
                            ));
                            0
                        }
                    };
                    Kind::Call {
                        tool: tool_index,
                        args: args
                            .iter()
                            .map(|(name, expr)| (Arc::from(name.as_str()), self.expr(expr)))
                            .collect(),
                        bind: bind.as_ref().map(|binding| self.var(&binding.var)),
                        ok: need("ok", &mut problems),
                        not_found: labelled("not_found"),
                        error: labelled("error"),
                    }
                }
                StateBody::Match { subject, domain } => {
                    let path = self.path(subject);
                    if let (Some(domain), [field]) = (domain, &*path.fields) {
                        domains.push((
                            path.var,
                            field.clone(),
                            domain
                                .iter()
                                .map(|value| value.clone().into_boxed_str())
                                .collect(),
                        ));
                    }
                    let mut cases = Vec::new();
                    for edge in &outgoing[index] {
                        let transition = &artifact.transitions[edge.0 as usize];
                        if transition.label == "case" {
                            for value in &transition.values {
                                cases.push((value.clone().into_boxed_str(), *edge));
                            }
                        }
                    }
                    Kind::Match {
                        subject: path,
                        cases,
                        otherwise: labelled("else"),
                    }
                }
                StateBody::Test { condition, .. } => Kind::Test {
                    condition: self.expr(condition),
                    yes: need("yes", &mut problems),
                    no: need("no", &mut problems),
                },
                StateBody::Say { message } => Kind::Say {
                    message: self.template(message),
                    next: need("next", &mut problems),
                },
                StateBody::Set { var, value } => Kind::Set {
                    var: self.var(var),
                    value: self.expr(value),
                    next: need("next", &mut problems),
                },
                StateBody::Escalate {
                    reason,
                    queue,
                    ticket,
                    ..
                } => Kind::Escalate {
                    reason: Arc::from(reason.as_str()),
                    queue: Arc::from(queue.as_str()),
                    ticket: *ticket,
                },
                StateBody::End { outcome } => Kind::End {
                    outcome: Arc::from(outcome.as_str()),
                    reopen: Box::new(Reopen {
                        start_over: labelled("start_over"),
                        human: labelled("human_requested"),
                        corrections: outgoing[index]
                            .iter()
                            .copied()
                            .filter(|edge| {
                                artifact.transitions[edge.0 as usize].label == "corrected"
                            })
                            .map(|edge| (edge, StateId(u32::MAX)))
                            .collect(),
                    }),
                },
                StateBody::Retry { limit, .. } => {
                    let slot = retry_slots;
                    retry_slots = retry_slots.saturating_add(1);
                    Kind::Retry {
                        slot,
                        limit: *limit,
                        again: need("again", &mut problems),
                        exhausted: need("retry_exhausted", &mut problems),
                    }
                }
                StateBody::Goto { .. } => Kind::Goto {
                    next: need("next", &mut problems),
                },
                StateBody::Wait { seconds, .. } => Kind::Wait {
                    seconds: *seconds,
                    next: need("next", &mut problems),
                },
            };
            self.problems.extend(problems);
            states.push(State { kind });
        }
        let start = match ids.get(artifact.start.as_str()) {
            Some(&start) => start,
            None => {
                self.problems
                    .push(format!("the start state {} does not exist", artifact.start));
                StateId(0)
            }
        };
        derived::mark_confirmations(&mut states, &edges, &tools);
        let trigger = artifact
            .policies
            .first()
            .and_then(|policy| policy.trigger.as_ref())
            .map(|trigger| Trigger {
                event: trigger.event.as_str().into(),
                var: self.var(keel_compiler::trigger::EVENT_VAR),
                when: trigger.when.iter().map(|expr| self.expr(expr)).collect(),
            });
        let carrier = artifact
            .carrier
            .as_ref()
            .map(|carrier| (carrier.phrases.clone(), carrier.fallback.clone()));
        derived::link_corrections(&mut states, &edges, &outgoing, &artifact);
        derived::describe_options(&mut states, &edges, &artifact);
        if self.var_names.len() > usize::from(u16::MAX) {
            self.problems.push("too many variables".to_string());
        }
        if !self.problems.is_empty() {
            return Err(Error::machine(self.problems.join("; ")));
        }
        domains.sort_by_key(|(var, _, _)| *var);
        Ok(Machine {
            artifact,
            start,
            states,
            edges,
            vars: self.var_names,
            retry_slots,
            tools,
            domains,
            trigger,
            carrier,
        })
    }

    fn tool(&mut self, name: &str, entry: &ToolEntry) -> Tool {
        Tool {
            name: Arc::from(name),
            adapter: entry.adapter.as_deref().map(Arc::from),
            returns: shape(&entry.returns),
            destructive: entry.effect == "destructive",
            writes: matches!(entry.effect.as_str(), "write" | "destructive"),
            verifies_identity: entry.verifies_identity,
        }
    }

    fn var(&mut self, name: &str) -> VarId {
        if let Some(&id) = self.vars.get(name) {
            return id;
        }
        let id = VarId(self.var_names.len().min(usize::from(u16::MAX)) as u16);
        self.vars.insert(name.to_string(), id);
        self.var_names.push(name.into());
        id
    }

    fn path(&mut self, dotted: &str) -> Path {
        let mut parts = dotted.split('.');
        let var = self.var(parts.next().unwrap_or_default());
        Path {
            var,
            fields: parts.map(Box::from).collect(),
        }
    }

    fn template(&mut self, parts: &[Part]) -> Vec<Piece> {
        parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => Piece::Text(text.clone().into_boxed_str()),
                Part::Field(path) => Piece::Field(self.path(path)),
                Part::List(path) => Piece::List(self.path(path)),
                Part::Phrase(path) => Piece::Phrase(self.path(path)),
            })
            .collect()
    }

    fn expr(&mut self, expr: &ExprEntry) -> Expr {
        match expr {
            ExprEntry::Path { path } => Expr::Path(self.path(path)),
            ExprEntry::Text { value } => Expr::Text(Arc::from(value.as_str())),
            ExprEntry::Number { value } => match value.trim().parse::<f64>() {
                Ok(number) => Expr::Number(number),
                Err(_) => {
                    self.problems.push(format!("`{value}` is not a number"));
                    Expr::Number(0.0)
                }
            },
            ExprEntry::Today => Expr::Today,
            ExprEntry::AtMost { left, right } => {
                Expr::AtMost(Box::new(self.expr(left)), Box::new(self.expr(right)))
            }
            ExprEntry::After { left, right } => {
                Expr::After(Box::new(self.expr(left)), Box::new(self.expr(right)))
            }
            ExprEntry::IsSet { path } => Expr::IsSet(self.path(path)),
            ExprEntry::DaysSince { path } => Expr::DaysSince(self.path(path)),
            ExprEntry::Equals { left, right } => {
                Expr::Equals(Box::new(self.expr(left)), Box::new(self.expr(right)))
            }
            ExprEntry::Sum { path } => Expr::Sum(self.path(path)),
            ExprEntry::Count { path } => Expr::Count(self.path(path)),
            ExprEntry::Plus { left, right } => {
                Expr::Plus(Box::new(self.expr(left)), Box::new(self.expr(right)))
            }
            ExprEntry::Minus { left, right } => {
                Expr::Minus(Box::new(self.expr(left)), Box::new(self.expr(right)))
            }
            ExprEntry::Append { list, item } => {
                Expr::Append(self.path(list), Box::new(self.expr(item)))
            }
            ExprEntry::Nothing => Expr::Nothing,
        }
    }
}

/// Reads a catalog type as the runtime checks it.
pub(crate) fn shape(written: &str) -> Shape {
    let written = written.trim();
    if let Some(inner) = written.strip_suffix('?') {
        return Shape::Optional(Box::new(shape(inner)));
    }
    if let Some(inner) = written
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        return Shape::List(Box::new(shape(inner)));
    }
    match written {
        "bool" | "boolean" => Shape::Bool,
        "int" | "integer" | "number" | "float" => Shape::Number,
        "string" | "str" | "email" | "text" => Shape::Text,
        "date" => Shape::Date,
        "money" => Shape::Money,
        _ => Shape::Record,
    }
}
