//! The HTTP API (axum): routes, request bodies, and the checks every
//! request passes (token, size, shape) before it reaches a session; the
//! read-only views are in [`crate::views`]. Every refusal is an [`ApiError`]: a 4xx JSON body for a bad
//! request, never a 5xx.

use crate::auth::{Caller, may_use, random_token};
use crate::clock::date_of;
use crate::error::ApiError;
use crate::request::{Id, Shared, session_id};
use crate::sessions::{self, Live, Reply};
use crate::store::SessionRow;
use crate::{App, Config, views};
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use keel_compiler::Source;
use keel_runtime::{Event, Phase, Session};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use std::sync::Arc;

pub(crate) type Body<T> = Result<Json<T>, JsonRejection>;

/// The routes over `app`.
pub fn router(app: Arc<App>) -> Router {
    let Config {
        max_body_bytes,
        max_policy_bytes,
        ..
    } = app.config;
    Router::new()
        .route("/v1/sessions", post(start))
        .route("/v1/sessions/{id}", get(views::read))
        .route("/v1/sessions/{id}/messages", post(message))
        .route("/v1/sessions/{id}/events", get(views::events))
        .route("/v1/sessions/{id}/log", get(views::log_lines))
        .route("/v1/events", post(external).get(crate::triggers::list))
        .route("/v1/inbound", post(crate::continuity::inbound))
        .route("/v1/shipments", post(crate::monitor::register))
        .route("/v1/webhooks/easypost", post(crate::monitor::easypost))
        .route("/v1/webhooks/aftership", post(crate::monitor::aftership))
        .route("/metrics", get(views::metrics))
        .route("/healthz", get(health))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .route(
            "/v1/policies",
            post(deploy)
                .get(list)
                .layer(DefaultBodyLimit::max(max_policy_bytes)),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            read_whole_body,
        ))
        .with_state(app)
}

/// Reads every request body (up to the route's limit, within
/// [`Config::body_timeout`]) before routing, so that whatever the answer,
/// the client is never cut off mid-body. A declared `Content-Length` over
/// the limit is refused with 413 before a byte of the body is read, a body
/// that grows past it with 413 as soon as it does, and a body still
/// incomplete at the deadline with 408; each of these closes the connection.
async fn read_whole_body(
    State(app): Shared,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let limit = if request.uri().path() == "/v1/policies" {
        app.config.max_policy_bytes
    } else {
        app.config.max_body_bytes
    };
    let too_large = || {
        closing(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("a request body may have at most {limit} bytes"),
        ))
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let timeout = app.config.body_timeout;
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => {
            next.run(axum::extract::Request::from_parts(
                parts,
                axum::body::Body::from(bytes),
            ))
            .await
        }
        Ok(Err(_)) => too_large(),
        Err(_) => closing(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!(
                "the request body did not arrive within {} ms",
                timeout.as_millis()
            ),
        )),
    }
}

/// An error answer after which the connection is closed (its body was not
/// read to the end).
fn closing(error: ApiError) -> Response {
    let mut response = error.into_response();
    response.headers_mut().insert(
        header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route; see the API table in keel-serve's docs")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    )
}

async fn health() -> Json<Json_> {
    Json(json!({ "ok": true }))
}

/// The body, or the 4xx that says what is wrong with it.
pub(crate) fn body<T>(body: Body<T>) -> Result<T, ApiError> {
    body.map(|Json(value)| value).map_err(|rejection| {
        let status = rejection.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "expected_json",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
            _ => "bad_json",
        };
        // Only 4xx: a rejection is always the request's fault.
        let status = if status.is_client_error() {
            status
        } else {
            StatusCode::BAD_REQUEST
        };
        ApiError::new(status, code, rejection.body_text())
    })
}

/// A short, printable field.
pub(crate) fn field<'a>(name: &str, value: &'a str, max: usize) -> Result<&'a str, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("`{name}` must be 1 to {max} printable characters"),
        ));
    }
    Ok(value)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceBody {
    name: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeployBody {
    policies: Vec<SourceBody>,
    #[serde(default)]
    catalogs: Vec<SourceBody>,
}

async fn deploy(
    State(app): Shared,
    headers: HeaderMap,
    payload: Body<DeployBody>,
) -> Result<Response, ApiError> {
    app.operators.operator(&headers)?;
    let payload = body(payload)?;
    let sources = |list: Vec<SourceBody>| -> Result<Vec<Source>, ApiError> {
        list.into_iter()
            .map(|source| {
                field("name", &source.name, 200)?;
                Ok(Source::new(source.name, source.text))
            })
            .collect()
    };
    let policies = sources(payload.policies)?;
    let catalogs = sources(payload.catalogs)?;
    let version = app
        .machines
        .deploy(
            app.store.as_ref(),
            policies,
            catalogs,
            app.clock.now_micros(),
            app.config.deploy_timeout,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "policy": version.name,
            "version": version.version,
            "hash": version.hash,
            "deployed_at": version.deployed_at,
        })),
    )
        .into_response())
}

