//! Hardening (issue 12): what a deploy may not weaken, how big a deploy may
//! be, whom a session token answers, and what a slow client may hold.

use crate::common::*;
use serde_json::json;

/// The scenario: the cancellation catalog with `cancel_order`
/// declared `read` (no confirmation, no idempotency key) is refused at
/// deploy time, naming the tool and its adapter; the same catalog with its
/// declared effect deploys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalog_that_weakens_an_adapters_effect_is_refused() {
    for store in stores("weakened_effect").await {
        let server = Server::start(&store).await;
        let weakened = CATALOG.replace(
            "effect = \"destructive\"\ncustomer_data = true\nadapter = \"magento.cancel\"",
            "effect = \"read\"\ncustomer_data = true\nadapter = \"magento.cancel\"",
        );
        assert_ne!(weakened, CATALOG, "the example's cancel tool moved");
        let refused = server
            .post(
                "/v1/policies",
                Some(OPERATOR),
                json!({
                    "policies": [{ "name": "policy.md", "text": POLICY }],
                    "catalogs": [{ "name": "catalog.toml", "text": weakened }],
                }),
            )
            .await;
        assert_eq!(refused.status, 422, "{}: {:?}", server.label, refused.body);
        let message = refused.body["error"]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains("read-tool-writing-adapter")
                && message.contains("`cancel_order`")
                && message.contains("`magento.cancel`"),
            "{message}"
        );
        let listed = server.get("/v1/policies", Some(OPERATOR)).await;
        assert_eq!(listed.body["policies"], json!([]), "{:?}", listed.body);
        // An unknown adapter is refused the same way.
        let unknown = CATALOG.replace("\"magento.cancel\"", "\"magento.cancel_now\"");
        let refused = server
            .post(
                "/v1/policies",
                Some(OPERATOR),
                json!({
                    "policies": [{ "name": "policy.md", "text": POLICY }],
                    "catalogs": [{ "name": "catalog.toml", "text": unknown }],
                }),
            )
            .await;
        assert_eq!(refused.status, 422, "{:?}", refused.body);
        assert!(
            refused.body["error"]["message"]
                .as_str()
                .is_some_and(|message| message.contains("unknown-adapter")),
            "{:?}",
            refused.body
        );
        assert_eq!(server.deploy(POLICY).await.status, 201);
    }
}

#[path = "../../../compiler/tests/it/large_inputs.rs"]
mod large_inputs; // The three large policies, generated.

/// Deploys `text` (with the cancellation catalog) as a request of its own.
fn deploy_in_the_background(
    server: &Server,
    text: String,
) -> tokio::task::JoinHandle<(u16, serde_json::Value)> {
    let request = server
        .client
        .post(format!("{}/v1/policies", server.base))
        .bearer_auth(OPERATOR)
        .json(&json!({
            "policies": [{ "name": "policy.md", "text": text }],
            "catalogs": [{ "name": "catalog.toml", "text": CATALOG }],
        }));
    tokio::spawn(async move {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    })
}

/// While a deploy compiles, the server answers a health check and a
/// customer's message at once (the compile is on the blocking pool).
async fn still_serving(server: &Server, id: &str, token: &str) {
    let answered = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        assert_eq!(server.get("/healthz", None).await.status, 200);
        let read = server.get(&format!("/v1/sessions/{id}"), Some(token)).await;
        assert_eq!(read.status, 200, "{:?}", read.body);
    })
    .await;
    assert!(
        answered.is_ok(),
        "the server stopped answering during a deploy"
    );
}

/// Issue 12: the three large policies (≈ 1 MB of long steps, 20,000 short
/// steps, one step with 20,000 sub-bullets) that aborted `keel serve` with
/// a stack overflow are each answered 201 or 4xx, and the server answers
/// other requests while each compiles and after. SQLite only: the compile
/// does not depend on the store, and each takes seconds in a debug build.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_deploys_are_answered_and_the_server_keeps_serving() {
    let store = stores("large_deploys").await.remove(0);
    let server = Server::start(&store).await;
    assert_eq!(server.deploy(POLICY).await.status, 201);
    let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
    for (name, text) in [
        ("long steps", large_inputs::long_steps()),
        ("short steps", large_inputs::short_steps()),
        ("sub-bullets", large_inputs::sub_bullets()),
    ] {
        let deploying = deploy_in_the_background(&server, text);
        still_serving(&server, &id, &token).await;
        let (status, body) = deploying.await.expect("the request finishes");
        eprintln!("{name}: {status} {}", body["error"]["code"]);
        assert!(
            status == 201 || (400..500).contains(&status),
            "{name}: {status} {body}"
        );
        still_serving(&server, &id, &token).await;
    }
    let answer = server.say(&id, &token, "maya@example.com").await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}

