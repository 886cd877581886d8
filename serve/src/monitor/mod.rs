//! The tracking monitor: carrier tracking in (EasyPost and AfterShip
//! webhooks, signature-checked; a tracking tool polled for shipments no
//! webhook has updated lately), the last scan of every shipment kept in
//! the store, and the events of seed 003 out — through
//! [`triggers::dispatch`](crate::triggers::dispatch), so they start the
//! policies they trigger and are recorded like any external event:
//!
//! * `carrier_scan_gap`: no carrier scan for [`Proactive::scan_gap`]
//!   since the last one (once per last scan);
//! * `late_first_scan`: label created, no carrier scan after
//!   [`Proactive::late_first_scan`] (once);
//! * `carrier_exception`: the carrier reports an exception, with its code
//!   (once per code);
//! * `delivered`: the parcel was delivered (once).
//!
//! Every event's data is one record: `order_id`, `tracking_number`,
//! `carrier`, `code` (the raw carrier code: a `carrier_code` in catalogs),
//! `location` and `hours_since_scan` (for a late first scan, since the
//! label). Time is the injected clock's, so tests move it.
//!
//! [`Proactive::scan_gap`]: crate::Proactive::scan_gap
//! [`Proactive::late_first_scan`]: crate::Proactive::late_first_scan

mod aftership;
mod easypost;
mod hmac;
mod time;

use crate::App;
use crate::api::field;
use crate::error::ApiError;
use crate::request::Shared;
use crate::store::SqlValue;
use crate::triggers::{ExternalBody, dispatch};
use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Value as Json_, json};

/// The `X-Hmac-Signature` header EasyPost sends with `body` under
/// `secret` (for test senders and the tests).
pub fn easypost_signature(secret: &str, body: &[u8]) -> String {
    format!(
        "hmac-sha256-hex={}",
        crate::auth::hex(&hmac::hmac_sha256(secret.as_bytes(), body))
    )
}

/// The `aftership-hmac-sha256` header AfterShip sends with `body` under
/// `secret` (for test senders and the tests).
pub fn aftership_signature(secret: &str, body: &[u8]) -> String {
    hmac::base64(&hmac::hmac_sha256(secret.as_bytes(), body))
}

/// The shipments the monitor watches, with the last scan of each.
pub(crate) const SHIPMENTS_TABLE: &str = "CREATE TABLE IF NOT EXISTS shipments (
        tracking_number TEXT PRIMARY KEY,
        carrier TEXT NOT NULL,
        order_id TEXT NOT NULL,
        customer TEXT NOT NULL,
        source TEXT NOT NULL,
        code TEXT NOT NULL,
        location TEXT NOT NULL,
        label_at BIGINT NOT NULL,
        first_scan_at BIGINT,
        last_scan_at BIGINT,
        updated_at BIGINT NOT NULL,
        delivered BIGINT NOT NULL,
        gap_alerted_scan BIGINT,
        late_alerted BIGINT NOT NULL,
        exception_alerted TEXT NOT NULL)";

/// One carrier report, read from a webhook or a poll.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Update {
    /// `easypost`, `aftership` or `poll`.
    pub(crate) source: &'static str,
    pub(crate) tracking_number: String,
    pub(crate) carrier: String,
    pub(crate) order_id: Option<String>,
    pub(crate) customer: Option<String>,
    /// The most specific raw code (EasyPost `status_detail` or `status`,
    /// AfterShip subtag or tag).
    pub(crate) code: String,
    pub(crate) first_scan: Option<i64>,
    pub(crate) last_scan: Option<i64>,
    pub(crate) location: String,
    pub(crate) delivered: bool,
    /// The exception's code, when the carrier reports one.
    pub(crate) exception: Option<String>,
}

/// A shipment as stored.
#[derive(Clone, Debug)]
struct Shipment {
    tracking_number: String,
    carrier: String,
    order_id: String,
    customer: String,
    code: String,
    location: String,
    label_at: i64,
    last_scan_at: Option<i64>,
    updated_at: i64,
    delivered: bool,
    gap_alerted_scan: Option<i64>,
    late_alerted: bool,
}

