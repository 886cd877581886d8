//! Hand-offs to a helpdesk when `keel serve` runs over a backend file,
//! durable and sent once.
//!
//! * The turn that hands off commits, in the same transaction as its
//!   events, a `pending` row of `handoffs` naming the event (session and
//!   sequence number) and the helpdesk ([`pending`]).
//! * Once committed, the process sends the ticket — the reason, the
//!   context and the transcript up to that event — under a key derived
//!   from the session and the event ([`send`]), and marks the row `sent`
//!   with the ticket's id.
//! * A process killed before or during that call, or a helpdesk that
//!   failed, leaves the row `pending`: the sweep ([`sweep`], every half
//!   `resume_after`, in any process, after any restart) claims it once it
//!   is `resume_after` old and sends it again as a resend: the helpdesk is
//!   asked for a ticket with that key first (Gorgias' `external_id`,
//!   Kustomer's `externalId`, Zendesk's `Idempotency-Key`), so a ticket
//!   that got through is not made twice. After [`MAX_ATTEMPTS`] attempts
//!   the row is `failed`, with the last error (the session's operator view
//!   and `/metrics` report it).
//!
//! In one process the session's lock keeps the sweep off a hand-off that
//! is being sent; across processes, `resume_after` must exceed the tool
//! timeout (it does by default: 30 s and 10 s), as for resumed tool calls.

use crate::App;
use crate::error::ApiError;
use crate::store::{EventRow, SessionRow, SideWrite, SqlValue};
use keel_adapters::{Backend, Context, Ticket};
use keel_runtime::{Effect, Handoff, Machine, log};
use serde_json::{Value, json};

/// The hand-offs a backend sends, one row per event that handed off.
pub(crate) const HANDOFFS_TABLE: &str = "CREATE TABLE IF NOT EXISTS handoffs (
        session_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        helpdesk TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts BIGINT NOT NULL,
        claimed_at BIGINT NOT NULL,
        ticket TEXT NOT NULL,
        error TEXT NOT NULL,
        PRIMARY KEY (session_id, seq))";

/// How many times a hand-off is sent before it is `failed`.
pub(crate) const MAX_ATTEMPTS: i64 = 8;

/// The helpdesk a machine's hand-offs go to, if the backend names one.
pub(crate) fn helpdesk(backend: &Backend, machine: &Machine) -> Option<&'static str> {
    let adapters = machine
        .artifact()
        .tools
        .values()
        .filter_map(|tool| tool.adapter.as_deref());
    keel_adapters::helpdesk_for(backend, machine.name(), adapters)
}

/// The row that records a hand-off as pending, committed with its event.
/// It counts one attempt: the send that follows the commit may get through
/// before a crash.
pub(crate) fn pending(session: &str, seq: i64, helpdesk: &str, now: i64) -> SideWrite {
    SideWrite {
        statement: "INSERT INTO handoffs (session_id, seq, helpdesk, state, attempts, claimed_at, ticket, error)
             VALUES ($1, $2, $3, 'pending', 1, $4, '', '')",
        params: vec![
            SqlValue::from(session),
            SqlValue::Int(seq),
            SqlValue::from(helpdesk),
            SqlValue::Int(now),
        ],
    }
}

/// The idempotency key of the hand-off made by event `seq` of a session.
pub(crate) fn key(session: &str, seq: i64) -> String {
    crate::tools::idempotency_key(session, "handoff", u32::try_from(seq).unwrap_or(u32::MAX))
}

/// Sends the hand-off made by event `seq` (committed, recorded pending)
/// and records what happened; the answer for the turn's reply.
pub(crate) async fn send(
    app: &App,
    backend: &Backend,
    row: &SessionRow,
    machine: &Machine,
    (seq, handoff, helpdesk): (i64, &Handoff, &str),
    resend: bool,
) -> Value {
    let transcript = match app.store.events(&row.id).await {
        Ok(events) => transcript(row, machine, &events, seq),
        Err(_) => Vec::new(),
    };
    let today = keel_runtime::Date::parse_iso(&row.today).unwrap_or(keel_runtime::Date(0));
    let ticket = Ticket {
        policy: machine.name(),
        reason: &handoff.reason,
        queue: &handoff.queue,
        context: &handoff.context,
        transcript: &transcript,
        call: Context {
            key: key(&row.id, seq),
            resend,
            email: keel_adapters::customer_email(&handoff.context),
            today,
        },
    };
    let mut params = vec![SqlValue::from(row.id.as_str()), SqlValue::Int(seq)];
    let (answer, update) = match backend.hand_off(helpdesk, &ticket).await {
        Ok(created) => {
            params.push(SqlValue::from(created.id.as_str()));
            (
                json!({"helpdesk": created.helpdesk, "id": created.id}),
                "UPDATE handoffs SET state = 'sent', ticket = $3, error = ''
                 WHERE session_id = $1 AND seq = $2",
            )
        }
        Err(error) => {
            params.push(SqlValue::from(error.as_str()));
            params.push(SqlValue::Int(MAX_ATTEMPTS));
            (
                json!({"helpdesk": helpdesk, "error": error, "pending": true}),
                "UPDATE handoffs SET error = $3,
                 state = CASE WHEN attempts >= $4 THEN 'failed' ELSE 'pending' END
                 WHERE session_id = $1 AND seq = $2",
            )
        }
    };
    // Not recorded (the database failed): the row stays pending and the
    // sweep sends it again, as a resend, which finds the ticket.
    let _ = app.store.sql(update, params).await;
    answer
}

