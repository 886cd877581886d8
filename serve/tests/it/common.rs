//! The harness: a `keel serve` app on a loopback port over each store, and
//! a client that speaks its API. PostgreSQL comes from
//! `KEEL_TEST_POSTGRES_URL` (`.ci/run` starts one); without it the
//! PostgreSQL half of a test is skipped with a note, except under CI
//! (`CI` set), where it fails.

use keel_runtime::DemoStore;
use keel_serve::{App, Config, ManualClock, Tools};
use keel_serve::{StoreChoice, open_store};
use serde_json::{Value, json};
use std::sync::Arc;

pub(crate) const OPERATOR: &str = "op-test-token";
pub(crate) const POLICY: &str =
    include_str!("../../../examples/single_order_cancellation/policy.md");
pub(crate) const CATALOG: &str =
    include_str!("../../../examples/single_order_cancellation/catalog.toml");
pub(crate) const POLICY_V2: &str = include_str!("../data/cancellation_v2.md");
pub(crate) const SCAN_GAP: &str = include_str!("../data/scan_gap_outreach.md");
pub(crate) const CANCELLATION: &str = "Single_order_cancellation_policy";

/// 2026-03-10 00:00 UTC, the demo date.
pub(crate) const DEMO_NOW: i64 = 1_773_100_800_000_000;

/// A fresh PostgreSQL database's URL, or `None` (skipped) outside CI.
pub(crate) async fn postgres_database(name: &str) -> Option<String> {
    let Ok(admin) = std::env::var("KEEL_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "KEEL_TEST_POSTGRES_URL must be set in CI (.ci/run starts PostgreSQL)"
        );
        eprintln!("skipped the PostgreSQL half: KEEL_TEST_POSTGRES_URL is not set");
        return None;
    };
    // One database per test, reused (dropped and made again) by every run.
    let database = format!("keel_test_{name}");
    let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL at KEEL_TEST_POSTGRES_URL answers");
    tokio::spawn(connection);
    for statement in [
        format!("DROP DATABASE IF EXISTS {database}"),
        format!("CREATE DATABASE {database}"),
    ] {
        client
            .batch_execute(&statement)
            .await
            .expect("a test database");
    }
    let (prefix, _) = admin.rsplit_once('/').expect("a URL with a database");
    Some(format!("{prefix}/{database}"))
}

/// The stores to run a test against: SQLite always, PostgreSQL when present.
pub(crate) async fn stores(name: &str) -> Vec<StoreChoice> {
    // One folder per test, emptied by every run.
    let directory = std::env::temp_dir().join(format!("keel-serve-test-{name}"));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("a temporary directory");
    let mut stores = vec![StoreChoice::Sqlite(directory.join("keel.db"))];
    if let Some(url) = postgres_database(name).await {
        stores.push(StoreChoice::Postgres(url));
    }
    stores
}

/// A server on a loopback port.
pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) app: Arc<App>,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) client: reqwest::Client,
    pub(crate) label: &'static str,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// A parsed answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Value,
}

impl Server {
    /// Serves over `store` with the demo store's tools.
    pub(crate) async fn start(store: &StoreChoice) -> Server {
        let clock = ManualClock::new(DEMO_NOW);
        let tools = Tools::demo(DemoStore::embedded(keel_serve::date_of(DEMO_NOW)));
        Server::with(store, tools, clock, Config::standard()).await
    }

    /// Serves over `store` with the given tools, clock and limits.
    pub(crate) async fn with(
        store: &StoreChoice,
        tools: Tools,
        clock: Arc<ManualClock>,
        config: Config,
    ) -> Server {
        let label = match store {
            StoreChoice::Sqlite(_) => "sqlite",
            StoreChoice::Postgres(_) => "postgres",
        };
        let opened = open_store(store).await.expect("the store opens");
        let app = App::new(
            opened,
            tools,
            clock.clone(),
            &[OPERATOR.to_string()],
            config,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        let (sender, receiver) = tokio::sync::oneshot::channel::<()>();
        let served = Arc::clone(&app);
        tokio::spawn(async move {
            let _ = keel_serve::serve(served, listener, async {
                let _ = receiver.await;
            })
            .await;
        });
        Server {
            base: format!("http://{address}"),
            app,
            clock,
            client: reqwest::Client::new(),
            label,
            _shutdown: sender,
        }
    }

    /// A request with an optional bearer token and JSON body.
    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer { status, body }
    }

    pub(crate) async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    pub(crate) async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    /// Deploys a policy with the cancellation catalog.
    pub(crate) async fn deploy(&self, policy: &str) -> Answer {
        self.post(
            "/v1/policies",
            Some(OPERATOR),
            json!({
                "policies": [{ "name": "policy.md", "text": policy }],
                "catalogs": [{ "name": "catalog.toml", "text": CATALOG }],
            }),
        )
        .await
    }

    /// Starts a session; returns (id, session token, answer body).
    pub(crate) async fn start_session(
        &self,
        policy: &str,
        customer: &str,
    ) -> (String, String, Value) {
        let answer = self
            .post(
                "/v1/sessions",
                Some(OPERATOR),
                json!({ "policy": policy, "channel": "chat", "customer": customer }),
            )
            .await;
        assert_eq!(answer.status, 201, "{}: {:?}", self.label, answer.body);
        (
            answer.body["session_id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            answer.body["session_token"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            answer.body,
        )
    }

    /// Posts a customer message with `token`.
    pub(crate) async fn say(&self, id: &str, token: &str, text: &str) -> Answer {
        self.post(
            &format!("/v1/sessions/{id}/messages"),
            Some(token),
            json!({ "text": text }),
        )
        .await
    }
}

/// The texts of an answer's `messages`.
pub(crate) fn messages(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|message| message.as_str().map(str::to_string))
        .collect()
}