fn shipment(row: &[SqlValue]) -> Option<Shipment> {
    let text = |index: usize| row.get(index).and_then(SqlValue::text).map(str::to_string);
    let int = |index: usize| row.get(index).and_then(SqlValue::int);
    Some(Shipment {
        tracking_number: text(0)?,
        carrier: text(1)?,
        order_id: text(2)?,
        customer: text(3)?,
        code: text(4)?,
        location: text(5)?,
        label_at: int(6)?,
        last_scan_at: int(7),
        updated_at: int(8)?,
        delivered: int(9)? != 0,
        gap_alerted_scan: int(10),
        late_alerted: int(11)? != 0,
    })
}

async fn load(app: &App, tracking_number: &str) -> Result<Option<Shipment>, ApiError> {
    let rows = app
        .store
        .sql(
            "SELECT tracking_number, carrier, order_id, customer, code, location, label_at, last_scan_at, updated_at, delivered, gap_alerted_scan, late_alerted
             FROM shipments WHERE tracking_number = $1",
            vec![SqlValue::from(tracking_number)],
        )
        .await?;
    Ok(rows.first().and_then(|row| shipment(row)))
}

/// `POST /v1/shipments`: a shipment to watch.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegisterBody {
    tracking_number: String,
    #[serde(default)]
    carrier: String,
    order_id: String,
    customer: String,
    /// When the label was created (ISO 8601); now if left out.
    #[serde(default)]
    label_created_at: Option<String>,
}

/// Registers (or re-registers) a shipment for the monitor to watch.
pub(crate) async fn register(
    axum::extract::State(app): Shared,
    headers: HeaderMap,
    payload: crate::api::Body<RegisterBody>,
) -> Result<(StatusCode, Json<Json_>), ApiError> {
    app.operators.operator(&headers)?;
    let payload = crate::api::body(payload)?;
    let tracking_number = field("tracking_number", &payload.tracking_number, 100)?;
    let order_id = field("order_id", &payload.order_id, 100)?;
    let customer = field("customer", &payload.customer, 200)?;
    let now = app.clock.now_micros();
    let label_at = match &payload.label_created_at {
        Some(text) => time::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                "bad_timestamp",
                "label_created_at is not an ISO 8601 timestamp",
            )
        })?,
        None => now,
    };
    app.store
        .sql(
            "INSERT INTO shipments (tracking_number, carrier, order_id, customer, source, code, location, label_at, first_scan_at, last_scan_at, updated_at, delivered, gap_alerted_scan, late_alerted, exception_alerted)
             VALUES ($1, $2, $3, $4, 'registered', 'pre_transit', '', $5, NULL, NULL, $6, 0, NULL, 0, '')
             ON CONFLICT (tracking_number) DO UPDATE SET carrier = excluded.carrier, order_id = excluded.order_id, customer = excluded.customer, label_at = excluded.label_at",
            vec![
                SqlValue::from(tracking_number),
                SqlValue::from(payload.carrier.trim()),
                SqlValue::from(order_id),
                SqlValue::from(customer),
                SqlValue::Int(label_at),
                SqlValue::Int(now),
            ],
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "tracking_number": tracking_number, "watching": true })),
    ))
}

/// `POST /v1/webhooks/easypost`.
pub(crate) async fn easypost(
    axum::extract::State(app): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Json_>), ApiError> {
    let secret = app.config.proactive.easypost_secret.clone();
    let update = webhook(
        secret.as_deref(),
        &headers,
        &body,
        easypost::SIGNATURE_HEADER,
        easypost::verify,
        easypost::read,
    )?;
    received(&app, update).await
}

/// `POST /v1/webhooks/aftership`.
pub(crate) async fn aftership(
    axum::extract::State(app): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Json_>), ApiError> {
    let secret = app.config.proactive.aftership_secret.clone();
    let update = webhook(
        secret.as_deref(),
        &headers,
        &body,
        aftership::SIGNATURE_HEADER,
        aftership::verify,
        aftership::read,
    )?;
    received(&app, update).await
}

