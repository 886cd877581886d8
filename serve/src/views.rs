//! The read-only routes: a session as its owner sees it (transcript,
//! state, node path, machine hash), its event log for operators (JSON, or
//! the JSON lines `keel replay` reads: their header names the policy
//! version and embeds the machine), and `/metrics`.

use crate::App;
use crate::auth::{Caller, may_use};
use crate::error::ApiError;
use crate::request::{Id, Shared, session_id};
use crate::sessions::header;
use crate::store::{EventRow, SessionRow};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header as http_header};
use axum::response::{IntoResponse, Response};
use keel_runtime::log::Line;
use keel_runtime::{Effect, Event};
use serde_json::{Value as Json_, json};

/// The stored row and log lines of a session the caller may see.
async fn stored(
    app: &App,
    caller: &Caller,
    id: &str,
) -> Result<(SessionRow, Vec<EventRow>), ApiError> {
    let row = app
        .store
        .session(id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such session"))?;
    may_use(caller, &row.token_hash)?;
    let events = app.store.events(id).await?;
    Ok((row, events))
}

pub(crate) async fn read(
    State(app): Shared,
    headers: HeaderMap,
    id: Id,
) -> Result<Json<Json_>, ApiError> {
    let caller = app.operators.caller(&headers)?;
    let id = session_id(id)?;
    let (row, events) = stored(&app, &caller, &id).await?;
    // A session token's holder sees the conversation (what they and the bot
    // said) and where it stands; tool results, hand-off contexts, the
    // customer id and an external event's data are operator data.
    let operator = caller == Caller::Operator;
    let mut transcript = Vec::new();
    let mut path: Vec<String> = Vec::new();
    // A stored line that does not read back is left out (the store only
    // ever holds lines the runtime wrote).
    for line in events
        .iter()
        .filter_map(|event| Line::parse(&event.line).ok())
    {
        match &line.event {
            Event::User(text) => transcript.push(json!({ "from": "customer", "text": text })),
            Event::ToolResult(result) if operator => {
                transcript.push(json!({ "tool_result": result }))
            }
            Event::ToolResult(_) => {}
            // Events without data by name (`start`, `timer`, …); the
            // others (an interpretation, a phrasing) are records, not turns.
            other => {
                if let Ok(Json_::String(name)) = serde_json::to_value(other) {
                    transcript.push(json!({ "event": name }));
                }
            }
        }
        for effect in &line.effects {
            match effect {
                Effect::Send(text) => transcript.push(json!({ "from": "bot", "text": text })),
                other if operator => {
                    transcript.push(serde_json::to_value(other).unwrap_or(Json_::Null))
                }
                Effect::HandOff(handoff) => transcript.push(json!({
                    "handoff": { "reason": handoff.reason.as_ref(), "queue": handoff.queue.as_ref() }
                })),
                _ => {}
            }
        }
        for hop in line.path {
            if path.is_empty() {
                path.push(hop.from);
            }
            path.push(hop.to);
        }
    }
    let origin: Json_ = row
        .origin
        .as_deref()
        .and_then(|origin| serde_json::from_str(origin).ok())
        .unwrap_or(Json_::Null);
    if !operator {
        return Ok(Json(json!({
            "session_id": row.id,
            "policy": row.policy,
            "version": row.version,
            "channel": row.channel,
            "phase": row.phase,
            "node": row.node,
            "outcome": row.outcome,
            "seq": row.seq,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "transcript": transcript,
        })));
    }
    Ok(Json(json!({
        "session_id": row.id,
        "policy": row.policy,
        "version": row.version,
        "hash": row.hash,
        "channel": row.channel,
        "customer": row.customer,
        "today": row.today,
        "phase": row.phase,
        "node": row.node,
        "outcome": row.outcome,
        "seq": row.seq,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "origin": origin,
        "path": path,
        "transcript": transcript,
        "helpdesk_handoffs": crate::handoff::of_session(&app, &row.id).await?,
    })))
}

pub(crate) async fn events(
    State(app): Shared,
    headers: HeaderMap,
    id: Id,
) -> Result<Json<Json_>, ApiError> {
    app.operators.operator(&headers)?;
    let id = session_id(id)?;
    let (row, events) = stored(&app, &Caller::Operator, &id).await?;
    let machine = app.machines.get(app.store.as_ref(), &row.hash).await?;
    let lines: Vec<Json_> = events
        .iter()
        .map(|event| {
            json!({
                "seq": event.seq,
                "at": event.at,
                "entry": Line::parse(&event.line)
                    .ok()
                    .and_then(|line| serde_json::to_value(line).ok())
                    .unwrap_or(Json_::Null),
            })
        })
        .collect();
    Ok(Json(json!({
        "header": header(&row, &machine),
        "events": lines,
    })))
}

pub(crate) async fn log_lines(
    State(app): Shared,
    headers: HeaderMap,
    id: Id,
) -> Result<Response, ApiError> {
    app.operators.operator(&headers)?;
    let id = session_id(id)?;
    let (row, events) = stored(&app, &Caller::Operator, &id).await?;
    let machine = app.machines.get(app.store.as_ref(), &row.hash).await?;
    // The header names the policy version and embeds the machine, so that
    // `keel replay` needs nothing but this text.
    let mut head = header(&row, &machine);
    head.artifact = Some(
        serde_json::to_value(machine.artifact())
            .map_err(|error| ApiError::internal(error.to_string()))?,
    );
    let mut text =
        serde_json::to_string(&head).map_err(|error| ApiError::internal(error.to_string()))?;
    text.push('\n');
    for event in &events {
        text.push_str(&event.line);
        text.push('\n');
    }
    Ok(([(http_header::CONTENT_TYPE, "application/x-ndjson")], text).into_response())
}

pub(crate) async fn metrics(State(app): Shared, headers: HeaderMap) -> Result<Response, ApiError> {
    app.operators.operator(&headers)?;
    let mut text = app.metrics.render();
    text.push_str(&crate::kpis::render(&app).await?);
    text.push_str(&format!(
        "# HELP keel_sessions_in_memory Sessions this process holds in memory.\n# TYPE keel_sessions_in_memory gauge\nkeel_sessions_in_memory {}\n",
        app.sessions.held()
    ));
    Ok((
        [(http_header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        text,
    )
        .into_response())
}
