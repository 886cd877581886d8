//! Proactive WISMO over HTTP (seed 003): carrier webhooks in (signed), the
//! monitor's scan-gap event starting `examples/wismo_proactive`, its
//! follow-up timer fired once after a restart, the polling fallback,
//! events that start nothing recorded and reported, channel continuity,
//! and the KPIs read back from the store by a fresh process.

use crate::common::{CANCELLATION, DEMO_NOW, OPERATOR, POLICY, Server, messages, stores};
use axum::Json;
use axum::extract::{Path, State};
use keel_serve::StoreChoice;
use keel_serve::{Config, ManualClock, Tools};
use keel_serve::{aftership_signature, easypost_signature};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

const POLICY_TEXT: &str = include_str!("../../../examples/wismo_proactive/policy.md");
const CATALOG_TEXT: &str = include_str!("../../../examples/wismo_proactive/catalog.toml");
const CARRIER_TEXT: &str = include_str!("../../../examples/wismo_proactive/carrier.toml");
const EASYPOST_SECRET: &str = "whsec_easypost_test";
const AFTERSHIP_SECRET: &str = "aftership_test_secret";
const HOUR: i64 = 3_600_000_000;
const TRACKING: &str = "1Z999AA10123456784";

/// A loopback tracking tool: `POST /get_tracking` answers the parcel moving
/// again, and every call is counted.
struct TrackingTool {
    base: String,
    calls: Arc<AtomicU32>,
}

async fn tracking_tool(scanned_at: &'static str) -> TrackingTool {
    let calls = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&calls);
    let router = axum::Router::new()
        .route(
            "/{tool}",
            axum::routing::post(
                move |State(calls): State<Arc<AtomicU32>>, Path(tool): Path<String>| async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    assert_eq!(tool, "get_tracking");
                    Json(json!({
                        "order_id": "1042",
                        "state": "InTransit",
                        "status": "InTransit",
                        "code": "InTransit_007",
                        "location": "Dallas, TX",
                        "scanned_at": scanned_at,
                    }))
                },
            ),
        )
        .with_state(counted);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    TrackingTool {
        base: format!("http://{address}"),
        calls,
    }
}

/// The server's limits with both webhook secrets and no background sweep
/// while the test runs (it sweeps by hand, so every firing is its own).
fn config() -> Config {
    let mut config = Config::standard();
    config.proactive.easypost_secret = Some(EASYPOST_SECRET.to_string());
    config.proactive.aftership_secret = Some(AFTERSHIP_SECRET.to_string());
    config.proactive.sweep_every = Duration::from_secs(3600);
    config
}

async fn server(store: &StoreChoice, clock: Arc<ManualClock>, tools: &TrackingTool) -> Server {
    let tools = Tools::http(&tools.base, Duration::from_secs(10)).expect("a client");
    Server::with(store, tools, clock, config()).await
}

/// A server over `store` whose clock reads `DEMO_NOW` and whose tracking
/// tool last scanned the parcel at `scanned_at`, the policy deployed; with
/// the clock and the tool, for moving time on and for a restart.
async fn deployed(
    store: &StoreChoice,
    scanned_at: &'static str,
) -> (Arc<ManualClock>, TrackingTool, Server) {
    let clock = ManualClock::new(DEMO_NOW);
    let tool = tracking_tool(scanned_at).await;
    let server = server(store, Arc::clone(&clock), &tool).await;
    deploy(&server).await;
    (clock, tool, server)
}

async fn deploy(server: &Server) {
    let deployed = server
        .post(
            "/v1/policies",
            Some(OPERATOR),
            json!({
                "policies": [{ "name": "policy.md", "text": POLICY_TEXT }],
                "catalogs": [
                    { "name": "catalog.toml", "text": CATALOG_TEXT },
                    { "name": "carrier.toml", "text": CARRIER_TEXT },
                ],
            }),
        )
        .await;
    assert_eq!(deployed.status, 201, "{:?}", deployed.body);
}

