//! The KPIs of seed 003, computed from the store (so they survive
//! restarts and add up across processes), for `GET /metrics`.
//!
//! Honest definitions — deflection is not resolution:
//!
//! * a finished session is **resolved** only when its ending says so: an
//!   outcome the policy wrote (`end the conversation as resolved`,
//!   `… as cancelled`), or an ending right after the customer's yes
//!   (`resolved` by confirmation; see the runtime's outcomes); a plain
//!   ending with no outcome is `ended`, a hand-off `escalated`, a stop
//!   `fault`;
//! * the **trigger** of a session is `inbound` (the customer came to us)
//!   or the kind of the event that started it (`carrier_scan_gap`, …);
//! * **true resolution rate**: resolved / finished, per policy and per
//!   trigger;
//! * **first-contact resolution**: of the finished sessions that were a
//!   first contact (no session of the same policy for the customer in the
//!   72 h before), those resolved with no new session of the same policy
//!   within 72 h after;
//! * **time to resolution**: from a session's start to its end or hand-off;
//! * **proactive outreach**: sessions an event started (each sends its
//!   first message), and the **inbound sessions that followed** one for the
//!   same customer within 72 h — so ticket reduction can be computed
//!   against a period without outreach;
//! * **unmapped carrier codes**: codes a message showed through the
//!   fallback phrase (the catalog's table has no words for them), counted
//!   in `carrier_codes_unmapped` in the commit of the event that showed
//!   them;
//! * **hand-offs to a helpdesk** by state (`pending`, `sent`, `failed`).
//!
//! The sessions table is read in one pass (cost linear in its rows).

use crate::App;
use crate::error::ApiError;
use crate::store::{SideWrite, SqlValue};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Carrier codes shown through the fallback phrase, by code.
pub(crate) const UNMAPPED_CODES_TABLE: &str = "CREATE TABLE IF NOT EXISTS carrier_codes_unmapped (
        code TEXT PRIMARY KEY,
        shown BIGINT NOT NULL)";

/// Counts a carrier code a message showed through the fallback phrase (the
/// customer read the phrase, never the code), with the event's commit.
pub(crate) fn unmapped(code: &str) -> SideWrite {
    let code: String = code.chars().take(64).collect();
    SideWrite {
        statement: "INSERT INTO carrier_codes_unmapped (code, shown) VALUES ($1, 1)
             ON CONFLICT (code) DO UPDATE SET shown = carrier_codes_unmapped.shown + 1",
        params: vec![SqlValue::Text(code)],
    }
}

/// How long after a contact another contact counts as the same enquiry.
const WINDOW_MICROS: i64 = 72 * 3_600 * 1_000_000;

/// Upper bounds (seconds) of the time-to-resolution histogram's buckets.
const RESOLUTION_BUCKETS: &[f64] = &[1.0, 10.0, 60.0, 300.0, 1800.0, 3600.0, 86_400.0];

struct Row {
    policy: String,
    customer: String,
    trigger: String,
    phase: String,
    node: String,
    outcome: String,
    created_at: i64,
    updated_at: i64,
}

impl Row {
    fn finished(&self) -> bool {
        matches!(self.phase.as_str(), "ended" | "handed_off" | "closed")
    }

    fn proactive(&self) -> bool {
        self.trigger != "inbound"
    }
}

/// How a finished session counts: `resolved`, `ended` (no outcome),
/// `escalated` or `fault`.
pub(crate) fn finish_kind(outcome: &str) -> &'static str {
    match outcome {
        "escalated" => "escalated",
        "fault" => "fault",
        "ended" | "" => "ended",
        _ => "resolved",
    }
}

/// The trigger of a session from its `origin` (as stored).
fn trigger(origin: Option<&str>) -> String {
    let Some(origin) = origin else {
        return "inbound".to_string();
    };
    let parsed: serde_json::Value = serde_json::from_str(origin).unwrap_or_default();
    match (
        parsed.get("event_id"),
        parsed.get("kind").and_then(|kind| kind.as_str()),
    ) {
        (Some(_), Some(kind)) => kind.to_string(),
        _ => "inbound".to_string(),
    }
}