/// Checks a webhook's signature (no secret configured: refused) and reads it.
fn webhook(
    secret: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    header: &str,
    verify: fn(&str, &[u8], &str) -> bool,
    read: fn(&Json_) -> Result<Update, String>,
) -> Result<Update, ApiError> {
    let Some(secret) = secret.filter(|secret| !secret.is_empty()) else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "webhook_not_configured",
            "this server has no secret for this webhook, so it accepts none",
        ));
    };
    let signature = headers
        .get(header)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if signature.is_empty() || !verify(secret, body, signature) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_signature",
            format!("the `{header}` signature does not match the body"),
        ));
    }
    let json: Json_ = serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request("bad_json", error.to_string()))?;
    read(&json).map_err(|message| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_tracking",
            message,
        )
    })
}

async fn received(app: &App, update: Update) -> Result<(StatusCode, Json<Json_>), ApiError> {
    let tracking_number = update.tracking_number.clone();
    match apply(app, update).await? {
        Some(events) => Ok((
            StatusCode::OK,
            Json(json!({ "tracking_number": tracking_number, "events": events })),
        )),
        None => Ok((
            StatusCode::ACCEPTED,
            Json(json!({
                "tracking_number": tracking_number,
                "ignored": "no shipment is registered with this tracking number, and the webhook names no order and customer",
            })),
        )),
    }
}

/// Stores an update and emits what it shows: a delivery, an exception, or
/// (against the clock) a scan gap or a late first scan. `None` when the
/// shipment is unknown and the update cannot register it.
pub(crate) async fn apply(app: &App, update: Update) -> Result<Option<Vec<Json_>>, ApiError> {
    let now = app.clock.now_micros();
    if load(app, &update.tracking_number).await?.is_none() {
        let (Some(order_id), Some(customer)) = (&update.order_id, &update.customer) else {
            return Ok(None);
        };
        app.store
            .sql(
                "INSERT INTO shipments (tracking_number, carrier, order_id, customer, source, code, location, label_at, first_scan_at, last_scan_at, updated_at, delivered, gap_alerted_scan, late_alerted, exception_alerted)
                 VALUES ($1, $2, $3, $4, $5, $6, '', $7, NULL, NULL, $7, 0, NULL, 0, '')
                 ON CONFLICT (tracking_number) DO NOTHING",
                vec![
                    SqlValue::from(update.tracking_number.as_str()),
                    SqlValue::from(update.carrier.as_str()),
                    SqlValue::from(order_id.as_str()),
                    SqlValue::from(customer.as_str()),
                    SqlValue::from(update.source),
                    SqlValue::from(update.code.as_str()),
                    SqlValue::Int(update.first_scan.unwrap_or(now).min(now)),
                ],
            )
            .await?;
    }
    // Scans only move forward; NULLIF(…, -1) keeps what is known (the
    // casts tell PostgreSQL the parameters are BIGINT, as the columns).
    app.store
        .sql(
            "UPDATE shipments SET
                carrier = CASE WHEN $2 = '' THEN carrier ELSE $2 END,
                source = $3, code = $4,
                location = CASE WHEN $5 = '' THEN location ELSE $5 END,
                first_scan_at = COALESCE(first_scan_at, NULLIF(CAST($6 AS BIGINT), -1)),
                last_scan_at = CASE WHEN NULLIF(CAST($7 AS BIGINT), -1) IS NULL THEN last_scan_at
                    WHEN last_scan_at IS NULL OR last_scan_at < $7 THEN $7 ELSE last_scan_at END,
                updated_at = $8
             WHERE tracking_number = $1",
            vec![
                SqlValue::from(update.tracking_number.as_str()),
                SqlValue::from(update.carrier.as_str()),
                SqlValue::from(update.source),
                SqlValue::from(update.code.as_str()),
                SqlValue::from(update.location.as_str()),
                SqlValue::Int(update.first_scan.unwrap_or(-1)),
                SqlValue::Int(update.last_scan.unwrap_or(-1)),
                SqlValue::Int(now),
            ],
        )
        .await?;
    let Some(stored) = load(app, &update.tracking_number).await? else {
        return Ok(None);
    };
    let mut events = Vec::new();
    if update.delivered && claim(app, &stored.tracking_number, Claim::Delivered).await? {
        events.push(emit(app, "delivered", &stored, now).await?);
    }
    if let Some(code) = &update.exception {
        if claim(app, &stored.tracking_number, Claim::Exception(code)).await? {
            events.push(emit(app, "carrier_exception", &stored, now).await?);
        }
    }
    if !update.delivered {
        events.extend(check(app, &stored, now).await?);
    }
    Ok(Some(events))
}

