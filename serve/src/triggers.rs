//! External events in (`POST /v1/events`, and the tracking monitor's own):
//! each starts the deployed policies its kind triggers — for its customer,
//! with `$event` bound to its data, when the policy's condition holds —
//! and every outcome is recorded in the store, none dropped:
//!
//! * `started`: a session began (its id is kept);
//! * `duplicate`: the customer already has a live session of that policy,
//!   which is left alone (its id is kept);
//! * `condition_false`: the policy's `when:` does not hold for this data;
//! * `unmatched`: no deployed policy is triggered by this kind (or the
//!   policy the event names is not deployed, or is triggered by another
//!   kind);
//! * `channel_not_served`: the policy does not serve the event's channel
//!   (its front matter's `channels:`);
//! * `invalid_data`: the data is not the record the catalog declares for
//!   the event (`[events]`): a field it does not declare, a declared field
//!   missing, or a value of another type — the policy was verified against
//!   that record, so it is not started on anything else;
//! * `refused`: the session could not be started (the reason is kept).
//!
//! Each record keeps a `detail` saying why, for the last three and for a
//! named policy that is not deployed.
//!
//! `GET /v1/events` lists the records; `/metrics` counts them.

use crate::api::{begin_json, field};
use crate::error::ApiError;
use crate::request::Shared;
use crate::store::SqlValue;
use crate::{App, clock::date_of};
use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use keel_runtime::{Event, Triggered, Value};
use serde::Deserialize;
use serde_json::{Value as Json_, json};

/// The table of received events and what each did.
pub(crate) const EXTERNAL_EVENTS_TABLE: &str = "CREATE TABLE IF NOT EXISTS external_events (
        id TEXT NOT NULL,
        at BIGINT NOT NULL,
        kind TEXT NOT NULL,
        customer TEXT NOT NULL,
        policy TEXT NOT NULL,
        result TEXT NOT NULL,
        session_id TEXT NOT NULL,
        data TEXT NOT NULL,
        detail TEXT,
        PRIMARY KEY (id, policy))";

/// `POST /v1/events`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExternalBody {
    /// What happened (`carrier_scan_gap`, …).
    pub kind: String,
    /// Only this policy (otherwise every policy the kind triggers).
    #[serde(default)]
    pub policy: Option<String>,
    /// Whom it concerns.
    pub customer: String,
    /// The channel to reach them on.
    #[serde(default = "default_channel")]
    pub channel: String,
    /// The event's data, bound to `$event`.
    #[serde(default)]
    pub data: Json_,
}

fn default_channel() -> String {
    "email".to_string()
}

/// What one event did for one policy.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Outcome {
    /// The policy (empty when none matched).
    pub policy: String,
    /// `started`, `duplicate`, `condition_false`, `unmatched`,
    /// `channel_not_served`, `invalid_data` or `refused`.
    pub result: &'static str,
    /// Why, when it started nothing for a reason the result does not say.
    pub detail: Option<String>,
    /// The session started, or the live one that made it a duplicate.
    pub session_id: Option<String>,
    /// The started session's answer (id, token, first messages).
    pub answer: Option<Json_>,
}

/// The `POST /v1/events` handler's work: dispatch and answer.
pub(crate) async fn receive(app: &App, event: ExternalBody) -> Result<Response, ApiError> {
    let (id, outcomes) = dispatch(app, &event).await?;
    let started: Vec<&Outcome> = outcomes
        .iter()
        .filter(|outcome| outcome.result == "started")
        .collect();
    let results: Vec<Json_> = outcomes
        .iter()
        .map(|outcome| {
            json!({
                "policy": outcome.policy,
                "result": outcome.result,
                "session_id": outcome.session_id,
                "detail": outcome.detail,
            })
        })
        .collect();
    // One session started: its answer at the top, as `POST /v1/sessions` gives it.
    let mut answer = match started.as_slice() {
        [one] => one.answer.clone().unwrap_or_else(|| json!({})),
        _ => json!({}),
    };
    answer["event_id"] = json!(id);
    answer["results"] = json!(results);
    let status = if started.is_empty() {
        StatusCode::ACCEPTED
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(answer)).into_response())
}

