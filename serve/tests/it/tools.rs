//! Tools over HTTP: write calls carry idempotency keys; a call left
//! pending (the process stopped before the answer) is resumed with the
//! same key and executed once. The real `kill -9` of `keel serve` is in
//! the root package's `serve` test.

use crate::common::*;
use keel_runtime::DemoStore;
use keel_serve::ToolServer;
use keel_serve::{Config, ManualClock, Tools};
use std::time::Duration;

async fn tool_server() -> ToolServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    ToolServer::spawn(listener, DemoStore::embedded(keel_serve::date_of(DEMO_NOW)))
        .expect("the tool server")
}

fn http_tools(tools: &ToolServer) -> Tools {
    Tools::http(&tools.base(), Duration::from_secs(30)).expect("a client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_write_calls_carry_an_idempotency_key() {
    for store in stores("keys").await {
        let tools = tool_server().await;
        let server = Server::with(
            &store,
            http_tools(&tools),
            ManualClock::new(DEMO_NOW),
            Config::standard(),
        )
        .await;
        server.deploy(POLICY).await;
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        let mut last = None;
        for text in ["maya@example.com", "the linen shirt", "yes"] {
            last = Some(server.say(&id, &token, text).await.body);
        }
        let last = last.unwrap_or_default();
        assert_eq!(last["outcome"], "cancelled", "{}: {last:?}", server.label);
        let counts = tools.counts();
        assert_eq!(counts.requests.values().sum::<u32>(), 4, "{counts:?}");
        assert_eq!(counts.executions.get("cancel_order"), Some(&1));
        assert_eq!(counts.keys.len(), 1, "only cancel_order writes: {counts:?}");
        assert_eq!(
            counts.keys[0],
            keel_serve::idempotency_key(&id, "Single_order_cancellation_policy:5.c.call", 1)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destructive_call_left_unanswered_is_resumed_and_executed_once() {
    for store in stores("resume").await {
        let tools = tool_server().await;
        let clock = ManualClock::new(DEMO_NOW);
        let first = Server::with(
            &store,
            http_tools(&tools),
            clock.clone(),
            Config::standard(),
        )
        .await;
        first.deploy(POLICY).await;
        let (id, token, _) = first.start_session(CANCELLATION, "maya@example.com").await;
        first.say(&id, &token, "maya@example.com").await;
        first.say(&id, &token, "the linen shirt").await;
        // The cancellation is executed but its answer never comes back.
        tools.hold_writes(true);
        let hanging = {
            let (base, id, token) = (first.base.clone(), id.clone(), token.clone());
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(format!("{base}/v1/sessions/{id}/messages"))
                    .bearer_auth(token)
                    .json(&serde_json::json!({ "text": "yes" }))
                    .send()
                    .await
            })
        };
        while !tools.counts().executions.contains_key("cancel_order") {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Meanwhile the session is busy.
        let busy = first.say(&id, &token, "hello?").await;
        assert_eq!(busy.status, 409, "{:?}", busy.body);

        // Another process over the same store takes the session over.
        tools.hold_writes(false);
        clock.advance(1_000_000);
        let config = Config {
            resume_after: Duration::ZERO,
            ..Config::standard()
        };
        // It resumes what it finds waiting as it starts.
        let second = Server::with(&store, http_tools(&tools), clock.clone(), config).await;
        let mut read = second
            .get(&format!("/v1/sessions/{id}"), Some(&token))
            .await;
        for _ in 0..1000 {
            if read.body["phase"] != "waiting_for_tool" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            read = second
                .get(&format!("/v1/sessions/{id}"), Some(&token))
                .await;
        }
        assert_eq!(
            read.body["outcome"], "cancelled",
            "{}: {:?}",
            second.label, read.body
        );
        let counts = tools.counts();
        assert_eq!(counts.requests.get("cancel_order"), Some(&2), "{counts:?}");
        assert_eq!(
            counts.executions.get("cancel_order"),
            Some(&1),
            "{counts:?}"
        );
        assert_eq!(counts.keys.len(), 2);
        assert_eq!(counts.keys[0], counts.keys[1], "the same key both times");
        hanging.abort();
    }
}
