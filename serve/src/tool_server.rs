//! A loopback tool server over the embedded demo store, speaking the wire
//! format of [`crate::tools`] and honouring `Idempotency-Key` the way a
//! payment or order API does: the first request with a key is executed and
//! its answer kept; a repeat gets the kept answer without a second
//! execution. It counts executions per tool, so tests can show that a
//! destructive call happened exactly once, and it can hold back answers
//! to write calls (after executing them) so that a test can kill the
//! runtime in between. Used by the tests and the load benchmark.

use crate::tools::IDEMPOTENCY_HEADER;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use keel_runtime::{Args, BlockingTools, DemoStore, ToolCall, ToolOutcome, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What the server saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests received, by tool (repeats included).
    pub requests: BTreeMap<String, u32>,
    /// Executions, by tool (a repeated idempotency key is not executed).
    pub executions: BTreeMap<String, u32>,
    /// The idempotency keys received, in order (one entry per request).
    pub keys: Vec<String>,
}

#[derive(Debug)]
struct Shared {
    store: Mutex<DemoStore>,
    counts: Mutex<Counts>,
    answers: Mutex<BTreeMap<String, (u16, serde_json::Value)>>,
    hold_writes: AtomicBool,
}

/// A running tool server.
#[derive(Clone, Debug)]
pub struct ToolServer {
    /// Where it listens.
    pub address: SocketAddr,
    shared: Arc<Shared>,
}

impl ToolServer {
    /// Serves the demo store on `listener` (on the current tokio runtime).
    pub fn spawn(
        listener: tokio::net::TcpListener,
        store: DemoStore,
    ) -> std::io::Result<ToolServer> {
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            counts: Mutex::new(Counts::default()),
            answers: Mutex::new(BTreeMap::new()),
            hold_writes: AtomicBool::new(false),
        });
        let router = Router::new()
            .route("/{tool}", post(call))
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(ToolServer { address, shared })
    }

    /// Starts one on a thread of its own, with its own runtime, on a free
    /// loopback port (for tests that are not async).
    pub fn start_blocking(store: DemoStore) -> std::io::Result<ToolServer> {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = sender.send(Err(error));
                    return;
                }
            };
            runtime.block_on(async move {
                let started = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                    Ok(listener) => ToolServer::spawn(listener, store),
                    Err(error) => Err(error),
                };
                let _ = sender.send(started);
                std::future::pending::<()>().await;
            });
        });
        receiver
            .recv()
            .map_err(|_| std::io::Error::other("the tool server thread stopped"))?
    }

    /// `http://address`.
    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Whether to execute write calls but never answer them.
    pub fn hold_writes(&self, hold: bool) {
        self.shared.hold_writes.store(hold, Ordering::SeqCst);
    }

    /// What it has seen so far.
    pub fn counts(&self) -> Counts {
        self.shared
            .counts
            .lock()
            .map(|counts| counts.clone())
            .unwrap_or_default()
    }
}

async fn call(
    State(shared): State<Arc<Shared>>,
    Path(tool): Path<String>,
    headers: HeaderMap,
    body: Option<Json<serde_json::Value>>,
) -> Response {
    let key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    if let Ok(mut counts) = shared.counts.lock() {
        *counts.requests.entry(tool.clone()).or_default() += 1;
        if let Some(key) = &key {
            counts.keys.push(key.clone());
        }
    }
    if let Some(key) = &key {
        let kept = shared
            .answers
            .lock()
            .ok()
            .and_then(|answers| answers.get(key).cloned());
        if let Some((status, answer)) = kept {
            return (
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                Json(answer),
            )
                .into_response();
        }
    }
    let body = body.map(|Json(body)| body).unwrap_or_default();
    let args: Args = body["args"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, value)| (Arc::from(name.as_str()), Value::from_json(value)))
        .collect();
    let request = ToolCall {
        id: 0,
        tool: Arc::from(tool.as_str()),
        adapter: body["adapter"].as_str().map(Arc::from),
        args,
    };
    let outcome = match shared.store.lock() {
        Ok(mut store) => store.perform(&request),
        Err(_) => ToolOutcome::Error("the store is unavailable".to_string()),
    };
    if let Ok(mut counts) = shared.counts.lock() {
        *counts.executions.entry(tool.clone()).or_default() += 1;
    }
    let (status, answer) = match outcome {
        ToolOutcome::Ok(value) => (200, value.to_json()),
        ToolOutcome::Error(message) => (422, serde_json::json!({ "error": message })),
        ToolOutcome::Timeout => (504, serde_json::json!({ "error": "timeout" })),
    };
    if let Some(key) = &key {
        if let Ok(mut answers) = shared.answers.lock() {
            answers.insert(key.clone(), (status, answer.clone()));
        }
        if shared.hold_writes.load(Ordering::SeqCst) {
            // Executed and kept, but never answered.
            std::future::pending::<()>().await;
        }
    }
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        Json(answer),
    )
        .into_response()
}