/// What an emitted event marks on the shipment, so it is emitted once.
enum Claim<'a> {
    Delivered,
    Exception(&'a str),
    Gap(i64),
    Late,
}

/// Marks the shipment for an event; true if this caller made the mark
/// (another process, or an earlier update, may have).
async fn claim(app: &App, tracking_number: &str, claim: Claim<'_>) -> Result<bool, ApiError> {
    let key = SqlValue::from(tracking_number);
    let rows = match claim {
        Claim::Delivered => {
            app.store
                .sql(
                    "UPDATE shipments SET delivered = 1 WHERE tracking_number = $1 AND delivered = 0 RETURNING tracking_number",
                    vec![key],
                )
                .await?
        }
        Claim::Exception(code) => {
            app.store
                .sql(
                    "UPDATE shipments SET exception_alerted = $2 WHERE tracking_number = $1 AND exception_alerted <> $2 RETURNING tracking_number",
                    vec![key, SqlValue::from(code)],
                )
                .await?
        }
        Claim::Gap(scan) => {
            app.store
                .sql(
                    "UPDATE shipments SET gap_alerted_scan = $2 WHERE tracking_number = $1 AND (gap_alerted_scan IS NULL OR gap_alerted_scan <> $2) RETURNING tracking_number",
                    vec![key, SqlValue::Int(scan)],
                )
                .await?
        }
        Claim::Late => {
            app.store
                .sql(
                    "UPDATE shipments SET late_alerted = 1 WHERE tracking_number = $1 AND late_alerted = 0 RETURNING tracking_number",
                    vec![key],
                )
                .await?
        }
    };
    Ok(!rows.is_empty())
}

/// The clock's events for one shipment: a scan gap, or a late first scan.
async fn check(app: &App, shipment: &Shipment, now: i64) -> Result<Vec<Json_>, ApiError> {
    let settings = &app.config.proactive;
    let micros =
        |duration: std::time::Duration| i64::try_from(duration.as_micros()).unwrap_or(i64::MAX);
    let mut events = Vec::new();
    if shipment.delivered {
        return Ok(events);
    }
    match shipment.last_scan_at {
        Some(scan) => {
            if now.saturating_sub(scan) >= micros(settings.scan_gap)
                && shipment.gap_alerted_scan != Some(scan)
                && claim(app, &shipment.tracking_number, Claim::Gap(scan)).await?
            {
                events.push(emit(app, "carrier_scan_gap", shipment, now).await?);
            }
        }
        None => {
            if now.saturating_sub(shipment.label_at) >= micros(settings.late_first_scan)
                && !shipment.late_alerted
                && claim(app, &shipment.tracking_number, Claim::Late).await?
            {
                events.push(emit(app, "late_first_scan", shipment, now).await?);
            }
        }
    }
    Ok(events)
}

/// Emits one event for a shipment through the trigger dispatch.
async fn emit(app: &App, kind: &str, shipment: &Shipment, now: i64) -> Result<Json_, ApiError> {
    let since = shipment.last_scan_at.unwrap_or(shipment.label_at);
    let hours = now.saturating_sub(since).max(0) / 3_600_000_000;
    let data = json!({
        "order_id": shipment.order_id,
        "tracking_number": shipment.tracking_number,
        "carrier": shipment.carrier,
        "code": shipment.code,
        "location": shipment.location,
        "hours_since_scan": hours,
    });
    let event = ExternalBody {
        kind: kind.to_string(),
        policy: None,
        customer: shipment.customer.clone(),
        channel: "email".to_string(),
        data: data.clone(),
    };
    let (id, outcomes) = dispatch(app, &event).await?;
    let results: Vec<Json_> = outcomes
        .iter()
        .map(|outcome| {
            json!({
                "policy": outcome.policy,
                "result": outcome.result,
                "session_id": outcome.session_id,
            })
        })
        .collect();
    Ok(json!({ "kind": kind, "event_id": id, "data": data, "results": results }))
}

