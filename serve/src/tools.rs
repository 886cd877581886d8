//! How `keel serve` performs tool calls: the embedded demo store (the
//! default, offline), a tool server over HTTP, or the platforms of a
//! backend file (`keel-adapters`, `--backend`).
//!
//! Over HTTP a call is `POST {base}/{tool}` with the JSON body
//! `{"args": {…}, "adapter": …, "session": …}`; a 2xx answer's JSON body
//! is the result (`null` for "not found"), anything else an error. Every
//! call that is not a read carries an `Idempotency-Key` derived from the
//! session, the node and the visit ([`idempotency_key`]): after a crash the
//! call is sent again with the same key, and the tool server answers it
//! without doing it twice.

use keel_runtime::{BlockingTools, Caller, DemoStore, ToolCall, ToolOutcome, Value};
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use std::time::Duration;

/// The header carrying the key.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// The key of a call: the same session, node and visit always give the
/// same key, whichever process sends it.
pub fn idempotency_key(session: &str, node: &str, visit: u32) -> String {
    let mut hasher = Sha256::new();
    hasher.update(session.as_bytes());
    hasher.update([0]);
    hasher.update(node.as_bytes());
    hasher.update([0]);
    hasher.update(visit.to_be_bytes());
    format!("keel-{}", crate::auth::hex(&hasher.finalize()[..16]))
}

/// Where tool calls go.
#[derive(Debug)]
pub enum Tools {
    /// The embedded demo store, shared by every session.
    Demo(Mutex<DemoStore>),
    /// A tool server.
    Http {
        /// `http://host:port/prefix`, without a trailing slash.
        base: String,
        /// The client (connection pool).
        client: reqwest::Client,
    },
    /// The platforms a backend file names.
    Backend(Box<keel_adapters::Backend>),
}

/// One call as the serve layer sends it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The call.
    pub call: &'a ToolCall,
    /// Whether it changes anything (`write` or `destructive`).
    pub writes: bool,
    /// Its idempotency key.
    pub key: &'a str,
    /// The session.
    pub session: &'a str,
    /// The session's state as the call is made (for a backend: the
    /// customer's email, the date).
    pub caller: Caller<'a>,
    /// The call was sent before and its answer never recorded (a crash):
    /// a backend looks up a write before sending it again.
    pub resend: bool,
}

impl Tools {
    /// The demo store.
    pub fn demo(store: DemoStore) -> Tools {
        Tools::Demo(Mutex::new(store))
    }

    /// A tool server at `base`.
    pub fn http(base: &str, timeout: Duration) -> Result<Tools, String> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|error| format!("cannot build the HTTP client: {error}"))?;
        Ok(Tools::Http {
            base: base.trim_end_matches('/').to_string(),
            client,
        })
    }

    /// Performs a call; failures are outcomes.
    pub async fn call(&self, request: Request<'_>) -> ToolOutcome {
        match self {
            Tools::Demo(store) => match store.lock() {
                Ok(mut store) => store.perform(request.call),
                Err(_) => ToolOutcome::Error("the demo store is unavailable".to_string()),
            },
            Tools::Http { base, client } => http_call(client, base, request).await,
            Tools::Backend(backend) => {
                let context = keel_adapters::Context::of(
                    request.caller,
                    request.key.to_string(),
                    request.resend,
                );
                backend.call(request.call, &context).await
            }
        }
    }
}

async fn http_call(client: &reqwest::Client, base: &str, request: Request<'_>) -> ToolOutcome {
    let call = request.call;
    let body = serde_json::json!({
        "args": &call.args,
        "adapter": call.adapter.as_deref(),
        "session": request.session,
    });
    let mut builder = client
        .post(format!("{base}/{}", call.tool))
        .json(&body)
        .header("X-Keel-Session", request.session);
    if request.writes {
        builder = builder.header(IDEMPOTENCY_HEADER, request.key);
    }
    let response = match builder.send().await {
        Ok(response) => response,
        Err(error) if error.is_timeout() => return ToolOutcome::Timeout,
        Err(error) => return ToolOutcome::Error(format!("tool server: {error}")),
    };
    let status = response.status();
    let text = match response.text().await {
        Ok(text) => text,
        Err(error) if error.is_timeout() => return ToolOutcome::Timeout,
        Err(error) => return ToolOutcome::Error(format!("tool server: {error}")),
    };
    if !status.is_success() {
        let snippet: String = text.chars().take(200).collect();
        return ToolOutcome::Error(format!("HTTP {}: {snippet}", status.as_u16()));
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(json) => ToolOutcome::Ok(Value::from_json(&json)),
        Err(error) => ToolOutcome::Error(format!("the tool server's answer is not JSON: {error}")),
    }
}