/// Starts what `event` triggers and records every outcome; returns the
/// event's id and the outcomes, one per policy considered.
pub(crate) async fn dispatch(
    app: &App,
    event: &ExternalBody,
) -> Result<(String, Vec<Outcome>), ApiError> {
    let kind = field("kind", &event.kind, 100)?.to_string();
    let customer = field("customer", &event.customer, 200)?.to_string();
    let channel = field("channel", &event.channel, 50)?.to_string();
    let data_text = event.data.to_string();
    if data_text.len() > app.config.max_body_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            "the event's data is too large",
        ));
    }
    let now = app.clock.now_micros();
    let id = crate::auth::random_token("ev_", 12)?;
    let data = Value::from_json(&event.data);
    let mut outcomes = Vec::new();
    for policy in candidates(app, &kind, event.policy.as_deref()).await? {
        let outcome = match policy {
            Candidate::Mismatch(name) => Outcome::nothing(name, "unmatched", None),
            Candidate::Missing(name) => {
                let detail = format!("no policy `{name}` is deployed");
                Outcome::nothing(name, "unmatched", Some(detail))
            }
            Candidate::Policy(name, machine) => {
                let problems = data_problems(&machine, &event.data);
                if let Err(refused) = crate::api::serves_channel(&machine, &channel) {
                    Outcome::nothing(name, "channel_not_served", Some(refused.message))
                } else if !problems.is_empty() {
                    Outcome::nothing(name, "invalid_data", Some(problems.join("; ")))
                } else if machine.trigger_event().is_some()
                    && !keel_runtime::trigger_holds(&machine, &data, date_of(now))
                {
                    Outcome::nothing(name, "condition_false", None)
                } else if let Some(live) = live_session(app, &customer, &name).await? {
                    Outcome {
                        policy: name,
                        result: "duplicate",
                        session_id: Some(live),
                        answer: None,
                        detail: None,
                    }
                } else {
                    let origin = json!({ "kind": kind, "data": event.data, "event_id": id });
                    let start = Event::Triggered(Box::new(Triggered {
                        kind: kind.clone(),
                        data: data.clone(),
                    }));
                    match begin_json(
                        app,
                        &name,
                        &channel,
                        Some(&customer),
                        Some(origin.to_string()),
                        start,
                    )
                    .await
                    {
                        Ok((_, answer)) => Outcome {
                            session_id: answer["session_id"].as_str().map(str::to_string),
                            policy: name,
                            result: "started",
                            answer: Some(answer),
                            detail: None,
                        },
                        // The request was fine; this policy could not start:
                        // recorded, and the other policies still considered.
                        Err(error) if error.status.is_client_error() => {
                            Outcome::nothing(name, "refused", Some(error.message))
                        }
                        Err(error) => return Err(error),
                    }
                }
            }
        };
        outcomes.push(outcome);
    }
    if outcomes.is_empty() {
        outcomes.push(Outcome::nothing(String::new(), "unmatched", None));
    }
    for outcome in &outcomes {
        app.store
            .sql(
                "INSERT INTO external_events (id, at, kind, customer, policy, result, session_id, data, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''))",
                vec![
                    SqlValue::from(id.as_str()),
                    SqlValue::Int(now),
                    SqlValue::from(kind.as_str()),
                    SqlValue::from(customer.as_str()),
                    SqlValue::from(outcome.policy.as_str()),
                    SqlValue::from(outcome.result),
                    SqlValue::from(outcome.session_id.clone().unwrap_or_default()),
                    SqlValue::from(data_text.as_str()),
                    SqlValue::from(outcome.detail.clone().unwrap_or_default()),
                ],
            )
            .await?;
    }
    Ok((id, outcomes))
}

impl Outcome {
    /// An outcome that started nothing.
    fn nothing(policy: String, result: &'static str, detail: Option<String>) -> Outcome {
        Outcome {
            policy,
            result,
            session_id: None,
            answer: None,
            detail,
        }
    }
}

