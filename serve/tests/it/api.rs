//! The API against each store (SQLite always, PostgreSQL when present):
//! one suite, two backends.

use crate::common::*;
use keel_runtime::Machine;
use keel_serve::StoreChoice;
use serde_json::json;

/// The cancellation example's happy path.
const CANCEL: [&str; 3] = ["maya@example.com", "the linen shirt", "yes"];

fn machine(policy: &str) -> Machine {
    let compilation = keel_compiler::compile(
        &[keel_compiler::Source::new("policy.md", policy)],
        &[keel_compiler::Source::new("catalog.toml", CATALOG)],
    );
    Machine::new(compilation.artifact()).expect("the example runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_is_served_logged_and_replays() {
    for store in stores("conversation").await {
        let server = Server::start(&store).await;
        let deployed = server.deploy(POLICY).await;
        assert_eq!(deployed.status, 201, "{:?}", deployed.body);
        assert_eq!(deployed.body["version"], 1);
        let listed = server.get("/v1/policies", Some(OPERATOR)).await;
        assert_eq!(listed.body["policies"][0]["policy"], CANCELLATION);
        assert_eq!(listed.body["policies"][0]["latest"], 1);

        let (id, token, started) = server.start_session(CANCELLATION, "maya@example.com").await;
        assert_eq!(messages(&started), ["Could you share your email address?"]);
        let mut last = started;
        for text in CANCEL {
            let answer = server.say(&id, &token, text).await;
            assert_eq!(answer.status, 200, "{}: {:?}", server.label, answer.body);
            last = answer.body;
        }
        assert_eq!(last["outcome"], "cancelled");
        assert_eq!(last["phase"], "ended");

        let read = server
            .get(&format!("/v1/sessions/{id}"), Some(OPERATOR))
            .await;
        assert_eq!(read.status, 200);
        let body = &read.body;
        assert_eq!(body["hash"], deployed.body["hash"]);
        assert_eq!(body["node"], "Single_order_cancellation_policy:5.f.end");
        assert_eq!(body["customer"], "maya@example.com");
        assert_eq!(
            body["path"][0], "Single_order_cancellation_policy:1.a.ask",
            "{}",
            server.label
        );
        let said: Vec<_> = body["transcript"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|line| line["from"] == "customer")
            .map(|line| line["text"].clone())
            .collect();
        assert_eq!(said, CANCEL.map(|text| json!(text)));

        // The stored log is a keel session log: replay reproduces it exactly.
        let log = server
            .client
            .get(format!("{}/v1/sessions/{id}/log", server.base))
            .bearer_auth(OPERATOR)
            .send()
            .await
            .expect("the log")
            .text()
            .await
            .expect("text");
        let machine = machine(POLICY);
        let replayed = keel_runtime::log::replay(&machine, &log).expect("the log replays");
        assert_eq!(replayed.session().outcome(), Some("cancelled"));
        let events = server
            .get(&format!("/v1/sessions/{id}/events"), Some(OPERATOR))
            .await;
        let seqs: Vec<_> = events.body["events"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|event| event["seq"].as_i64().unwrap_or(-1))
            .collect();
        assert_eq!(seqs, (0..seqs.len() as i64).collect::<Vec<_>>());
        assert_eq!(events.body["header"]["hash"], deployed.body["hash"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_leaves_running_sessions_on_theirs() {
    for store in stores("pinning").await {
        let server = Server::start(&store).await;
        let first = server.deploy(POLICY).await;
        let (old, old_token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        server.say(&old, &old_token, CANCEL[0]).await;

        let second = server.deploy(POLICY_V2).await;
        assert_eq!(second.body["version"], 2, "{:?}", second.body);
        assert_ne!(first.body["hash"], second.body["hash"]);
        let again = server.deploy(POLICY_V2).await;
        assert_eq!(
            again.body["version"], 2,
            "the same machine is not a new version"
        );
        let listed = server.get("/v1/policies", Some(OPERATOR)).await;
        assert_eq!(
            listed.body["policies"][0]["versions"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );

        let (new, new_token, started) =
            server.start_session(CANCELLATION, "maya@example.com").await;
        assert_eq!(started["version"], 2);
        server.say(&new, &new_token, CANCEL[0]).await;
        let mut endings = Vec::new();
        // Two orders: the demo store remembers the first cancellation.
        for (id, token, order) in [
            (&old, &old_token, "the linen shirt"),
            (&new, &new_token, "the espresso machine"),
        ] {
            server.say(id, token, order).await;
            let last = server.say(id, token, CANCEL[2]).await;
            endings.push(messages(&last.body).join(" "));
        }
        assert!(
            endings[0].contains("will go back to the original payment method"),
            "{endings:?}"
        );
        assert!(endings[1].contains("within 5 days"), "{endings:?}");
        let old_read = server
            .get(&format!("/v1/sessions/{old}"), Some(OPERATOR))
            .await;
        assert_eq!(old_read.body["version"], 1);
        assert_eq!(old_read.body["hash"], first.body["hash"]);
        let new_read = server
            .get(&format!("/v1/sessions/{new}"), Some(OPERATOR))
            .await;
        assert_eq!(new_read.body["hash"], second.body["hash"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_customer_can_never_reach_another_customers_session() {
    for store in stores("security").await {
        let server = Server::start(&store).await;
        server.deploy(POLICY).await;
        let (maya, maya_token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        let (sam, sam_token, _) = server.start_session(CANCELLATION, "sam@example.com").await;
        server.say(&sam, &sam_token, "sam@example.com").await;

        // Each token opens its own session.
        assert_eq!(
            server
                .get(&format!("/v1/sessions/{maya}"), Some(&maya_token))
                .await
                .status,
            200
        );
        // And no other.
        let peek = server
            .get(&format!("/v1/sessions/{sam}"), Some(&maya_token))
            .await;
        assert_eq!(peek.status, 403);
        assert_eq!(peek.body["error"]["code"], "forbidden");
        assert!(!peek.body.to_string().contains("sam@example.com"));
        let write = server.say(&sam, &maya_token, "the socks").await;
        assert_eq!(write.status, 403);
        // Operator routes refuse session tokens, and everything refuses no token.
        for path in [
            "/v1/policies",
            "/metrics",
            &format!("/v1/sessions/{sam}/events"),
            &format!("/v1/sessions/{sam}/log"),
        ] {
            assert_eq!(
                server.get(path, Some(&maya_token)).await.status,
                401,
                "{path}"
            );
            assert_eq!(server.get(path, None).await.status, 401, "{path}");
        }
        assert_eq!(
            server
                .get(&format!("/v1/sessions/{sam}"), None)
                .await
                .status,
            401
        );
        let start = server
            .post(
                "/v1/sessions",
                Some(&maya_token),
                json!({"policy": CANCELLATION, "channel": "chat", "customer": "x"}),
            )
            .await;
        assert_eq!(start.status, 401);
        // Sam's session did not move.
        let sam_read = server
            .get(&format!("/v1/sessions/{sam}"), Some(&sam_token))
            .await;
        assert_eq!(sam_read.body["seq"], 4, "{:?}", sam_read.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_messages_are_serialised_or_refused_never_interleaved() {
    for store in stores("concurrency").await {
        let server = std::sync::Arc::new(Server::start(&store).await);
        server.deploy(POLICY).await;
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        let mut statuses = Vec::new();
        for text in CANCEL {
            let racers: Vec<_> = (0..6)
                .map(|_| {
                    let server = std::sync::Arc::clone(&server);
                    let (id, token) = (id.clone(), token.clone());
                    tokio::spawn(async move { server.say(&id, &token, text).await.status })
                })
                .collect();
            for racer in racers {
                statuses.push(racer.await.expect("the request ran"));
            }
        }
        assert!(
            statuses
                .iter()
                .all(|status| *status == 200 || *status == 409),
            "{statuses:?}"
        );
        let log = server
            .client
            .get(format!("{}/v1/sessions/{id}/log", server.base))
            .bearer_auth(OPERATOR)
            .send()
            .await
            .expect("the log")
            .text()
            .await
            .expect("text");
        // Whatever was accepted forms one coherent conversation.
        let machine = machine(POLICY);
        let replayed = keel_runtime::log::replay(&machine, &log).expect("the log replays");
        let accepted = replayed
            .entries()
            .iter()
            .filter(|entry| matches!(entry.event, keel_runtime::Event::User(_)))
            .count();
        let ok = statuses.iter().filter(|status| **status == 200).count();
        assert_eq!(
            accepted, ok,
            "{}: every 200 is one logged message",
            server.label
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_external_event_starts_a_proactive_session() {
    for store in stores("proactive").await {
        let server = Server::start(&store).await;
        let deployed = server
            .post(
                "/v1/policies",
                Some(OPERATOR),
                json!({ "policies": [{ "name": "scan_gap_outreach.md", "text": SCAN_GAP }] }),
            )
            .await;
        assert_eq!(deployed.status, 201, "{:?}", deployed.body);
        let started = server
            .post(
                "/v1/events",
                Some(OPERATOR),
                json!({
                    "kind": "carrier_scan_gap",
                    "policy": "scan_gap_outreach",
                    "customer": "maya@example.com",
                    "data": { "order": "1042", "hours_since_last_scan": 52 },
                }),
            )
            .await;
        assert_eq!(started.status, 201, "{:?}", started.body);
        let text = messages(&started.body).join(" ");
        assert!(text.contains("slower than expected"), "{text}");
        let id = started.body["session_id"].as_str().unwrap_or_default();
        let token = started.body["session_token"].as_str().unwrap_or_default();
        // The event's data is operator data: the session's token does not see it.
        let read = server.get(&format!("/v1/sessions/{id}"), Some(token)).await;
        assert!(read.body.get("origin").is_none(), "{:?}", read.body);
        let read = server
            .get(&format!("/v1/sessions/{id}"), Some(OPERATOR))
            .await;
        assert_eq!(read.body["origin"]["kind"], "carrier_scan_gap");
        assert_eq!(read.body["channel"], "email");
        let answer = server.say(id, token, "no thanks").await;
        assert_eq!(answer.body["outcome"], "reassured", "{:?}", answer.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_report_the_seed_kpis() {
    for store in stores("metrics").await {
        let server = Server::start(&store).await;
        server.deploy(POLICY).await;
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        server.clock.advance(4_000_000);
        for text in CANCEL {
            server.say(&id, &token, text).await;
        }
        let (id, token, _) = server.start_session(CANCELLATION, "nobody").await;
        server.say(&id, &token, "nobody@example.com").await;
        server.say(&id, &token, "nobody.either@example.com").await;
        let (id, token, _) = server.start_session(CANCELLATION, "outage").await;
        server.say(&id, &token, "outage@example.com").await;

        let text = server.get("/metrics", Some(OPERATOR)).await.body;
        let text = text.as_str().unwrap_or_default();
        let policy = format!("policy=\"{CANCELLATION}\"");
        for expected in [
            format!("keel_sessions_started_total{{{policy}}} 3"),
            format!("keel_turns_total{{{policy}}} 6"),
            format!("keel_sessions_finished_total{{{policy},kind=\"resolved\"}} 1"),
            format!("keel_sessions_finished_total{{{policy},kind=\"escalated\"}} 2"),
            format!("keel_true_resolution_rate{{{policy}}} 0.3333333333333333"),
            format!(
                "keel_escalations_total{{{policy},node=\"Single_order_cancellation_policy:1.d.escalate\"}} 1"
            ),
            format!("keel_time_to_resolution_seconds_sum{{{policy}}} 4"),
            format!("keel_time_to_resolution_seconds_count{{{policy}}} 3"),
            "keel_tool_latency_seconds_count{tool=\"cancel_order\"} 1".to_string(),
            "keel_tool_errors_total{tool=\"get_magento_customer\",kind=\"error\"} 1".to_string(),
        ] {
            assert!(
                text.contains(&expected),
                "{}: no `{expected}` in\n{text}",
                server.label
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_continue_on_a_new_server_over_the_same_store() {
    for store in stores("restart").await {
        let (id, token) = {
            let server = Server::start(&store).await;
            server.deploy(POLICY).await;
            let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
            server.say(&id, &token, CANCEL[0]).await;
            (id, token)
        };
        let server = Server::start(&store).await;
        server.say(&id, &token, CANCEL[1]).await;
        let last = server.say(&id, &token, CANCEL[2]).await;
        assert_eq!(
            last.body["outcome"], "cancelled",
            "{}: {:?}",
            server.label, last.body
        );
        let finished = server.say(&id, &token, "hello?").await;
        assert_eq!(finished.status, 409);
        assert_eq!(finished.body["error"]["code"], "session_finished");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_log_refuses_updates_and_deletes() {
    for store in stores("append_only").await {
        let server = Server::start(&store).await;
        server.deploy(POLICY).await;
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        server.say(&id, &token, CANCEL[0]).await;
        let attempts = [
            format!("UPDATE events SET line = '{{}}' WHERE session_id = '{id}'"),
            format!("DELETE FROM events WHERE session_id = '{id}'"),
        ];
        for statement in &attempts {
            let refused = match &store {
                StoreChoice::Sqlite(path) => {
                    let connection = rusqlite::Connection::open(path).expect("the file opens");
                    connection
                        .execute(statement, [])
                        .err()
                        .map(|error| error.to_string())
                }
                StoreChoice::Postgres(url) => {
                    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                        .await
                        .expect("PostgreSQL answers");
                    tokio::spawn(connection);
                    client
                        .execute(statement.as_str(), &[])
                        .await
                        .err()
                        .map(|error| format!("{error:?}"))
                }
            };
            let refused =
                refused.unwrap_or_else(|| panic!("{}: `{statement}` was allowed", server.label));
            assert!(refused.contains("append-only"), "{refused}");
        }
        let read = server
            .get(&format!("/v1/sessions/{id}/events"), Some(OPERATOR))
            .await;
        assert_eq!(read.body["events"].as_array().map(Vec::len), Some(4));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_beyond_the_memory_bound_come_back_from_their_log() {
    for store in stores("memory_bound").await {
        let config = keel_serve::Config {
            max_sessions_in_memory: 3,
            ..keel_serve::Config::standard()
        };
        let tools = keel_serve::Tools::demo(keel_runtime::DemoStore::embedded(
            keel_serve::date_of(DEMO_NOW),
        ));
        let server = Server::with(
            &store,
            tools,
            keel_serve::ManualClock::new(DEMO_NOW),
            config,
        )
        .await;
        server.deploy(POLICY).await;
        let mut sessions = Vec::new();
        for _ in 0..12 {
            let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
            sessions.push((id, token));
        }
        for (id, token) in &sessions {
            let answer = server.say(id, token, CANCEL[0]).await;
            assert_eq!(answer.status, 200, "{}: {:?}", server.label, answer.body);
            assert_eq!(
                answer.body["node"],
                "Single_order_cancellation_policy:2.c.ask"
            );
        }
        assert!(
            server.app.sessions.held() <= 3,
            "{}",
            server.app.sessions.held()
        );
    }
}