/// An EasyPost `tracker.updated` event (its real shape, trimmed) whose one
/// carrier scan was at `scanned_at`.
fn easypost_event(scanned_at: &str) -> Value {
    json!({
        "object": "Event",
        "id": "evt_3f1c",
        "mode": "test",
        "description": "tracker.updated",
        "result": {
            "object": "Tracker",
            "id": "trk_c8a1",
            "mode": "test",
            "tracking_code": TRACKING,
            "status": "in_transit",
            "status_detail": "arrived_at_facility",
            "carrier": "UPS",
            "est_delivery_date": null,
            "tracking_details": [
                {
                    "object": "TrackingDetail",
                    "message": "Shipping label created",
                    "status": "pre_transit",
                    "status_detail": "label_created",
                    "datetime": "2026-03-08T09:00:00Z",
                    "tracking_location": { "city": null, "state": null, "country": null, "zip": null }
                },
                {
                    "object": "TrackingDetail",
                    "message": "Arrived at facility",
                    "status": "in_transit",
                    "status_detail": "arrived_at_facility",
                    "datetime": scanned_at,
                    "tracking_location": { "city": "Memphis", "state": "TN", "country": "US", "zip": "38118" }
                }
            ]
        }
    })
}

/// Posts a webhook body signed with `signature`.
async fn webhook(
    server: &Server,
    path: &str,
    header: &str,
    signature: &str,
    body: &Value,
) -> (u16, Value) {
    let bytes = serde_json::to_vec(body).expect("JSON");
    let response = server
        .client
        .post(format!("{}{path}", server.base))
        .header("content-type", "application/json")
        .header(header, signature)
        .body(bytes)
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

async fn easypost(server: &Server, body: &Value) -> (u16, Value) {
    let bytes = serde_json::to_vec(body).expect("JSON");
    let signature = easypost_signature(EASYPOST_SECRET, &bytes);
    webhook(
        server,
        "/v1/webhooks/easypost",
        "x-hmac-signature",
        &signature,
        body,
    )
    .await
}

/// The bot's messages of a session, as the operator reads it.
async fn said(server: &Server, id: &str) -> (Vec<String>, Value) {
    let read = server
        .get(&format!("/v1/sessions/{id}"), Some(OPERATOR))
        .await;
    let texts = read.body["transcript"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["from"] == "bot")
        .filter_map(|entry| entry["text"].as_str().map(str::to_string))
        .collect();
    (texts, read.body)
}

/// The operator's view of a session once it has finished (a sweep in the
/// background may be finishing it).
async fn finished(server: &Server, id: &str) -> Value {
    for _ in 0..200 {
        let read = server
            .get(&format!("/v1/sessions/{id}"), Some(OPERATOR))
            .await;
        if !read.body["outcome"].is_null() {
            return read.body;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{}: session {id} did not finish", server.label);
}

/// Asserts that `/metrics` shows each of `expected` as a whole line (so
/// `… 1` is not found in `… 10`).
async fn assert_metrics(server: &Server, expected: &[impl AsRef<str>]) {
    let text = server.get("/metrics", Some(OPERATOR)).await.body;
    let text = text.as_str().unwrap_or_default();
    for expected in expected {
        let expected = expected.as_ref();
        assert!(
            text.lines().any(|line| line == expected),
            "{}: {expected}\n{text}",
            server.label
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_easypost_webhook_after_48_quiet_hours_starts_the_alert_whose_follow_up_fires_once_after_a_restart()
 {
    for store in stores("proactive_webhook").await {
        let (clock, tool, first) = deployed(&store, "2026-03-11T20:00:00Z").await;
        let registered = first
            .post(
                "/v1/shipments",
                Some(OPERATOR),
                json!({
                    "tracking_number": TRACKING,
                    "carrier": "UPS",
                    "order_id": "1042",
                    "customer": "maya@example.com",
                    "label_created_at": "2026-03-08T09:00:00Z",
                }),
            )
            .await;
        assert_eq!(registered.status, 201, "{:?}", registered.body);

        // A bad signature is refused, and changes nothing.
        let body = easypost_event("2026-03-09T22:00:00Z");
        let (status, refused) = webhook(
            &first,
            "/v1/webhooks/easypost",
            "x-hmac-signature",
            "hmac-sha256-hex=00",
            &body,
        )
        .await;
        assert_eq!(status, 401, "{refused:?}");

        // A scan two hours ago: nothing to say yet.
        let (status, answer) = easypost(&first, &body).await;
        assert_eq!(status, 200, "{}: {answer:?}", first.label);
        assert_eq!(answer["events"], json!([]), "{answer:?}");

        // 49 hours on, EasyPost sends the tracker again with no new scan.
        clock.advance(49 * HOUR);
        let (status, answer) = easypost(&first, &body).await;
        assert_eq!(status, 200, "{answer:?}");
        let events = answer["events"].as_array().cloned().unwrap_or_default();
        assert_eq!(events.len(), 1, "{answer:?}");
        assert_eq!(events[0]["kind"], "carrier_scan_gap");
        assert_eq!(events[0]["data"]["hours_since_scan"], 51);
        assert_eq!(events[0]["results"][0]["result"], "started", "{answer:?}");
        let id = events[0]["results"][0]["session_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();

        // The first message names the order and says what happened in
        // plain words — never the carrier's code.
        let (texts, read) = said(&first, &id).await;
        assert_eq!(texts.len(), 1, "{read:?}");
        let alert = &texts[0];
        assert!(alert.contains("#1042"), "{alert}");
        assert!(alert.contains("slightly slower than expected"), "{alert}");
        assert!(
            alert.contains("at a carrier facility on its way to you"),
            "{alert}"
        );
        assert!(!alert.contains("arrived_at_facility"), "{alert}");
        assert_eq!(read["phase"], "waiting_for_timer", "{read:?}");
        assert_eq!(read["customer"], "maya@example.com");

        // The same webhook again: the gap was alerted once per last scan.
        let (_, again) = easypost(&first, &body).await;
        assert_eq!(again["events"], json!([]), "{again:?}");

        // Restart: a new process over the same store, a day later.
        drop(first);
        clock.advance(24 * HOUR);
        // Its sweep at start-up, or this one, fires the timer.
        let second = server(&store, Arc::clone(&clock), &tool).await;
        second.app.sweep_proactive().await.expect("a sweep");
        let read = finished(&second, &id).await;
        // A third process, and more sweeps: the timer is not fired again.
        let third = server(&store, Arc::clone(&clock), &tool).await;
        let (woke_again, _) = third.app.sweep_proactive().await.expect("a sweep");
        let (woke_twice, _) = second.app.sweep_proactive().await.expect("a sweep");
        assert_eq!((woke_again, woke_twice), (0, 0), "{read:?}");

        let (texts, read) = said(&second, &id).await;
        assert_eq!(texts.len(), 2, "{read:?}");
        assert!(
            texts[1].contains("moving again: it is on its way after leaving a carrier facility"),
            "{}",
            texts[1]
        );
        assert!(!texts[1].contains("InTransit_007"), "{}", texts[1]);
        assert_eq!(read["outcome"], "reassured", "{read:?}");
        let log = second
            .get(&format!("/v1/sessions/{id}/events"), Some(OPERATOR))
            .await;
        let log = log.body.to_string();
        assert_eq!(log.matches("\"timer_fired\"").count(), 1, "{log}");

        // The KPIs come from the store: the new process counts the outreach
        // and its outcome by trigger.
        assert_metrics(
            &third,
            &[
                "keel_proactive_outreach_total{policy=\"wismo_proactive\",trigger=\"carrier_scan_gap\"} 1",
                "keel_sessions_finished_total{policy=\"wismo_proactive\",kind=\"resolved\"} 1",
                "keel_true_resolution_rate_by_trigger{policy=\"wismo_proactive\",trigger=\"carrier_scan_gap\"} 1",
                "keel_external_events_total{kind=\"carrier_scan_gap\",result=\"started\"} 1",
            ],
        )
        .await;
    }
}

/// An AfterShip webhook (its real shape, trimmed) for order #1042.
fn aftership_update(tag: &str, subtag: &str, checkpoint_at: &str) -> Value {
    json!({
        "event": "tracking_update",
        "event_id": "c1e5a0f2",
        "is_tracking_first_tag": false,
        "msg": {
            "id": "lv8kq3",
            "tracking_number": TRACKING,
            "slug": "ups",
            "order_id": "#1042",
            "emails": ["maya@example.com"],
            "tag": tag,
            "subtag": subtag,
            "subtag_message": "",
            "checkpoints": [
                {
                    "checkpoint_time": checkpoint_at,
                    "city": "Memphis",
                    "state": "TN",
                    "country_iso3": "USA",
                    "message": "Departure scan",
                    "tag": "InTransit",
                    "subtag": "InTransit_007",
                    "slug": "ups"
                }
            ]
        },
        "ts": 1_773_100_800
    })
}

async fn aftership(server: &Server, body: &Value) -> (u16, Value) {
    let bytes = serde_json::to_vec(body).expect("JSON");
    let signature = aftership_signature(AFTERSHIP_SECRET, &bytes);
    webhook(
        server,
        "/v1/webhooks/aftership",
        "aftership-hmac-sha256",
        &signature,
        body,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aftership_webhooks_and_events_that_start_nothing_are_recorded_and_reported() {
    for store in stores("proactive_aftership").await {
        let (clock, _tool, server) = deployed(&store, "2026-03-09T20:00:00Z").await;

        // Signed with another secret: refused.
        let body = aftership_update("Exception", "Exception_017", "2026-03-09T20:00:00Z");
        let bytes = serde_json::to_vec(&body).expect("JSON");
        let (status, _) = webhook(
            &server,
            "/v1/webhooks/aftership",
            "aftership-hmac-sha256",
            &aftership_signature("not the secret", &bytes),
            &body,
        )
        .await;
        assert_eq!(status, 401);

        // An exception no policy is triggered by: recorded as unmatched.
        let (status, answer) = aftership(&server, &body).await;
        assert_eq!(status, 200, "{}: {answer:?}", server.label);
        assert_eq!(
            answer["events"][0]["kind"], "carrier_exception",
            "{answer:?}"
        );
        assert_eq!(answer["events"][0]["data"]["code"], "Exception_017");
        assert_eq!(answer["events"][0]["results"][0]["result"], "unmatched");

        // 50 quiet hours later the webhook's own order and customer start
        // the alert…
        clock.advance(50 * HOUR);
        let (_, answer) = aftership(&server, &body).await;
        assert_eq!(
            answer["events"][0]["kind"], "carrier_scan_gap",
            "{answer:?}"
        );
        assert_eq!(answer["events"][0]["results"][0]["result"], "started");
        let live = answer["events"][0]["results"][0]["session_id"].clone();

        // …and the same event again, for a customer with a live session of
        // the policy, is a duplicate; one under the threshold starts nothing.
        let data = answer["events"][0]["data"].clone();
        let duplicate = server
            .post(
                "/v1/events",
                Some(OPERATOR),
                json!({ "kind": "carrier_scan_gap", "customer": "maya@example.com", "data": data }),
            )
            .await;
        assert_eq!(duplicate.status, 202, "{:?}", duplicate.body);
        assert_eq!(duplicate.body["results"][0]["result"], "duplicate");
        assert_eq!(duplicate.body["results"][0]["session_id"], live);
        let mut early = data.clone();
        early["hours_since_scan"] = json!(12);
        let early = server
            .post(
                "/v1/events",
                Some(OPERATOR),
                json!({ "kind": "carrier_scan_gap", "customer": "sam@example.com", "data": early }),
            )
            .await;
        assert_eq!(
            early.body["results"][0]["result"], "condition_false",
            "{:?}",
            early.body
        );
        let nobody = server
            .post(
                "/v1/events",
                Some(OPERATOR),
                json!({ "kind": "address_changed", "customer": "sam@example.com", "data": {} }),
            )
            .await;
        assert_eq!(
            nobody.body["results"][0]["result"], "unmatched",
            "{:?}",
            nobody.body
        );

        let listed = server.get("/v1/events", Some(OPERATOR)).await;
        let results: Vec<String> = listed.body["events"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|event| {
                format!(
                    "{}:{}",
                    event["kind"].as_str().unwrap_or(""),
                    event["result"].as_str().unwrap_or("")
                )
            })
            .collect();
        for expected in [
            "carrier_exception:unmatched",
            "carrier_scan_gap:started",
            "carrier_scan_gap:duplicate",
            "carrier_scan_gap:condition_false",
            "address_changed:unmatched",
        ] {
            assert!(
                results.contains(&expected.to_string()),
                "{expected}: {results:?}"
            );
        }
        assert_metrics(
            &server,
            &[
                "keel_external_events_total{kind=\"carrier_exception\",result=\"unmatched\"} 1",
                "keel_external_events_total{kind=\"carrier_scan_gap\",result=\"duplicate\"} 1",
                "keel_external_events_total{kind=\"address_changed\",result=\"unmatched\"} 1",
            ],
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipment_no_webhook_updates_is_polled_and_its_scan_gap_starts_the_alert() {
    for store in stores("proactive_poll").await {
        // The tracking tool's last scan: 60 hours before the sweep below.
        let (clock, tool, server) = deployed(&store, "2026-03-10T00:00:00Z").await;
        let registered = server
            .post(
                "/v1/shipments",
                Some(OPERATOR),
                json!({ "tracking_number": TRACKING, "order_id": "1042", "customer": "maya@example.com" }),
            )
            .await;
        assert_eq!(registered.status, 201);
        // Within the polling horizon nothing is asked.
        server.app.sweep_proactive().await.expect("a sweep");
        assert_eq!(tool.calls.load(Ordering::SeqCst), 0);
        // No webhook for 60 hours: the sweep polls the tracking tool, reads
        // the last scan, and the gap starts the alert.
        clock.advance(60 * HOUR);
        let (_, emitted) = server.app.sweep_proactive().await.expect("a sweep");
        assert_eq!(tool.calls.load(Ordering::SeqCst), 1, "{}", server.label);
        assert_eq!(emitted, 1);
        let listed = server.get("/v1/events", Some(OPERATOR)).await;
        assert_eq!(
            listed.body["events"][0]["kind"], "carrier_scan_gap",
            "{:?}",
            listed.body
        );
        assert_eq!(listed.body["events"][0]["result"], "started");
        assert_eq!(listed.body["events"][0]["data"]["code"], "InTransit_007");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_on_another_channel_continues_the_live_session_within_the_window() {
    for store in stores("continuity").await {
        let server = Server::start(&store).await;
        server.deploy(POLICY).await;
        let inbound = |channel: &str, text: &str, customer: &str| json!({ "customer": customer, "channel": channel, "text": text, "policy": CANCELLATION });
        let chat = server
            .post(
                "/v1/inbound",
                Some(OPERATOR),
                inbound("chat", "I want to cancel", "maya@example.com"),
            )
            .await;
        assert_eq!(chat.status, 201, "{}: {:?}", server.label, chat.body);
        assert_eq!(chat.body["continued"], false);
        let id = chat.body["session_id"].clone();
        assert!(
            messages(&chat.body).join(" ").contains("email"),
            "{:?}",
            chat.body
        );

        // An hour later, by email: the same session, which goes on.
        server.clock.advance(HOUR);
        let email = server
            .post(
                "/v1/inbound",
                Some(OPERATOR),
                inbound("email", "maya@example.com", "maya@example.com"),
            )
            .await;
        assert_eq!(email.status, 200, "{:?}", email.body);
        assert_eq!(email.body["continued"], true);
        assert_eq!(email.body["session_id"], id);
        assert_eq!(email.body["session_channel"], "chat");
        assert!(
            messages(&email.body).join(" ").contains("Which order"),
            "{:?}",
            email.body
        );

        // Another customer is not continued into it.
        let other = server
            .post(
                "/v1/inbound",
                Some(OPERATOR),
                inbound("email", "hello", "sam@example.com"),
            )
            .await;
        assert_eq!(other.body["continued"], false);
        assert_ne!(other.body["session_id"], id);

        // Past the window (a day), a new message starts over.
        server.clock.advance(25 * HOUR);
        let late = server
            .post(
                "/v1/inbound",
                Some(OPERATOR),
                inbound("email", "hi again", "maya@example.com"),
            )
            .await;
        assert_eq!(late.body["continued"], false, "{:?}", late.body);
        assert_ne!(late.body["session_id"], id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_label_no_carrier_scans_and_a_delivery_are_emitted_once_each() {
    for store in stores("proactive_late").await {
        let (_clock, _tool, server) = deployed(&store, "2026-03-10T00:00:00Z").await;
        // A label created 30 hours ago, never scanned.
        let registered = server
            .post(
                "/v1/shipments",
                Some(OPERATOR),
                json!({
                    "tracking_number": TRACKING,
                    "order_id": "1042",
                    "customer": "maya@example.com",
                    "label_created_at": "2026-03-08T18:00:00Z",
                }),
            )
            .await;
        assert_eq!(registered.status, 201);
        let (_, emitted) = server.app.sweep_proactive().await.expect("a sweep");
        let (_, again) = server.app.sweep_proactive().await.expect("a sweep");
        assert_eq!((emitted, again), (1, 0), "{}", server.label);

        // EasyPost reports the delivery: one `delivered` event, not two.
        let mut body = easypost_event("2026-03-09T22:00:00Z");
        body["result"]["status"] = json!("delivered");
        body["result"]["status_detail"] = json!("arrived_at_destination");
        let (status, answer) = easypost(&server, &body).await;
        assert_eq!(status, 200, "{answer:?}");
        assert_eq!(answer["events"][0]["kind"], "delivered", "{answer:?}");
        let (_, answer) = easypost(&server, &body).await;
        assert_eq!(answer["events"], json!([]), "{answer:?}");

        // Neither starts a policy here: both are recorded as unmatched.
        let listed = server.get("/v1/events", Some(OPERATOR)).await;
        let results: Vec<String> = listed.body["events"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|event| {
                format!(
                    "{}:{}",
                    event["kind"].as_str().unwrap_or(""),
                    event["result"].as_str().unwrap_or("")
                )
            })
            .collect();
        // Both at the same instant: listed by their (random) ids.
        let mut results = results;
        results.sort();
        assert_eq!(
            results,
            ["delivered:unmatched", "late_first_scan:unmatched"],
            "{:?}",
            listed.body
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_for_a_channel_the_policy_does_not_serve_or_with_fields_its_record_lacks_is_recorded()
 {
    for store in stores("proactive_refused").await {
        let (clock, tool, server) = deployed(&store, "2026-03-09T20:00:00Z").await;
        let data = json!({
            "order_id": "1042",
            "tracking_number": TRACKING,
            "carrier": "UPS",
            "code": "in_transit",
            "location": "Memphis, TN",
            "hours_since_scan": 50,
        });
        // wismo_proactive serves email and sms, not chat.
        let chat = server
            .post(
                "/v1/events",
                Some(OPERATOR),
                json!({ "kind": "carrier_scan_gap", "customer": "maya@example.com", "channel": "chat", "data": data }),
            )
            .await;
        assert_eq!(chat.status, 202, "{}: {:?}", server.label, chat.body);
        assert_eq!(chat.body["results"][0]["result"], "channel_not_served");
        assert!(
            chat.body["results"][0]["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("not `chat`")),
            "{:?}",
            chat.body
        );
        // A misspelt field (and so a missing one), and a value of another type.
        let mut misspelt = data.clone();
        misspelt["hours_since_scn"] = misspelt["hours_since_scan"].take();
        misspelt
            .as_object_mut()
            .map(|fields| fields.remove("hours_since_scan"));
        misspelt["carrier"] = json!(7);
        let invalid = server
            .post(
                "/v1/events",
                Some(OPERATOR),
                json!({ "kind": "carrier_scan_gap", "customer": "sam@example.com", "data": misspelt }),
            )
            .await;
        assert_eq!(invalid.status, 202, "{:?}", invalid.body);
        assert_eq!(invalid.body["results"][0]["result"], "invalid_data");
        let detail = invalid.body["results"][0]["detail"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        for part in [
            "`hours_since_scn` is not a field of `ScanGap`",
            "`hours_since_scan` is missing",
            "`carrier` is 7, not a string",
        ] {
            assert!(detail.contains(part), "{part}: {detail}");
        }
        // A policy that is not deployed: recorded too, not refused.
        let missing = server
            .post(
                "/v1/events",
                Some(OPERATOR),
                json!({ "kind": "carrier_scan_gap", "policy": "wismo_retired", "customer": "noor@example.com", "data": data }),
            )
            .await;
        assert_eq!(missing.status, 202, "{:?}", missing.body);
        assert_eq!(missing.body["results"][0]["result"], "unmatched");
        assert_eq!(
            missing.body["results"][0]["detail"],
            "no policy `wismo_retired` is deployed"
        );
        // The same data, well formed, on a served channel: started.
        let started = server
            .post(
                "/v1/events",
                Some(OPERATOR),
                json!({ "kind": "carrier_scan_gap", "customer": "lee@example.com", "data": data }),
            )
            .await;
        assert_eq!(started.status, 201, "{:?}", started.body);

        // Recorded (with why) and reported, by a fresh process too.
        drop(server);
        let server = self::server(&store, Arc::clone(&clock), &tool).await;
        let listed = server.get("/v1/events", Some(OPERATOR)).await;
        let events = listed.body["events"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let find = |result: &str| {
            events
                .iter()
                .find(|event| event["result"] == result)
                .cloned()
                .unwrap_or_else(|| panic!("{result}: {events:?}"))
        };
        assert_eq!(find("channel_not_served")["customer"], "maya@example.com");
        assert_eq!(find("unmatched")["policy"], "wismo_retired");
        assert!(
            find("invalid_data")["detail"]
                .as_str()
                .is_some_and(|detail| detail.contains("hours_since_scn")),
            "{events:?}"
        );
        assert!(find("started")["detail"].is_null(), "{events:?}");
        assert_metrics(
            &server,
            &[
                "keel_external_events_total{kind=\"carrier_scan_gap\",result=\"channel_not_served\"} 1",
                "keel_external_events_total{kind=\"carrier_scan_gap\",result=\"invalid_data\"} 1",
                "keel_external_events_total{kind=\"carrier_scan_gap\",result=\"started\"} 1",
            ],
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_carrier_code_with_no_plain_words_is_never_shown_and_is_counted_in_the_store() {
    for store in stores("proactive_unmapped").await {
        let (clock, tool, server) = deployed(&store, "2026-03-09T20:00:00Z").await;
        for customer in ["maya@example.com", "sam@example.com"] {
            let started = server
                .post(
                    "/v1/events",
                    Some(OPERATOR),
                    json!({ "kind": "carrier_scan_gap", "customer": customer, "data": {
                        "order_id": "1042",
                        "tracking_number": TRACKING,
                        "carrier": "UPS",
                        "code": "XQ991",
                        "location": "Memphis, TN",
                        "hours_since_scan": 50,
                    } }),
                )
                .await;
            assert_eq!(started.status, 201, "{}: {:?}", server.label, started.body);
            let text = messages(&started.body).join(" ");
            assert!(
                text.contains("there is an update from the carrier that we are checking"),
                "{text}"
            );
            assert!(!text.contains("XQ991"), "{text}");
        }
        // Counted with the events that showed it: a fresh process reads it back.
        drop(server);
        let fresh = self::server(&store, Arc::clone(&clock), &tool).await;
        assert_metrics(
            &fresh,
            &["keel_carrier_codes_unmapped_total{code=\"XQ991\"} 2"],
        )
        .await;
    }
}

/// Starts `scan_gap_outreach` for `customer`: by an event (`trigger`) or
/// by the customer (inbound, on email); returns the id and token.
async fn begin(server: &Server, customer: &str, trigger: Option<&str>) -> (String, String) {
    let answer = match trigger {
        Some(kind) => {
            server
                .post(
                    "/v1/events",
                    Some(OPERATOR),
                    json!({ "kind": kind, "policy": "scan_gap_outreach", "customer": customer, "data": {} }),
                )
                .await
        }
        None => {
            server
                .post(
                    "/v1/sessions",
                    Some(OPERATOR),
                    json!({ "policy": "scan_gap_outreach", "channel": "email", "customer": customer }),
                )
                .await
        }
    };
    assert_eq!(answer.status, 201, "{}: {:?}", server.label, answer.body);
    (
        answer.body["session_id"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        answer.body["session_token"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kpis_of_seed_003_are_computed_from_the_store_and_survive_a_restart() {
    const MINUTE: i64 = 60_000_000;
    for store in stores("proactive_kpis").await {
        let clock = ManualClock::new(DEMO_NOW);
        let first = Server::with(
            &store,
            Tools::demo(keel_runtime::DemoStore::embedded(keel_serve::date_of(
                DEMO_NOW,
            ))),
            Arc::clone(&clock),
            Config::standard(),
        )
        .await;
        let deployed = first
            .post(
                "/v1/policies",
                Some(OPERATOR),
                json!({ "policies": [{ "name": "scan_gap_outreach.md", "text": crate::common::SCAN_GAP }] }),
            )
            .await;
        assert_eq!(deployed.status, 201, "{:?}", deployed.body);
        // A: an outreach to maya, answered "no" an hour later (resolved).
        let (a, a_token) = begin(&first, "maya@example.com", Some("carrier_scan_gap")).await;
        clock.advance(HOUR);
        assert_eq!(
            first.say(&a, &a_token, "no").await.body["outcome"],
            "reassured"
        );
        // B: maya writes in herself an hour later (inbound after outreach)
        // and asks for a person ten minutes on (escalated).
        clock.advance(HOUR);
        let (b, b_token) = begin(&first, "maya@example.com", None).await;
        clock.advance(10 * MINUTE);
        let escalated = first.say(&b, &b_token, "yes").await;
        assert!(
            escalated.body["handoff"].is_object(),
            "{:?}",
            escalated.body
        );
        // C: sam writes in, no outreach before; "no" after 30 minutes.
        let (c, c_token) = begin(&first, "sam@example.com", None).await;
        clock.advance(30 * MINUTE);
        assert_eq!(
            first.say(&c, &c_token, "no").await.body["outcome"],
            "reassured"
        );
        // D: an outreach to lee, "no" two hours later.
        let (d, d_token) = begin(&first, "lee@example.com", Some("carrier_scan_gap")).await;
        clock.advance(2 * HOUR);
        assert_eq!(
            first.say(&d, &d_token, "no").await.body["outcome"],
            "reassured"
        );
        // E: an outreach to noor, still waiting for her answer.
        begin(&first, "noor@example.com", Some("carrier_scan_gap")).await;

        // A fresh process over the same store computes them all.
        drop(first);
        let fresh = Server::with(
            &store,
            Tools::demo(keel_runtime::DemoStore::embedded(keel_serve::date_of(
                DEMO_NOW,
            ))),
            Arc::clone(&clock),
            Config::standard(),
        )
        .await;
        let policy = "policy=\"scan_gap_outreach\"";
        let scan = format!("{policy},trigger=\"carrier_scan_gap\"");
        let inbound = format!("{policy},trigger=\"inbound\"");
        let expected = [
            format!("keel_sessions_started_total{{{policy}}} 5"),
            format!("keel_sessions_finished_total{{{policy},kind=\"resolved\"}} 3"),
            format!("keel_sessions_finished_total{{{policy},kind=\"escalated\"}} 1"),
            // True resolution: 3 of the 4 finished; by trigger, A and D of
            // the outreach, C of the two inbound.
            format!("keel_true_resolution_rate{{{policy}}} 0.75"),
            format!("keel_true_resolution_rate_by_trigger{{{scan}}} 1"),
            format!("keel_true_resolution_rate_by_trigger{{{inbound}}} 0.5"),
            // First contact: A came back (B within 72 h), D did not; B was
            // no first contact (A before it), C was and stayed resolved.
            format!("keel_first_contact_resolution_rate{{{scan}}} 0.5"),
            format!("keel_first_contact_resolution_rate{{{inbound}}} 1"),
            // The policy's: A (came back), C and D of the three first contacts.
            format!(
                "keel_first_contact_resolution_rate{{{policy},trigger=\"all\"}} 0.6666666666666666"
            ),
            // Time to resolution: 3600, 600, 1800 and 7200 seconds.
            format!("keel_time_to_resolution_seconds_bucket{{{policy},le=\"300\"}} 0"),
            format!("keel_time_to_resolution_seconds_bucket{{{policy},le=\"1800\"}} 2"),
            format!("keel_time_to_resolution_seconds_bucket{{{policy},le=\"3600\"}} 3"),
            format!("keel_time_to_resolution_seconds_bucket{{{policy},le=\"+Inf\"}} 4"),
            format!("keel_time_to_resolution_seconds_sum{{{policy}}} 13200"),
            format!("keel_time_to_resolution_seconds_count{{{policy}}} 4"),
            // Outreach sent (A, D, E) and the inbound sessions that followed
            // one within 72 h (B, not C).
            format!("keel_proactive_outreach_total{{{scan}}} 3"),
            format!("keel_inbound_sessions_total{{{policy}}} 2"),
            format!("keel_inbound_after_outreach_total{{{policy}}} 1"),
        ];
        assert_metrics(&fresh, &expected).await;
        let _ = (a, b, c, d);
    }
}