async fn list(State(app): Shared, headers: HeaderMap) -> Result<Json<Json_>, ApiError> {
    app.operators.operator(&headers)?;
    let versions = app.store.policies().await?;
    let mut policies: Vec<Json_> = Vec::new();
    for version in versions {
        let entry = json!({
            "version": version.version,
            "hash": version.hash,
            "deployed_at": version.deployed_at,
        });
        match policies.last_mut() {
            Some(last) if last["policy"] == version.name.as_str() => {
                if let Some(list) = last["versions"].as_array_mut() {
                    list.push(entry);
                }
                last["latest"] = json!(version.version);
            }
            _ => policies.push(json!({
                "policy": version.name,
                "latest": version.version,
                "versions": [entry],
            })),
        }
    }
    Ok(Json(json!({ "policies": policies })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartBody {
    policy: String,
    channel: String,
    /// The customer the session is for; absent on an anonymous channel,
    /// where identity rests on the email the customer gives alone.
    #[serde(default)]
    customer: Option<String>,
}

/// Starts a session of the latest version of `policy` with `start` (the
/// start event, or the external event that triggers it).
pub(crate) async fn begin(
    app: &App,
    policy: &str,
    channel: &str,
    customer: Option<&str>,
    origin: Option<String>,
    start: Event,
) -> Result<Response, ApiError> {
    let (status, answer) = begin_json(app, policy, channel, customer, origin, start).await?;
    Ok((status, Json(answer)).into_response())
}

/// [`begin`], answering with the status and JSON body.
pub(crate) async fn begin_json(
    app: &App,
    policy: &str,
    channel: &str,
    customer: Option<&str>,
    origin: Option<String>,
    start: Event,
) -> Result<(StatusCode, Json_), ApiError> {
    let policy = field("policy", policy, 200)?;
    let channel = field("channel", channel, 50)?;
    let customer = customer
        .map(|customer| field("customer", customer, 200))
        .transpose()?;
    let now = app.clock.now_micros();
    let version = app
        .machines
        .latest(app.store.as_ref(), policy, now)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no policy `{policy}` is deployed")))?;
    let machine = app.machines.get(app.store.as_ref(), &version.hash).await?;
    serves_channel(&machine, channel)?;
    let id = random_token("s_", 16)?;
    let token = random_token("st_", 24)?;
    let today = date_of(now);
    let row = SessionRow {
        id: id.clone(),
        policy: version.name.clone(),
        version: version.version,
        hash: version.hash.clone(),
        channel: channel.to_string(),
        customer: customer.unwrap_or_default().to_string(),
        token_hash: crate::auth::digest(&token),
        today: today.iso(),
        created_at: now,
        updated_at: now,
        seq: 0,
        phase: "new".to_string(),
        node: machine.state_name(machine.start()).to_string(),
        outcome: None,
        origin,
        wake_at: None,
    };
    let mut guard = app.sessions.try_lock(&id)?;
    // The customer is part of the session's start: the identity tool's
    // result must be them (keel_runtime::Session::with_customer).
    let session = Session::new(&machine, today).with_customer(customer);
    let mut live = Live::new(row, Arc::clone(&machine), session);
    let reply = sessions::run(app, &mut live, Some(start), true).await;
    let reply = match reply {
        Ok(reply) => reply,
        Err(error) => {
            drop(guard);
            app.sessions.forget(&id);
            return Err(error);
        }
    };
    app.metrics.started(&version.name);
    let finished = live.session().is_finished();
    *guard = Some(live);
    drop(guard);
    if finished {
        app.sessions.forget(&id);
    }
    let mut answer = reply_json(&reply);
    answer["session_token"] = json!(token);
    answer["policy"] = json!(version.name);
    answer["version"] = json!(version.version);
    answer["hash"] = json!(version.hash);
    Ok((StatusCode::CREATED, answer))
}

/// Whether the entry policy (the artifact's first) serves `channel`: a
/// policy whose front matter lists `channels:` serves those (compared
/// without regard to case), one that lists none serves any.
pub(crate) fn serves_channel(
    machine: &keel_runtime::Machine,
    channel: &str,
) -> Result<(), ApiError> {
    let allowed = machine
        .artifact()
        .policies
        .first()
        .map_or(&[][..], |policy| policy.channels.as_slice());
    if allowed.is_empty()
        || allowed
            .iter()
            .any(|listed| listed.eq_ignore_ascii_case(channel))
    {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "channel_not_served",
        format!(
            "policy `{}` serves the channels {}, not `{channel}`",
            machine.name(),
            allowed.join(", ")
        ),
    ))
}

pub(crate) fn reply_json(reply: &Reply) -> Json_ {
    serde_json::to_value(reply).unwrap_or_else(|_| json!({}))
}

async fn start(
    State(app): Shared,
    headers: HeaderMap,
    payload: Body<StartBody>,
) -> Result<Response, ApiError> {
    app.operators.operator(&headers)?;
    let payload = body(payload)?;
    begin(
        &app,
        &payload.policy,
        &payload.channel,
        payload.customer.as_deref(),
        None,
        Event::Start,
    )
    .await
}

async fn external(
    State(app): Shared,
    headers: HeaderMap,
    payload: Body<crate::triggers::ExternalBody>,
) -> Result<Response, ApiError> {
    app.operators.operator(&headers)?;
    let payload = body(payload)?;
    crate::triggers::receive(&app, payload).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageBody {
    text: String,
}

async fn message(
    State(app): Shared,
    headers: HeaderMap,
    id: Id,
    payload: Body<MessageBody>,
) -> Result<Json<Json_>, ApiError> {
    let caller = app.operators.caller(&headers)?;
    let id = session_id(id)?;
    let text = body(payload)?.text;
    if text.chars().count() > app.config.max_message_chars {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "message_too_long",
            format!(
                "a message may have at most {} characters",
                app.config.max_message_chars
            ),
        ));
    }
    let mut guard = match app.sessions.try_lock(&id) {
        Ok(guard) => guard,
        Err(busy) => {
            // Only whoever may use the session learns that it is busy.
            let row = app
                .store
                .session(&id)
                .await?
                .ok_or_else(|| ApiError::not_found("no such session"))?;
            may_use(&caller, &row.token_hash)?;
            return Err(busy);
        }
    };
    for attempt in 0..2 {
        if guard.is_none() || attempt > 0 {
            *guard = Live::load(&app, &id).await?;
        }
        let Some(live) = guard.as_mut() else {
            return Err(ApiError::not_found("no such session"));
        };
        may_use(&caller, &live.row.token_hash)?;
        match live.session().phase() {
            // A message after the end may take the conversation up again
            // (a correction, "start over", "my other order", a person).
            Phase::Ended if live.would_reopen(&text) => {}
            Phase::HandedOff | Phase::Ended | Phase::Closed => {
                return Err(ApiError::conflict(
                    "session_finished",
                    "this session has finished",
                ));
            }
            Phase::WaitingForTool => {
                let idle = app.clock.now_micros() - live.row.updated_at;
                let horizon =
                    i64::try_from(app.config.resume_after.as_micros()).unwrap_or(i64::MAX);
                if idle < horizon {
                    return Err(ApiError::conflict(
                        "session_busy",
                        "this session is waiting for a tool; retry when it answers",
                    ));
                }
                // Left by a crash: finish the call (same idempotency key) first.
                match sessions::run(&app, live, None, false).await {
                    Err(error) if error.code == "stale" && attempt == 0 => continue,
                    Err(error) => return Err(error),
                    Ok(_) => {}
                }
                if live.session().is_finished() {
                    return Err(ApiError::conflict(
                        "session_finished",
                        "this session has finished",
                    ));
                }
            }
            // A message during a wait wakes the session: it follows up now.
            Phase::New | Phase::WaitingForUser | Phase::WaitingForTimer => {}
        }
        match sessions::run(&app, live, Some(Event::User(text.clone())), false).await {
            Err(error) if error.code == "stale" && attempt == 0 => continue,
            Err(error) => return Err(error),
            Ok(reply) => {
                if live.session().is_finished() {
                    drop(guard);
                    app.sessions.forget(&id);
                }
                let mut answer = reply_json(&reply);
                if caller != Caller::Operator {
                    crate::sessions::customer_view(&mut answer);
                }
                return Ok(Json(answer));
            }
        }
    }
    Err(ApiError::conflict(
        "session_busy",
        "this session keeps changing under this request; retry",
    ))
}