/// What is wrong with an event's data as the record the catalog declares
/// for a triggered policy's event (nothing for a policy with no trigger:
/// its `$event` is not typed). Every problem is named, sorted by field.
pub(crate) fn data_problems(machine: &keel_runtime::Machine, data: &Json_) -> Vec<String> {
    let artifact = machine.artifact();
    let Some(trigger) = artifact
        .policies
        .first()
        .and_then(|policy| policy.trigger.as_ref())
    else {
        return Vec::new();
    };
    let Some(fields) = artifact.types.get(&trigger.record) else {
        return Vec::new();
    };
    let empty = serde_json::Map::new();
    let given = match data {
        Json_::Object(given) => given,
        Json_::Null => &empty,
        _ => {
            return vec![format!(
                "the data is not a `{}` record (an object)",
                trigger.record
            )];
        }
    };
    let mut problems = Vec::new();
    for name in given.keys() {
        if !fields.contains_key(name) {
            problems.push(format!(
                "`{name}` is not a field of `{}` (its fields: {})",
                trigger.record,
                fields.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for (name, field) in fields {
        let optional = field.ty.ends_with('?');
        match given.get(name) {
            None | Some(Json_::Null) if optional => {}
            None | Some(Json_::Null) => problems.push(format!("`{name}` is missing")),
            Some(value) => {
                if let Some(expected) = mismatch(field, value) {
                    problems.push(format!("`{name}` is {value}, not {expected}"));
                }
            }
        }
    }
    problems
}

/// What a present value should have been, if it is not of its field's type
/// (the scalar types; records and lists only by their shape).
fn mismatch(field: &keel_compiler::emit::artifact::FieldEntry, value: &Json_) -> Option<String> {
    let ty = field.ty.trim_end_matches('?');
    let fits = match ty {
        "string" | "str" | "text" | "email" | "carrier_code" => value.is_string(),
        "int" | "integer" => value.is_i64() || value.is_u64(),
        "number" | "float" | "decimal" => value.is_number(),
        "bool" | "boolean" => value.is_boolean(),
        "date" => value
            .as_str()
            .is_some_and(|text| keel_runtime::Date::parse_iso(text).is_some()),
        "money" => value.get("amount").is_some() && value.get("currency").is_some(),
        "enum" => value.as_str().is_some_and(|text| {
            field
                .domain
                .as_ref()
                .is_none_or(|domain| domain.iter().any(|known| known == text))
        }),
        list if list.starts_with('[') => value.is_array(),
        _ => value.is_object(),
    };
    if fits {
        return None;
    }
    Some(match (ty, &field.domain) {
        ("enum", Some(domain)) => format!("one of {}", domain.join(", ")),
        ("int" | "integer", _) => "an integer".to_string(),
        ("date", _) => "an ISO date".to_string(),
        (other, _) => format!("a {other}"),
    })
}

enum Candidate {
    /// A deployed policy this event may start.
    Policy(String, std::sync::Arc<keel_runtime::Machine>),
    /// The policy asked for is triggered by another kind of event.
    Mismatch(String),
    /// The policy asked for is not deployed.
    Missing(String),
}

/// The policies an event of `kind` may start: the one named, or every
/// deployed policy (latest version) whose trigger is `kind`.
async fn candidates(
    app: &App,
    kind: &str,
    named: Option<&str>,
) -> Result<Vec<Candidate>, ApiError> {
    let now = app.clock.now_micros();
    if let Some(name) = named {
        let name = field("policy", name, 200)?;
        let Some(version) = app.machines.latest(app.store.as_ref(), name, now).await? else {
            return Ok(vec![Candidate::Missing(name.to_string())]);
        };
        let machine = app.machines.get(app.store.as_ref(), &version.hash).await?;
        // A policy with no trigger may still be started by any event (the
        // caller chose it); one triggered by another kind may not.
        return Ok(vec![match machine.trigger_event() {
            Some(trigger) if trigger != kind => Candidate::Mismatch(version.name),
            _ => Candidate::Policy(version.name, machine),
        }]);
    }
    let mut latest: Vec<crate::store::PolicyVersion> = Vec::new();
    for version in app.store.policies().await? {
        match latest.last_mut() {
            Some(last) if last.name == version.name => *last = version,
            _ => latest.push(version),
        }
    }
    let mut out = Vec::new();
    for version in latest {
        let machine = app.machines.get(app.store.as_ref(), &version.hash).await?;
        if machine.trigger_event() == Some(kind) {
            out.push(Candidate::Policy(version.name, machine));
        }
    }
    Ok(out)
}

/// The customer's live (unfinished) session of `policy`, if any.
pub(crate) async fn live_session(
    app: &App,
    customer: &str,
    policy: &str,
) -> Result<Option<String>, ApiError> {
    let rows = app
        .store
        .sql(
            "SELECT id FROM sessions WHERE customer = $1 AND policy = $2
             AND phase IN ('new', 'waiting_for_user', 'waiting_for_tool', 'waiting_for_timer')
             ORDER BY created_at DESC, id LIMIT 1",
            vec![SqlValue::from(customer), SqlValue::from(policy)],
        )
        .await?;
    Ok(rows
        .first()
        .and_then(|row| row.first())
        .and_then(SqlValue::text)
        .map(str::to_string))
}

/// `GET /v1/events`: the recorded events, newest first (at most 500).
pub(crate) async fn list(
    axum::extract::State(app): Shared,
    headers: HeaderMap,
) -> Result<Json<Json_>, ApiError> {
    app.operators.operator(&headers)?;
    let rows = app
        .store
        .sql(
            "SELECT id, at, kind, customer, policy, result, session_id, data, detail FROM external_events
             ORDER BY at DESC, id, policy LIMIT 500",
            Vec::new(),
        )
        .await?;
    let events: Vec<Json_> = rows
        .iter()
        .map(|row| {
            let text = |index: usize| row.get(index).and_then(SqlValue::text).unwrap_or("");
            json!({
                "id": text(0),
                "at": row.get(1).and_then(SqlValue::int),
                "kind": text(2),
                "customer": text(3),
                "policy": text(4),
                "result": text(5),
                "session_id": text(6),
                "data": serde_json::from_str::<Json_>(text(7)).unwrap_or(Json_::Null),
                "detail": row.get(8).and_then(SqlValue::text),
            })
        })
        .collect();
    Ok(Json(json!({ "events": events })))
}
