//! Conversation synthesis: a path through a machine (transitions from the
//! start to an end, as `keel_compiler::machine::paths` plans them) made
//! concrete as a [`Script`] that drives exactly that path.
//!
//! User turns are synthesised from the slot types, and every tool call is
//! stubbed (`call = n`) with a value that drives the branches further along
//! the path: an order whose `status` is the case a later match takes, a
//! date in the past or the future for a later test, a non-empty list for an
//! item ask. Values are chosen in *cells* (a stub's payload or a typed
//! answer); a branch that relies on a place in a cell *pins* it, so a later
//! branch that needs another value there makes the path infeasible rather
//! than silently changing an earlier decision. Conditions are evaluated by
//! the runtime's own evaluator ([`crate::eval`]) over the cells.
//!
//! [`conversation`] then runs the script through the runtime and keeps it
//! (with its `[expect]` table recorded from that run) only if it takes
//! exactly the planned transitions, so a written conversation always says
//! what the machine really does.

mod cells;
mod types;

use crate::eval::{self, Scope};
use crate::machine::{Ask, EdgeId, Expr, Kind, Machine, Path, SlotKind, StateId, VarId};
use crate::script::{Script, Stub};
use crate::value::{Date, Value};
use cells::{Binding, Cell, Place, Seg};
use keel_compiler::emit::artifact::StateBody;
use serde_json::{Value as Json, json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use types::Ty;

/// Plans the user turns and stubs that drive `path` (transition indices,
/// from the start to an end); `None` when the branches along it contradict
/// each other. `description` becomes the script's description.
pub fn synthesise(
    machine: &Machine,
    path: &[EdgeId],
    today: Date,
    description: &str,
) -> Option<Script> {
    let mut world = World {
        machine,
        today,
        cells: Vec::new(),
        bindings: BTreeMap::new(),
        turns: Vec::new(),
        stubs: Vec::new(),
        calls: BTreeMap::new(),
        emails: 0,
    };
    for &edge in path {
        let from = machine.edges.get(edge.0 as usize)?.from;
        let label = Taken::of(machine, edge)?;
        match &machine.states.get(from.0 as usize)?.kind {
            Kind::Ask(ask) => world.ask(ask, &label)?,
            Kind::Call { tool, bind, .. } => world.call(from, usize::from(*tool), *bind, &label)?,
            Kind::Match { subject, .. } => world.matches(from, subject, &label)?,
            Kind::Test { condition, .. } => {
                let want = match label {
                    Taken::Yes => true,
                    Taken::No => false,
                    _ => return None,
                };
                world.test(condition, want)?;
            }
            Kind::Set { var, value, .. } => {
                let computed = eval::eval(&world, value).to_json();
                world.bindings.insert(*var, Binding::Fixed(computed));
            }
            _ => {}
        }
    }
    Some(world.script(description))
}

/// [`synthesise`]s `path` and runs the script; keeps it, with its `[expect]`
/// table, only if it takes exactly the planned transitions, reads every
/// turn and ends without a fault. Returns the script and the transitions
/// taken.
pub fn conversation(
    machine: &Machine,
    path: &[EdgeId],
    today: Date,
    description: &str,
) -> Option<(Script, Vec<EdgeId>)> {
    let mut script = synthesise(machine, path, today, description)?;
    let run = crate::script::run(machine, &script, today).ok()?;
    let taken: Vec<EdgeId> = run
        .conversation
        .entries()
        .iter()
        .flat_map(|entry| entry.output.taken.iter().map(|taken| taken.edge))
        .collect();
    if taken != path
        || run.transcript.unread_turns > 0
        || run.transcript.outcome.status == "fault"
        || run.transcript.outcome.status == "waiting"
    {
        return None;
    }
    script.expect = Some(run.transcript.expectation());
    Some((script, taken))
}

/// Why a transition is taken, read from the artifact.
#[derive(Clone, Debug, PartialEq)]
enum Taken {
    Next,
    Case(Vec<String>),
    Option(String),
    Else,
    Ok,
    NotFound,
    Error,
    Yes,
    No,
    Other,
    RetryExhausted,
    HumanRequested,
}

impl Taken {
    fn of(machine: &Machine, edge: EdgeId) -> Option<Taken> {
        let entry = machine.artifact.transitions.get(edge.0 as usize)?;
        Some(match entry.label.as_str() {
            "next" => Taken::Next,
            "case" => Taken::Case(entry.values.clone()),
            "option" => Taken::Option(entry.values.first()?.clone()),
            "else" => Taken::Else,
            "ok" => Taken::Ok,
            "not_found" => Taken::NotFound,
            "error" => Taken::Error,
            "yes" => Taken::Yes,
            "no" => Taken::No,
            "retry_exhausted" => Taken::RetryExhausted,
            "human_requested" => Taken::HumanRequested,
            _ => Taken::Other,
        })
    }
}

/// A customer turn.
#[derive(Clone, Debug)]
enum Turn {
    Text(String),
    /// Rendered from the cell once every constraint is in.
    Answer(usize, SlotKind),
}

/// What a stubbed call answers.
#[derive(Clone, Debug)]
enum Outcome {
    Cell(usize),
    Error,
}

/// Everything chosen so far along a path.
struct World<'m> {
    machine: &'m Machine,
    today: Date,
    cells: Vec<Cell>,
    bindings: BTreeMap<VarId, Binding>,
    turns: Vec<Turn>,
    stubs: Vec<(String, u32, Outcome)>,
    calls: BTreeMap<String, u32>,
    emails: u32,
}

