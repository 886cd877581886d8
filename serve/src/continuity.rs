//! Channel continuity (seed 003's fifth mistake: "treating each channel as
//! a silo"): `POST /v1/inbound` is a customer's message on any channel.
//! If the same customer has a live session — waiting for their answer or
//! for a follow-up timer — written to within
//! [`Proactive::continuity_window`](crate::Proactive::continuity_window),
//! the message goes to that session, whatever channel it started on;
//! otherwise the policy named starts a new session on this channel.

use crate::api::{Body, begin_json, body, field, reply_json};
use crate::error::ApiError;
use crate::request::Shared;
use crate::sessions::{self, Live};
use crate::store::SqlValue;
use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use keel_runtime::Event;
use serde::Deserialize;
use serde_json::json;

/// `POST /v1/inbound`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InboundBody {
    /// Who wrote.
    customer: String,
    /// On which channel (`chat`, `email`, `sms`, …).
    channel: String,
    /// What they wrote.
    text: String,
    /// The policy to start when no session continues.
    policy: String,
}

/// Delivers an inbound message to the customer's live session, or starts one.
pub(crate) async fn inbound(
    axum::extract::State(app): Shared,
    headers: HeaderMap,
    payload: Body<InboundBody>,
) -> Result<Response, ApiError> {
    app.operators.operator(&headers)?;
    let payload = body(payload)?;
    let customer = field("customer", &payload.customer, 200)?;
    let channel = field("channel", &payload.channel, 50)?;
    if payload.text.chars().count() > app.config.max_message_chars {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "message_too_long",
            format!(
                "a message may have at most {} characters",
                app.config.max_message_chars
            ),
        ));
    }
    let window =
        i64::try_from(app.config.proactive.continuity_window.as_micros()).unwrap_or(i64::MAX);
    let since = app.clock.now_micros().saturating_sub(window);
    let live = app
        .store
        .sql(
            "SELECT id, channel FROM sessions WHERE customer = $1
             AND phase IN ('waiting_for_user', 'waiting_for_timer') AND updated_at >= $2
             ORDER BY updated_at DESC, id LIMIT 1",
            vec![SqlValue::from(customer), SqlValue::Int(since)],
        )
        .await?;
    if let Some(row) = live.first() {
        let id = row
            .first()
            .and_then(SqlValue::text)
            .unwrap_or_default()
            .to_string();
        let first_channel = row
            .get(1)
            .and_then(SqlValue::text)
            .unwrap_or_default()
            .to_string();
        let mut guard = app.sessions.try_lock(&id)?;
        if guard.is_none() {
            *guard = Live::load(&app, &id).await?;
        }
        if let Some(live) = guard.as_mut() {
            let reply =
                sessions::run(&app, live, Some(Event::User(payload.text.clone())), false).await?;
            if live.session().is_finished() {
                drop(guard);
                app.sessions.forget(&id);
            }
            let mut answer = reply_json(&reply);
            answer["continued"] = json!(true);
            answer["session_channel"] = json!(first_channel);
            answer["channel"] = json!(channel);
            return Ok((StatusCode::OK, Json(answer)).into_response());
        }
    }
    let origin = json!({ "kind": "inbound", "channel": channel, "text": payload.text });
    let (status, mut answer) = begin_json(
        &app,
        &payload.policy,
        channel,
        Some(customer),
        Some(origin.to_string()),
        Event::Start,
    )
    .await?;
    answer["continued"] = json!(false);
    answer["channel"] = json!(channel);
    Ok((status, Json(answer)).into_response())
}