/// The KPI families as Prometheus text.
pub(crate) async fn render(app: &App) -> Result<String, ApiError> {
    let rows = app
        .store
        .sql(
            "SELECT policy, customer, origin, phase, node, outcome, created_at, updated_at
             FROM sessions ORDER BY customer, created_at, id",
            Vec::new(),
        )
        .await?;
    let rows: Vec<Row> = rows
        .iter()
        .map(|row| {
            let text = |index: usize| {
                row.get(index)
                    .and_then(SqlValue::text)
                    .unwrap_or_default()
                    .to_string()
            };
            let int = |index: usize| row.get(index).and_then(SqlValue::int).unwrap_or(0);
            Row {
                policy: text(0),
                customer: text(1),
                trigger: trigger(row.get(2).and_then(SqlValue::text)),
                phase: text(3),
                node: text(4),
                outcome: text(5),
                created_at: int(6),
                updated_at: int(7),
            }
        })
        .collect();
    let events = app
        .store
        .sql(
            "SELECT kind, result, COUNT(*) FROM external_events GROUP BY kind, result ORDER BY kind, result",
            Vec::new(),
        )
        .await?;
    let mut out = write(&rows, &events);
    let codes = app
        .store
        .sql(
            "SELECT code, shown FROM carrier_codes_unmapped ORDER BY code",
            Vec::new(),
        )
        .await?;
    family(
        &mut out,
        "keel_carrier_codes_unmapped_total",
        "counter",
        "Carrier codes a message showed through the fallback phrase (no plain words in the catalog), by code.",
    );
    for row in &codes {
        let code = row.first().and_then(SqlValue::text).unwrap_or_default();
        let count = row.get(1).and_then(SqlValue::int).unwrap_or(0);
        let _ = writeln!(
            out,
            "keel_carrier_codes_unmapped_total{{code=\"{}\"}} {count}",
            label(code)
        );
    }
    let handoffs = app
        .store
        .sql(
            "SELECT helpdesk, state, COUNT(*) FROM handoffs GROUP BY helpdesk, state ORDER BY helpdesk, state",
            Vec::new(),
        )
        .await?;
    family(
        &mut out,
        "keel_helpdesk_handoffs",
        "gauge",
        "Hand-offs to a helpdesk, by helpdesk and state (pending: not yet acknowledged; sent; failed: given up after repeated errors).",
    );
    for row in &handoffs {
        let text = |index: usize| row.get(index).and_then(SqlValue::text).unwrap_or_default();
        let count = row.get(2).and_then(SqlValue::int).unwrap_or(0);
        let _ = writeln!(
            out,
            "keel_helpdesk_handoffs{{helpdesk=\"{}\",state=\"{}\"}} {count}",
            label(text(0)),
            label(text(1))
        );
    }
    Ok(out)
}

#[derive(Default)]
struct Tally {
    finished: u64,
    resolved: u64,
    first_contacts: u64,
    first_contact_resolved: u64,
}