/// A deploy whose compile outlives the budget is refused with a clear
/// error and deploys nothing; its compile keeps the one compile slot until
/// it finishes, so a deploy meanwhile is refused as busy, and the server
/// answers everything else throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_over_its_time_budget_is_refused_and_nothing_stalls() {
    let store = stores("deploy_budget").await.remove(0);
    let clock = keel_serve::ManualClock::new(DEMO_NOW);
    let tools = || {
        keel_serve::Tools::demo(keel_runtime::DemoStore::embedded(keel_serve::date_of(
            DEMO_NOW,
        )))
    };
    let mut config = keel_serve::Config::standard();
    let server = Server::with(&store, tools(), clock.clone(), config.clone()).await;
    assert_eq!(server.deploy(POLICY).await.status, 201);
    let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
    drop(server);
    // 10,000 steps compile in far more than 50 ms in any build.
    config.deploy_timeout = std::time::Duration::from_millis(50);
    // The same store under a second server: the session comes back from its log.
    let server = Server::with(&store, tools(), clock, config).await;
    let (status, body) = deploy_in_the_background(&server, large_inputs::long_steps())
        .await
        .expect("the request finishes");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "compile_timeout", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("longer than 50 ms")),
        "{body}"
    );
    let (status, body) = deploy_in_the_background(&server, large_inputs::long_steps())
        .await
        .expect("the request finishes");
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "deploy_busy", "{body}");
    still_serving(&server, &id, &token).await;
    let answer = server.say(&id, &token, "maya@example.com").await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let listed = server.get("/v1/policies", Some(OPERATOR)).await;
    assert_eq!(
        listed.body["policies"].as_array().map(Vec::len),
        Some(1),
        "nothing new was deployed: {:?}",
        listed.body
    );
}

/// The customer `keel` binds a session to must be the one the identity
/// tool finds: the scenario (a session started for Maya, the chat
/// types Sam's email) hands off before anything of Sam's is read, and the
/// log replays with the binding. A session bound by the customer's id, or
/// an anonymous one (no customer: email-only identity), goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_is_bound_to_the_session_customer() {
    for store in stores("identity_binding").await {
        let server = Server::start(&store).await;
        assert_eq!(server.deploy(POLICY).await.status, 201);
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        let answer = server.say(&id, &token, "sam@example.com").await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        assert_eq!(answer.body["phase"], "handed_off", "{:?}", answer.body);
        assert_eq!(
            answer.body["handoff"]["reason"],
            "the identity given in the conversation is not the customer this session was started for"
        );
        // The customer's channel never sees the hand-off's context.
        assert!(
            answer.body["handoff"].get("context").is_none(),
            "{:?}",
            answer.body
        );
        assert!(
            !answer.body.to_string().contains("Carter"),
            "{:?}",
            answer.body
        );
        // Nothing of Sam's was read: no order lookup after the identity call.
        let events = server
            .get(&format!("/v1/sessions/{id}/events"), Some(OPERATOR))
            .await;
        let calls = events.body.to_string().matches("call_tool").count();
        assert_eq!(calls, 1, "{}", events.body);
        // The log names the customer, so replay binds the session again.
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
        let header = keel_runtime::log::header(&log).expect("a header");
        assert_eq!(header.customer.as_deref(), Some("maya@example.com"));
        let compilation = keel_compiler::compile(
            &[keel_compiler::Source::new("policy.md", POLICY)],
            &[keel_compiler::Source::new("catalog.toml", CATALOG)],
        );
        let machine = keel_runtime::Machine::new(compilation.artifact()).expect("runs");
        let replayed = keel_runtime::log::replay(&machine, &log).expect("replays");
        assert_eq!(replayed.session().outcome(), Some("escalated"));

        // Bound by the demo store's customer id, the right email goes on.
        let (id, token, _) = server.start_session(CANCELLATION, "7390001").await;
        let answer = server.say(&id, &token, "maya@example.com").await;
        assert_eq!(
            answer.body["phase"], "waiting_for_user",
            "{:?}",
            answer.body
        );

        // An anonymous channel: identity by email alone.
        let started = server
            .post(
                "/v1/sessions",
                Some(OPERATOR),
                json!({ "policy": CANCELLATION, "channel": "chat" }),
            )
            .await;
        assert_eq!(started.status, 201, "{:?}", started.body);
        let id = started.body["session_id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let token = started.body["session_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let answer = server.say(&id, &token, "sam@example.com").await;
        assert_eq!(
            answer.body["phase"], "waiting_for_user",
            "{:?}",
            answer.body
        );
    }
}

/// Every route a session token can call answers without operator data:
/// the reply to a message and the session view carry no hand-off context,
/// tool results, customer id or external event data; the operator's view
/// of the same session does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_token_never_sees_operator_data() {
    for store in stores("token_views").await {
        let server = Server::start(&store).await;
        assert_eq!(server.deploy(POLICY).await.status, 201);
        let (id, token, _) = server.start_session(CANCELLATION, "maya@example.com").await;
        server.say(&id, &token, "maya@example.com").await;
        let handed = server.say(&id, &token, "a human please").await;
        assert_eq!(handed.body["phase"], "handed_off", "{:?}", handed.body);
        assert!(
            handed.body["handoff"].get("context").is_none(),
            "{:?}",
            handed.body
        );
        let path = format!("/v1/sessions/{id}");
        let seen = server.get(&path, Some(&token)).await;
        assert_eq!(seen.status, 200);
        let text = seen.body.to_string();
        for secret in [
            "7390001",
            "Lopez",
            "tool_result",
            "context",
            "call_tool",
            "\"customer\":",
            "origin",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        // The operator sees all of it.
        let full = server.get(&path, Some(OPERATOR)).await.body.to_string();
        for shown in ["7390001", "tool_result", "context", "\"customer\":"] {
            assert!(full.contains(shown), "{shown} not in {full}");
        }
        // Operator-only routes refuse the token.
        for route in [
            format!("{path}/events"),
            format!("{path}/log"),
            "/metrics".to_string(),
        ] {
            assert_eq!(
                server.get(&route, Some(&token)).await.status,
                401,
                "{route}"
            );
        }
    }
}