impl Scope for World<'_> {
    fn var(&self, var: VarId) -> Cow<'_, Value> {
        let json = match self.bindings.get(&var) {
            Some(Binding::Cell(cell, segs)) => self.get(*cell, segs),
            Some(Binding::Fixed(value)) => Some(value),
            None => None,
        };
        Cow::Owned(json.map_or(Value::Null, Value::from_json))
    }

    fn today(&self) -> Date {
        self.today
    }
}

impl World<'_> {
    fn new_cell(&mut self, value: Json, ty: Ty) -> usize {
        self.cells.push(Cell::new(value, ty));
        self.cells.len() - 1
    }

    fn ask(&mut self, ask: &Ask, label: &Taken) -> Option<()> {
        let slot = ask.slot;
        match label {
            Taken::HumanRequested => self
                .turns
                .push(Turn::Text("I want to talk to a human".to_string())),
            Taken::RetryExhausted => {
                let gibberish = match slot {
                    SlotKind::Text => "",
                    SlotKind::Name => "I'd rather not say",
                    _ => "asdf qwerty",
                };
                for _ in 0..ask.max_attempts.max(1) {
                    self.turns.push(Turn::Text(gibberish.to_string()));
                }
            }
            Taken::Yes | Taken::No => {
                let yes = *label == Taken::Yes;
                let text = match (slot, yes) {
                    (_, true) => "yes",
                    (SlotKind::Options, false) => "no thanks",
                    (_, false) => "no",
                };
                self.turns.push(Turn::Text(text.to_string()));
                if slot == SlotKind::YesNo {
                    self.bindings
                        .insert(ask.var, Binding::Fixed(Json::Bool(yes)));
                }
            }
            Taken::Option(option) => {
                self.turns.push(Turn::Text(option.clone()));
                self.bindings
                    .insert(ask.var, Binding::Fixed(Json::String(option.clone())));
            }
            Taken::NotFound => self.turns.push(Turn::Text("none of them".to_string())),
            Taken::Next => match slot {
                SlotKind::Items => {
                    self.turns.push(Turn::Text("all of them".to_string()));
                    let list = ask.list.as_ref()?;
                    let binding = match self.bindings.get(&list.var)?.clone() {
                        Binding::Cell(cell, mut segs) => {
                            segs.extend(list.fields.iter().map(|f| Seg::Field(f.to_string())));
                            let items = self.get(cell, &segs)?;
                            if items.as_array().is_none_or(Vec::is_empty) {
                                return None;
                            }
                            Binding::Cell(cell, segs)
                        }
                        Binding::Fixed(value) => {
                            let mut inner = &value;
                            for field in list.fields.iter() {
                                inner = inner.get(field.as_ref())?;
                            }
                            Binding::Fixed(inner.clone())
                        }
                    };
                    self.bindings.insert(ask.var, binding);
                }
                SlotKind::Item => {
                    self.turns.push(Turn::Text("the first one".to_string()));
                    let list = ask.list.as_ref()?;
                    let binding = match self.bindings.get(&list.var)?.clone() {
                        Binding::Cell(cell, mut segs) => {
                            segs.extend(list.fields.iter().map(|f| Seg::Field(f.to_string())));
                            let mut item = segs.clone();
                            item.push(Seg::Index(0));
                            // The list is never emptied once made, so its
                            // first item stays the one chosen.
                            let items = self.get(cell, &segs)?;
                            if items.as_array().is_none_or(Vec::is_empty) {
                                return None;
                            }
                            Binding::Cell(cell, item)
                        }
                        Binding::Fixed(value) => {
                            let mut inner = &value;
                            for field in list.fields.iter() {
                                inner = inner.get(field.as_ref())?;
                            }
                            Binding::Fixed(inner.get(0)?.clone())
                        }
                    };
                    self.bindings.insert(ask.var, binding);
                }
                SlotKind::YesNo | SlotKind::Options => return None,
                typed => {
                    let (value, ty) = match typed {
                        SlotKind::Email => {
                            self.emails += 1;
                            let email = if self.emails == 1 {
                                "customer@example.com".to_string()
                            } else {
                                format!("customer{}@example.com", self.emails)
                            };
                            (Json::String(email), Ty::Email)
                        }
                        SlotKind::Text => (
                            Json::String("I have a question about it".to_string()),
                            Ty::String,
                        ),
                        SlotKind::Name => (Json::String("Maya".to_string()), Ty::String),
                        SlotKind::PostalCode => (Json::String("80218".to_string()), Ty::String),
                        SlotKind::Number => (json!(2), Ty::Number),
                        _ => (Json::String(self.today.plus_days(-3).iso()), Ty::Date),
                    };
                    let cell = self.new_cell(value, ty);
                    self.turns.push(Turn::Answer(cell, typed));
                    self.bindings
                        .insert(ask.var, Binding::Cell(cell, Vec::new()));
                }
            },
            _ => return None,
        }
        Some(())
    }

    fn call(
        &mut self,
        state: StateId,
        tool: usize,
        bind: Option<VarId>,
        label: &Taken,
    ) -> Option<()> {
        let name = self.machine.tools.get(tool)?.name.to_string();
        let count = self.calls.entry(name.clone()).or_default();
        *count += 1;
        let nth = *count;
        let artifact = &self.machine.artifact;
        let bound = match &artifact.states.get(state.0 as usize)?.body {
            StateBody::Call { bind, .. } => bind.as_ref().map(|bind| Ty::parse(&bind.ty, None)),
            _ => None,
        };
        let returns = artifact
            .tools
            .get(&name)
            .map(|declared| Ty::parse(&declared.returns, None))
            .or(bound)
            .unwrap_or(Ty::Bool);
        let value = match label {
            Taken::Error => {
                self.stubs.push((name, nth, Outcome::Error));
                return Some(());
            }
            Taken::Ok => types::default_value(artifact, self.today, returns.required(), "", 0),
            Taken::NotFound => match returns.required() {
                Ty::List(_) => json!([]),
                _ => Json::Null,
            },
            _ => return None,
        };
        let cell = self.new_cell(value, returns);
        self.stubs.push((name, nth, Outcome::Cell(cell)));
        if let Some(var) = bind {
            self.bindings.insert(var, Binding::Cell(cell, Vec::new()));
        }
        Some(())
    }

    fn matches(&mut self, state: StateId, subject: &Path, label: &Taken) -> Option<()> {
        let place = self.place(subject)?;
        match label {
            Taken::Case(values) => {
                let first = values.first()?.clone();
                self.require(
                    &place,
                    |value| {
                        value
                            .as_str()
                            .is_some_and(|text| values.iter().any(|v| v == text))
                    },
                    Json::String(first),
                )
            }
            Taken::Else => {
                let artifact = &self.machine.artifact;
                // Every value a case of this state names, in transition order.
                let cases: Vec<String> = self
                    .machine
                    .edges
                    .iter()
                    .zip(&artifact.transitions)
                    .filter(|(edge, entry)| edge.from == state && entry.label == "case")
                    .flat_map(|(_, entry)| entry.values.iter().cloned())
                    .collect();
                let domain = match &artifact.states.get(state.0 as usize)?.body {
                    StateBody::Match { domain, .. } => domain.as_deref(),
                    _ => None,
                };
                let other = domain
                    .and_then(|domain| domain.iter().find(|value| !cases.contains(value)))
                    .cloned()
                    .unwrap_or_else(|| "something else".to_string());
                self.require(
                    &place,
                    |value| {
                        value
                            .as_str()
                            .is_none_or(|text| !cases.iter().any(|c| c == text))
                    },
                    Json::String(other),
                )
            }
            _ => None,
        }
    }

    fn test(&mut self, condition: &Expr, want: bool) -> Option<()> {
        match condition {
            Expr::AtMost(left, right) | Expr::After(left, right) => {
                let at_most = matches!(condition, Expr::AtMost(..));
                // Only comparable values decide: the test must really hold
                // or really fail, not fail for want of a value.
                let holds = |world: &World<'_>| {
                    let ordering =
                        eval::order(&eval::eval(world, left), &eval::eval(world, right))?;
                    Some(if at_most {
                        ordering.is_le()
                    } else {
                        ordering.is_gt()
                    })
                };
                if holds(self) == Some(want) {
                    self.pin_expr(left);
                    self.pin_expr(right);
                    return Some(());
                }
                // Which side to change, and which way: `left <= right` holds
                // when the left side is smaller or the right side larger.
                for (free, other, left_side) in [(left, right, true), (right, left, false)] {
                    let Some(place) = self.free_place(free) else {
                        continue;
                    };
                    let smaller = (at_most == want) == left_side;
                    let Some(target) = self.target(free, &eval::eval(self, other), smaller) else {
                        continue;
                    };
                    let saved = self.cells.clone();
                    if self.set(&place, target).is_some() && holds(self) == Some(want) {
                        self.pin_expr(other);
                        return Some(());
                    }
                    self.cells = saved;
                }
                None
            }
            Expr::IsSet(path) => {
                let place = self.place(path)?;
                if want {
                    let filler = self
                        .type_at(&place)
                        .map(|ty| {
                            types::default_value(&self.machine.artifact, self.today, &ty, "", 0)
                        })
                        .filter(|value| !value.is_null())
                        .unwrap_or_else(|| Json::String("set".to_string()));
                    self.require(&place, |value| !value.is_null(), filler)
                } else {
                    self.require(&place, Json::is_null, Json::Null)
                }
            }
            Expr::Equals(left, right) => {
                let same = |world: &World<'_>| eval::test(world, condition).0;
                if same(self) == want {
                    self.pin_expr(left);
                    self.pin_expr(right);
                    return Some(());
                }
                for (free, other) in [(left, right), (right, left)] {
                    let Some(place) = self.free_place(free) else {
                        continue;
                    };
                    let target = match (&self.json_of(other), want) {
                        (Json::String(text), true) => Json::String(text.clone()),
                        (Json::String(text), false) => Json::String(format!("not {text}")),
                        (Json::Null, _) => continue,
                        (value, true) => value.clone(),
                        (_, false) => Json::String("something else".to_string()),
                    };
                    let saved = self.cells.clone();
                    if self.set(&place, target).is_some() && same(self) == want {
                        self.pin_expr(other);
                        return Some(());
                    }
                    self.cells = saved;
                }
                None
            }
            Expr::Path(path) => {
                let place = self.place(path)?;
                self.require(&place, |value| *value == Json::Bool(want), Json::Bool(want))
            }
            _ => None,
        }
    }

    /// An expression's value as it would be written in a stub: a path's
    /// value exactly as chosen, anything else as the evaluator sees it.
    fn json_of(&self, expr: &Expr) -> Json {
        match expr {
            Expr::Path(path) => match self.place(path) {
                Some(Place::Cell(cell, segs)) => {
                    self.get(cell, &segs).cloned().unwrap_or(Json::Null)
                }
                Some(Place::Fixed(value)) => value,
                None => Json::Null,
            },
            other => eval::eval(self, other).to_json(),
        }
    }

    /// A value for `free` that makes it smaller (or larger) than `other`.
    fn target(&self, free: &Expr, other: &Value, smaller: bool) -> Option<Json> {
        let sign = if smaller { -1 } else { 1 };
        match (free, other) {
            (Expr::DaysSince(_), Value::Number(number)) => {
                let days = number.floor() as i32 + sign;
                Some(Json::String(self.today.plus_days(-days).iso()))
            }
            (Expr::Path(_), Value::Number(number)) => Some(json!(number.floor() + f64::from(sign))),
            (Expr::Path(_), Value::Date(date)) => {
                Some(Json::String(date.plus_days(30 * sign).iso()))
            }
            _ => None,
        }
    }

    /// The place behind an expression synthesis may still change.
    fn free_place(&self, expr: &Expr) -> Option<(usize, Vec<Seg>)> {
        let path = match expr {
            Expr::Path(path) | Expr::DaysSince(path) => path,
            _ => return None,
        };
        match self.place(path)? {
            Place::Cell(cell, segs) if !self.is_pinned(cell, &segs) => Some((cell, segs)),
            _ => None,
        }
    }

    fn pin_expr(&mut self, expr: &Expr) {
        let path = match expr {
            Expr::Path(path) | Expr::DaysSince(path) | Expr::IsSet(path) => path,
            _ => return,
        };
        if let Some(Place::Cell(cell, segs)) = self.place(path) {
            if let Some(cell) = self.cells.get_mut(cell) {
                cell.pinned.insert(segs);
            }
        }
    }

    fn script(&self, description: &str) -> Script {
        let user = self
            .turns
            .iter()
            .map(|turn| match turn {
                Turn::Text(text) => text.clone(),
                Turn::Answer(cell, slot) => {
                    let value = self
                        .cells
                        .get(*cell)
                        .map_or(Json::Null, |cell| cell.value.clone());
                    answer_text(*slot, &value)
                }
            })
            .collect();
        let stubs = self
            .stubs
            .iter()
            .map(|(tool, nth, outcome)| {
                let mut stub = Stub {
                    tool: tool.clone(),
                    call: Some(*nth),
                    ..Stub::default()
                };
                match outcome {
                    Outcome::Error => stub.error = Some("stubbed failure".to_string()),
                    Outcome::Cell(cell) => match self.cells.get(*cell).map(|cell| &cell.value) {
                        Some(Json::Null) | None => stub.absent = true,
                        Some(value) => stub.ok = Some(value.clone()),
                    },
                }
                stub
            })
            .collect();
        Script {
            description: description.to_string(),
            today: Some(self.today.iso()),
            event: None,
            user,
            stubs,
            expect: None,
            backend: None,
        }
    }
}

/// What a customer types for a typed answer.
fn answer_text(slot: SlotKind, value: &Json) -> String {
    match (slot, value) {
        (SlotKind::Date, Json::String(text)) => match Date::parse_iso(text) {
            Some(date) => {
                let mut out = String::new();
                date.write_long(&mut out);
                out
            }
            None => text.clone(),
        },
        (_, Json::String(text)) if !text.trim().is_empty() => text.clone(),
        (_, Json::Number(number)) => number.to_string(),
        _ => "I have a question about it".to_string(),
    }
}

#[cfg(test)]
mod tests;