/// One sweep: polls the shipments no webhook has updated within
/// [`Proactive::poll_after`](crate::Proactive::poll_after), then emits the
/// clock's events for every shipment not yet delivered. Returns how many
/// events were emitted.
pub(crate) async fn sweep(app: &App) -> Result<usize, ApiError> {
    let now = app.clock.now_micros();
    let rows = app
        .store
        .sql(
            "SELECT tracking_number, carrier, order_id, customer, code, location, label_at, last_scan_at, updated_at, delivered, gap_alerted_scan, late_alerted
             FROM shipments WHERE delivered = 0 ORDER BY tracking_number LIMIT 2000",
            Vec::new(),
        )
        .await?;
    let poll_after = i64::try_from(app.config.proactive.poll_after.as_micros()).unwrap_or(i64::MAX);
    let mut emitted = 0;
    for row in rows {
        let Some(mut shipment) = shipment(&row) else {
            continue;
        };
        if now.saturating_sub(shipment.updated_at) >= poll_after {
            if let Some(update) = poll(app, &shipment).await {
                emitted += apply(app, update).await?.map_or(0, |events| events.len());
                continue;
            }
            // The poll failed: the webhook data stands; try again next sweep.
            shipment.updated_at = now;
        }
        emitted += check(app, &shipment, now).await?.len();
    }
    Ok(emitted)
}

/// The latest deployed machine that declares `tool`, if any.
async fn tracking_machine(app: &App, tool: &str) -> Option<std::sync::Arc<keel_runtime::Machine>> {
    let versions = app.store.policies().await.ok()?;
    for version in versions.iter().rev() {
        let machine = app
            .machines
            .get(app.store.as_ref(), &version.hash)
            .await
            .ok()?;
        if machine.artifact().tools.contains_key(tool) {
            return Some(machine);
        }
    }
    None
}

/// Asks the tracking tool about a shipment (by order): the fallback when
/// webhooks stay silent. Its record's `code`, `scanned_at` (ISO 8601, the
/// last carrier scan), `location`, `carrier` and `state` (the canonical
/// states: `Delivered`; `Problem`, `Returning` are exceptions) or `status`
/// (an AfterShip tag) are read; a failure is `None`.
async fn poll(app: &App, shipment: &Shipment) -> Option<Update> {
    let tool = app.config.proactive.tracking_tool.clone();
    let mut args = keel_runtime::Args::new();
    args.insert(
        std::sync::Arc::from("order_id"),
        keel_runtime::Value::text(&shipment.order_id),
    );
    // A tool is served in the context of a machine that declares it: the
    // latest deployed policy that does, whose catalog names its adapter.
    let machine = tracking_machine(app, &tool).await?;
    let adapter = machine
        .artifact()
        .tools
        .get(&tool)
        .and_then(|entry| entry.adapter.as_deref())
        .map(std::sync::Arc::from);
    let call = keel_runtime::ToolCall {
        id: 0,
        tool: std::sync::Arc::from(tool.as_str()),
        adapter,
        args,
    };
    let session =
        keel_runtime::Session::new(&machine, crate::clock::date_of(app.clock.now_micros()));
    let request = crate::tools::Request {
        call: &call,
        writes: false,
        key: "",
        session: "",
        caller: keel_runtime::Caller {
            machine: &machine,
            session: &session,
        },
        resend: false,
    };
    let outcome = tokio::time::timeout(app.config.tool_timeout, app.tools.call(request)).await;
    let Ok(keel_runtime::ToolOutcome::Ok(record)) = outcome else {
        return None;
    };
    let text = |name: &str| {
        record
            .field(name)
            .and_then(keel_runtime::Value::as_text)
            .map(str::to_string)
    };
    let scanned = text("scanned_at").and_then(|at| time::parse(&at));
    let code = text("code").unwrap_or_else(|| shipment.code.clone());
    // The canonical state (platform reference §5.3), or an AfterShip-like tag.
    let state = text("state").or_else(|| text("status")).unwrap_or_default();
    let delivered = state == "Delivered";
    Some(Update {
        source: "poll",
        tracking_number: shipment.tracking_number.clone(),
        carrier: text("carrier").unwrap_or_default(),
        order_id: None,
        customer: None,
        exception: matches!(state.as_str(), "Exception" | "Problem" | "Returning")
            .then(|| code.clone()),
        code,
        first_scan: scanned,
        last_scan: scanned,
        location: text("location").unwrap_or_default(),
        delivered,
    })
}
