//! A loopback server speaking the chat-completions wire format, scripted
//! per test: answers, errors, 429 with `Retry-After`, slow answers, or a
//! function of the request.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted answer.
#[derive(Clone)]
pub(crate) enum Reply {
    /// A chat completion whose message content is this text.
    Content(String),
    /// A chat completion with this content and finish reason.
    Finish(String, &'static str),
    /// An HTTP status with a body (and an optional `Retry-After`).
    Status(u16, String, Option<&'static str>),
    /// A raw 200 body (not a chat completion).
    Raw(String),
    /// A chat completion after a delay.
    Slow(Duration, String),
    /// Computes the content from the request body.
    With(Arc<dyn Fn(&Value) -> String + Send + Sync>),
}

/// What the stub received, and what it will answer.
#[derive(Default)]
pub(crate) struct Script {
    /// Answers in order; when empty, `fallback`.
    pub(crate) queue: VecDeque<Reply>,
    /// The answer once the queue is empty.
    pub(crate) fallback: Option<Reply>,
    /// Request bodies received.
    pub(crate) requests: Vec<Value>,
    /// The `Authorization` header of each request.
    pub(crate) authorizations: Vec<Option<String>>,
}

/// A running stub server.
pub(crate) struct Stub {
    /// `http://127.0.0.1:PORT/v1`.
    pub(crate) base_url: String,
    script: Arc<Mutex<Script>>,
    _runtime: tokio::runtime::Runtime,
}

impl Stub {
    /// Starts a stub with these answers, then `fallback` forever.
    pub(crate) fn start(queue: Vec<Reply>, fallback: Option<Reply>) -> Stub {
        Stub::start_with(queue, fallback, None)
    }

    /// Starts a stub answering over TLS with a certificate `identity`'s
    /// authority signed (`https://127.0.0.1:PORT/v1`).
    pub(crate) fn start_tls(fallback: Reply, identity: &keel_adapters::tls::Identity) -> Stub {
        Stub::start_with(Vec::new(), Some(fallback), Some(identity.clone()))
    }

    fn start_with(
        queue: Vec<Reply>,
        fallback: Option<Reply>,
        identity: Option<keel_adapters::tls::Identity>,
    ) -> Stub {
        let script = Arc::new(Mutex::new(Script {
            queue: queue.into(),
            fallback,
            ..Script::default()
        }));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime for the stub");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("a loopback port");
        let port = listener.local_addr().expect("an address").port();
        let app = Router::new()
            .route("/v1/chat/completions", post(answer))
            .with_state(script.clone());
        let scheme = if identity.is_some() { "https" } else { "http" };
        runtime.spawn(async move {
            match identity {
                Some(identity) => {
                    let _ = keel_adapters::tls::serve_tls(listener, app, &identity).await;
                }
                None => {
                    let _ = axum::serve(listener, app).await;
                }
            }
        });
        Stub {
            base_url: format!("{scheme}://127.0.0.1:{port}/v1"),
            script,
            _runtime: runtime,
        }
    }

    /// Always answers with `reply`.
    pub(crate) fn always(reply: Reply) -> Stub {
        Stub::start(Vec::new(), Some(reply))
    }

    /// The request bodies received so far.
    pub(crate) fn requests(&self) -> Vec<Value> {
        self.script
            .lock()
            .map(|script| script.requests.clone())
            .unwrap_or_default()
    }

    /// The `Authorization` headers received so far.
    pub(crate) fn authorizations(&self) -> Vec<Option<String>> {
        self.script
            .lock()
            .map(|script| script.authorizations.clone())
            .unwrap_or_default()
    }
}

/// A chat completion body as llama.cpp's server and OpenAI send it.
pub(crate) fn completion(content: &str, finish_reason: &str) -> Value {
    json!({
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": "stub",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": finish_reason
        }],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    })
}

async fn answer(
    State(script): State<Arc<Mutex<Script>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let reply = {
        let Ok(mut script) = script.lock() else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        script.requests.push(request.clone());
        let authorization = headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        script.authorizations.push(authorization);
        match script.queue.pop_front() {
            Some(reply) => Some(reply),
            None => script.fallback.clone(),
        }
    };
    let ok = |content: &str, finish: &str| {
        (
            StatusCode::OK,
            [("content-type", "application/json")],
            completion(content, finish).to_string(),
        )
            .into_response()
    };
    match reply {
        None => (StatusCode::SERVICE_UNAVAILABLE, "no script").into_response(),
        Some(Reply::Content(content)) => ok(&content, "stop"),
        Some(Reply::Finish(content, finish)) => ok(&content, finish),
        Some(Reply::Raw(body)) => (StatusCode::OK, body).into_response(),
        Some(Reply::Status(code, body, retry_after)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, body).into_response();
            if let Some(seconds) = retry_after {
                if let Ok(value) = seconds.parse() {
                    response.headers_mut().insert("retry-after", value);
                }
            }
            response
        }
        Some(Reply::Slow(delay, content)) => {
            tokio::time::sleep(delay).await;
            ok(&content, "stop")
        }
        Some(Reply::With(compute)) => ok(&compute(&request), "stop"),
    }
}