/// The conversation up to event `seq`, as the helpdesk reads it.
fn transcript(
    row: &SessionRow,
    machine: &Machine,
    events: &[EventRow],
    seq: i64,
) -> Vec<keel_adapters::helpdesk::Line> {
    let mut text =
        serde_json::to_string(&crate::sessions::header(row, machine)).unwrap_or_default();
    text.push('\n');
    for event in events.iter().filter(|event| event.seq <= seq) {
        text.push_str(&event.line);
        text.push('\n');
    }
    log::replay(machine, &text)
        .map(|conversation| keel_adapters::transcript(&conversation))
        .unwrap_or_default()
}

/// Sends the hand-offs left pending for `resume_after` (a crash, a
/// helpdesk that failed); returns how many were sent.
pub(crate) async fn sweep(app: &App) -> Result<usize, ApiError> {
    let crate::Tools::Backend(backend) = &app.tools else {
        return Ok(0);
    };
    let now = app.clock.now_micros();
    let horizon = i64::try_from(app.config.resume_after.as_micros()).unwrap_or(i64::MAX);
    let rows = app
        .store
        .sql(
            "SELECT session_id, seq, claimed_at, helpdesk FROM handoffs
             WHERE state = 'pending' AND claimed_at < $1
             ORDER BY claimed_at, session_id, seq LIMIT 100",
            vec![SqlValue::Int(now.saturating_sub(horizon))],
        )
        .await?;
    let mut sent = 0;
    for found in rows {
        let (Some(id), Some(seq), Some(claimed), Some(helpdesk)) = (
            found.first().and_then(SqlValue::text),
            found.get(1).and_then(SqlValue::int),
            found.get(2).and_then(SqlValue::int),
            found.get(3).and_then(SqlValue::text),
        ) else {
            continue;
        };
        // A session busy here (its own turn may be sending this very
        // hand-off) is left for the next sweep.
        let Ok(guard) = app.sessions.try_lock(id) else {
            continue;
        };
        // Claimed from the value read: of two sweeps, one sends.
        let claimed = app
            .store
            .sql(
                "UPDATE handoffs SET claimed_at = $4, attempts = attempts + 1
                 WHERE session_id = $1 AND seq = $2 AND state = 'pending' AND claimed_at = $3
                 RETURNING attempts",
                vec![
                    SqlValue::from(id),
                    SqlValue::Int(seq),
                    SqlValue::Int(claimed),
                    SqlValue::Int(now),
                ],
            )
            .await?;
        if claimed.is_empty() {
            continue;
        }
        let Some(row) = app.store.session(id).await? else {
            continue;
        };
        let machine = app.machines.get(app.store.as_ref(), &row.hash).await?;
        let events = app.store.events(id).await?;
        let made = events
            .iter()
            .find(|event| event.seq == seq)
            .and_then(|event| log::Line::parse(&event.line).ok())
            .and_then(|line| {
                line.effects.into_iter().find_map(|effect| match effect {
                    Effect::HandOff(handoff) => Some(handoff),
                    _ => None,
                })
            });
        let Some(handoff) = made else {
            app.store
                .sql(
                    "UPDATE handoffs SET state = 'failed', error = $3 WHERE session_id = $1 AND seq = $2",
                    vec![
                        SqlValue::from(id),
                        SqlValue::Int(seq),
                        SqlValue::from("the logged event hands nothing off"),
                    ],
                )
                .await?;
            continue;
        };
        let answer = send(
            app,
            backend,
            &row,
            &machine,
            (seq, &handoff, helpdesk),
            true,
        )
        .await;
        drop(guard);
        if answer.get("error").is_none() {
            sent += 1;
        }
    }
    Ok(sent)
}

/// A session's hand-offs, for its operator view.
pub(crate) async fn of_session(app: &App, id: &str) -> Result<Vec<Value>, ApiError> {
    let rows = app
        .store
        .sql(
            "SELECT seq, helpdesk, state, attempts, ticket, error FROM handoffs
             WHERE session_id = $1 ORDER BY seq",
            vec![SqlValue::from(id)],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let text = |index: usize| row.get(index).and_then(SqlValue::text).unwrap_or("");
            json!({
                "seq": row.first().and_then(SqlValue::int),
                "helpdesk": text(1),
                "state": text(2),
                "attempts": row.get(3).and_then(SqlValue::int),
                "ticket": text(4),
                "error": text(5),
            })
        })
        .collect())
}
