//! A tool call going out and its result coming back: the call's arguments
//! evaluated, and the result checked against the tool's declared type, the
//! catalog's value domains and (for an identity tool) the session's
//! customer, before its edge is taken.

use super::{context, fault, set, take};
use crate::eval::eval;
use crate::event::{Effect, Evidence, Handoff, Output, ToolCall, ToolOutcome};
use crate::machine::{EdgeId, Expr, Kind, Machine, Shape, VarId};
use crate::session::{Phase, Session};
use crate::value::Value;
use std::sync::Arc;

impl Kind {
    pub(super) fn error_edge(kind: &Kind) -> Option<EdgeId> {
        match kind {
            Kind::Call { error, .. } => *error,
            _ => None,
        }
    }
}

pub(super) fn call(
    session: &mut Session,
    declared: &crate::machine::Tool,
    args: &[(Arc<str>, Expr)],
    output: &mut Output,
) {
    let args = args
        .iter()
        .map(|(name, expr)| (name.clone(), eval(session, expr)))
        .collect();
    session.calls = session.calls.saturating_add(1);
    session.pending = session.calls;
    session.phase = Phase::WaitingForTool;
    output.effects.push(Effect::CallTool(ToolCall {
        id: session.calls,
        tool: declared.name.clone(),
        adapter: declared.adapter.clone(),
        args,
    }));
}

pub(super) fn tool_result(
    machine: &Machine,
    session: &mut Session,
    outcome: &ToolOutcome,
    output: &mut Output,
) {
    let Some(Kind::Call {
        tool,
        bind,
        ok,
        not_found,
        error,
        ..
    }) = machine
        .states
        .get(session.state.0 as usize)
        .map(|state| &state.kind)
    else {
        return fault(
            machine,
            session,
            "a tool result arrived at a state that calls nothing",
            output,
        );
    };
    let declared = machine.tools.get(usize::from(*tool));
    let returns = declared.map_or(&Shape::Record, |tool| &tool.returns);
    let checks_identity = declared.is_some_and(|tool| tool.verifies_identity);
    let failed = |why: &'static str| match error {
        Some(edge) => Ok((*edge, Evidence::Tool(why))),
        None => Err(why),
    };
    let decision = match outcome {
        ToolOutcome::Timeout => failed("timeout"),
        ToolOutcome::Error(_) => failed("error"),
        ToolOutcome::Ok(value) => {
            let empty = value.is_null() || value.as_list().is_some_and(<[Value]>::is_empty);
            if !conforms(value, returns) || !in_domains(machine, *bind, value) {
                failed("malformed payload")
            } else if empty && not_found.is_some() {
                if let Some(var) = bind {
                    set(session, *var, value.clone());
                }
                Ok((not_found.unwrap_or(*ok), Evidence::Tool("not found")))
            } else if let (true, Some(customer)) = (checks_identity, session.customer.clone()) {
                if !is_customer(value, &customer) {
                    return identity_mismatch(machine, session, output);
                }
                if let Some(var) = bind {
                    set(session, *var, value.clone());
                }
                Ok((*ok, Evidence::Tool("ok: the session's customer")))
            } else {
                if let Some(var) = bind {
                    set(session, *var, value.clone());
                }
                Ok((*ok, Evidence::Tool("ok")))
            }
        }
    };
    match decision {
        Ok((edge, evidence)) => take(machine, session, edge, evidence, output),
        Err(why) => fault(machine, session, why, output),
    }
}

/// Whether an identity tool's result is `customer` (see
/// [`Session::with_customer`]): the result itself when it is a text or a
/// number, or one of its `id`, `customer_id`, `user_id`, `email` fields.
pub(super) fn is_customer(value: &Value, customer: &str) -> bool {
    let same = |value: &Value| match value {
        Value::Text(_) | Value::Number(_) => value.plain().trim().eq_ignore_ascii_case(customer),
        _ => false,
    };
    match value {
        Value::Record(_) => ["id", "customer_id", "user_id", "email"]
            .iter()
            .any(|field| value.field(field).is_some_and(same)),
        other => same(other),
    }
}

/// The identity the customer gave is not the customer the session was
/// started for: hand off, without binding it (the check is in the log as
/// this hand-off's reason).
pub(super) fn identity_mismatch(machine: &Machine, session: &mut Session, output: &mut Output) {
    output.effects.push(Effect::HandOff(Handoff {
        reason: Arc::from(
            "the identity given in the conversation is not the customer this session was started for",
        ),
        queue: Arc::from("agent"),
        ticket: false,
        context: context(machine, session),
    }));
    session.phase = Phase::HandedOff;
    session.outcome = Some(Arc::from("escalated"));
    output.rest = Some(session.state);
}

/// Checks a payload against the declared type (records are checked as
/// records; their fields are checked where the machine branches on them).
pub(super) fn conforms(value: &Value, shape: &Shape) -> bool {
    match (shape, value) {
        (Shape::Optional(_), Value::Null) => true,
        (Shape::Optional(inner), value) => conforms(value, inner),
        (Shape::List(inner), Value::List(items)) => items.iter().all(|item| conforms(item, inner)),
        (Shape::Record, Value::Record(_))
        | (Shape::Bool, Value::Bool(_))
        | (Shape::Number, Value::Number(_))
        | (Shape::Text, Value::Text(_))
        | (Shape::Date, Value::Date(_))
        | (Shape::Money, Value::Money(_) | Value::Number(_)) => true,
        _ => false,
    }
}

pub(super) fn in_domains(machine: &Machine, bind: Option<VarId>, value: &Value) -> bool {
    let Some(bind) = bind else {
        return true;
    };
    let from = machine.domains.partition_point(|(var, _, _)| *var < bind);
    machine.domains[from..]
        .iter()
        .take_while(|(var, _, _)| *var == bind)
        .all(|(_, field, domain)| match value.field(field) {
            None | Some(Value::Null) => !matches!(value, Value::Record(_)),
            Some(Value::Text(text)) => domain
                .iter()
                .any(|allowed| allowed.as_ref() == text.as_ref()),
            Some(_) => false,
        })
}