fn write(rows: &[Row], events: &[Vec<SqlValue>]) -> String {
    let mut started: BTreeMap<&str, u64> = BTreeMap::new();
    let mut finished: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut by_trigger: BTreeMap<(&str, &str), Tally> = BTreeMap::new();
    let mut escalations: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut resolution: BTreeMap<&str, (Vec<u64>, u64, f64)> = BTreeMap::new();
    let mut outreach: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut inbound: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    // Rows are sorted by customer, then start: each customer's sessions
    // are one slice.
    let mut start = 0;
    while start < rows.len() {
        let customer = &rows[start].customer;
        let end = rows[start..]
            .iter()
            .position(|row| &row.customer != customer)
            .map_or(rows.len(), |offset| start + offset);
        let mine = &rows[start..end];
        for (index, row) in mine.iter().enumerate() {
            *started.entry(&row.policy).or_default() += 1;
            if row.proactive() {
                *outreach.entry((&row.policy, &row.trigger)).or_default() += 1;
            } else {
                let entry = inbound.entry(&row.policy).or_default();
                entry.0 += 1;
                let followed_outreach = mine[..index].iter().any(|earlier| {
                    earlier.proactive() && row.created_at - earlier.created_at <= WINDOW_MICROS
                });
                if followed_outreach {
                    entry.1 += 1;
                }
            }
            if !row.finished() {
                continue;
            }
            let kind = finish_kind(&row.outcome);
            *finished.entry((&row.policy, kind)).or_default() += 1;
            if kind == "escalated" {
                *escalations.entry((&row.policy, &row.node)).or_default() += 1;
            }
            let seconds = (row.updated_at - row.created_at).max(0) as f64 / 1e6;
            let histogram = resolution
                .entry(&row.policy)
                .or_insert_with(|| (vec![0; RESOLUTION_BUCKETS.len()], 0, 0.0));
            for (bucket, bound) in histogram.0.iter_mut().zip(RESOLUTION_BUCKETS) {
                if seconds <= *bound {
                    *bucket += 1;
                }
            }
            histogram.1 += 1;
            histogram.2 += seconds;
            let same_policy = |other: &&Row| other.policy == row.policy;
            let first_contact = !mine[..index]
                .iter()
                .filter(same_policy)
                .any(|earlier| row.created_at - earlier.created_at <= WINDOW_MICROS);
            let came_back = mine[index + 1..]
                .iter()
                .filter(same_policy)
                .any(|later| later.created_at - row.created_at <= WINDOW_MICROS);
            for trigger in [row.trigger.as_str(), "all"] {
                let tally = by_trigger.entry((&row.policy, trigger)).or_default();
                tally.finished += 1;
                tally.resolved += u64::from(kind == "resolved");
                if first_contact {
                    tally.first_contacts += 1;
                    tally.first_contact_resolved += u64::from(kind == "resolved" && !came_back);
                }
            }
        }
        start = end;
    }
    let mut out = String::new();
    family(
        &mut out,
        "keel_sessions_started_total",
        "counter",
        "Sessions started, by policy (from the store).",
    );
    for (policy, count) in &started {
        let _ = writeln!(
            out,
            "keel_sessions_started_total{{policy=\"{}\"}} {count}",
            label(policy)
        );
    }
    family(
        &mut out,
        "keel_sessions_finished_total",
        "counter",
        "Sessions finished, by policy and kind: resolved (an outcome the policy wrote, or the customer's yes), ended (no outcome), escalated, fault.",
    );
    for ((policy, kind), count) in &finished {
        let _ = writeln!(
            out,
            "keel_sessions_finished_total{{policy=\"{}\",kind=\"{kind}\"}} {count}",
            label(policy)
        );
    }
    family(
        &mut out,
        "keel_true_resolution_rate",
        "gauge",
        "Finished sessions resolved with no human, by policy.",
    );
    for ((policy, trigger), tally) in &by_trigger {
        if *trigger == "all" {
            let _ = writeln!(
                out,
                "keel_true_resolution_rate{{policy=\"{}\"}} {}",
                label(policy),
                ratio(tally.resolved, tally.finished)
            );
        }
    }
    family(
        &mut out,
        "keel_true_resolution_rate_by_trigger",
        "gauge",
        "Finished sessions resolved with no human, by policy and trigger (inbound, or the event kind).",
    );
    family(
        &mut out,
        "keel_first_contact_resolution_rate",
        "gauge",
        "First contacts resolved with no new session of the policy within 72 h, by policy and trigger (trigger \"all\": the policy's, whatever started it).",
    );
    for ((policy, trigger), tally) in &by_trigger {
        let labels = format!(
            "policy=\"{}\",trigger=\"{}\"",
            label(policy),
            label(trigger)
        );
        if *trigger != "all" {
            let _ = writeln!(
                out,
                "keel_true_resolution_rate_by_trigger{{{labels}}} {}",
                ratio(tally.resolved, tally.finished)
            );
        }
        let _ = writeln!(
            out,
            "keel_first_contact_resolution_rate{{{labels}}} {}",
            ratio(tally.first_contact_resolved, tally.first_contacts)
        );
    }
    family(
        &mut out,
        "keel_escalations_total",
        "counter",
        "Hand-offs to people, by policy and the node they left from.",
    );
    for ((policy, node), count) in &escalations {
        let _ = writeln!(
            out,
            "keel_escalations_total{{policy=\"{}\",node=\"{}\"}} {count}",
            label(policy),
            label(node)
        );
    }
    family(
        &mut out,
        "keel_escalation_rate",
        "gauge",
        "Hand-offs from a node per finished session of its policy.",
    );
    for ((policy, node), count) in &escalations {
        let total = by_trigger
            .get(&(*policy, "all"))
            .map_or(0, |tally| tally.finished);
        let _ = writeln!(
            out,
            "keel_escalation_rate{{policy=\"{}\",node=\"{}\"}} {}",
            label(policy),
            label(node),
            ratio(*count, total)
        );
    }
    family(
        &mut out,
        "keel_time_to_resolution_seconds",
        "histogram",
        "From a session's start to its end or hand-off.",
    );
    for (policy, (buckets, count, sum)) in &resolution {
        let policy = label(policy);
        for (bucket, bound) in buckets.iter().zip(RESOLUTION_BUCKETS) {
            let _ = writeln!(
                out,
                "keel_time_to_resolution_seconds_bucket{{policy=\"{policy}\",le=\"{bound}\"}} {bucket}"
            );
        }
        let _ = writeln!(
            out,
            "keel_time_to_resolution_seconds_bucket{{policy=\"{policy}\",le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "keel_time_to_resolution_seconds_sum{{policy=\"{policy}\"}} {sum}"
        );
        let _ = writeln!(
            out,
            "keel_time_to_resolution_seconds_count{{policy=\"{policy}\"}} {count}"
        );
    }
    family(
        &mut out,
        "keel_proactive_outreach_total",
        "counter",
        "Sessions an event started (each sends the customer its first message), by policy and trigger.",
    );
    for ((policy, trigger), count) in &outreach {
        let _ = writeln!(
            out,
            "keel_proactive_outreach_total{{policy=\"{}\",trigger=\"{}\"}} {count}",
            label(policy),
            label(trigger)
        );
    }
    family(
        &mut out,
        "keel_inbound_sessions_total",
        "counter",
        "Sessions the customer started, by policy.",
    );
    family(
        &mut out,
        "keel_inbound_after_outreach_total",
        "counter",
        "Sessions the customer started within 72 h of a proactive outreach to them, by policy.",
    );
    for (policy, (all, after)) in &inbound {
        let _ = writeln!(
            out,
            "keel_inbound_sessions_total{{policy=\"{}\"}} {all}",
            label(policy)
        );
        let _ = writeln!(
            out,
            "keel_inbound_after_outreach_total{{policy=\"{}\"}} {after}",
            label(policy)
        );
    }
    family(
        &mut out,
        "keel_external_events_total",
        "counter",
        "External events received, by kind and what they did (started, duplicate, condition_false, unmatched).",
    );
    for row in events {
        let text = |index: usize| row.get(index).and_then(SqlValue::text).unwrap_or_default();
        let count = row.get(2).and_then(SqlValue::int).unwrap_or(0);
        let _ = writeln!(
            out,
            "keel_external_events_total{{kind=\"{}\",result=\"{}\"}} {count}",
            label(text(0)),
            label(text(1))
        );
    }
    out
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
