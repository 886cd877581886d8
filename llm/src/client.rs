//! One client for OpenAI-compatible chat-completions APIs (OpenAI, vLLM,
//! Ollama, llama.cpp's server): [`Client::complete`] sends a
//! [`ChatRequest`] with a JSON schema and returns the parsed, validated
//! answer, or an [`Error`].
//!
//! Every reply is checked whatever the server claims to support: an HTTP
//! 200, a chat completion, `finish_reason == "stop"` (a `length` finish is
//! a truncated answer), content that parses as JSON and conforms to the
//! schema. 429 and 5xx answers and refused connections are retried a
//! bounded number of times with exponential back-off (a 429's
//! `Retry-After` seconds win); a timeout is not retried, so a slow server
//! costs at most one timeout per call.

use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::schema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::time::Duration;

/// One chat message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl Message {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Message {
        Message {
            role: "system".to_string(),
            content: content.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Message {
        Message {
            role: "user".to_string(),
            content: content.into(),
        }
    }

    /// An assistant message (what the model said before).
    pub fn assistant(content: impl Into<String>) -> Message {
        Message {
            role: "assistant".to_string(),
            content: content.into(),
        }
    }
}

/// How the next tokens are drawn: keel's own calls are greedy
/// ([`Sampling::GREEDY`]); a caller that wants varied answers (τ-bench's
/// simulated customer) passes a temperature and a seed, which llama.cpp's
/// server honours reproducibly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampling {
    /// 0 for the most likely token every time.
    pub temperature: f64,
    /// The sampler's seed.
    pub seed: u64,
}

impl Sampling {
    /// Temperature 0, seed 0.
    pub const GREEDY: Sampling = Sampling {
        temperature: 0.0,
        seed: 0,
    };
}

/// What to ask: messages, and the JSON schema the answer must match.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatRequest {
    /// The conversation sent.
    pub messages: Vec<Message>,
    /// The schema's name (`[a-zA-Z0-9_-]`).
    pub schema_name: String,
    /// The JSON schema (a small subset: see [`schema::validate`]).
    pub schema: Value,
    /// The answer's token budget.
    pub max_tokens: u32,
}

/// A validated answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    /// The message content as the server sent it.
    pub content: String,
    /// The content parsed; it conforms to the request's schema.
    pub value: Value,
    /// Attempts made (1 when the first one answered).
    pub attempts: u32,
}

/// The request body, exactly as sent (for logs and tests). Without
/// [`Config::json_schema`], the schema goes into the system message.
pub fn body(config: &Config, request: &ChatRequest) -> Value {
    body_sampled(config, request, Sampling::GREEDY)
}

/// [`body`] with the given [`Sampling`].
pub fn body_sampled(config: &Config, request: &ChatRequest, sampling: Sampling) -> Value {
    if !config.json_schema {
        let mut messages = request.messages.clone();
        let instruction = format!(
            "Your answer must be one JSON value matching this JSON schema: {}",
            request.schema
        );
        match messages.first_mut() {
            Some(first) if first.role == "system" => {
                first.content = format!("{}\n{instruction}", first.content);
            }
            _ => messages.insert(0, Message::system(instruction)),
        }
        return json!({
            "model": config.model,
            "messages": messages,
            "temperature": temperature(sampling),
            "seed": sampling.seed,
            "max_tokens": request.max_tokens,
        });
    }
    json!({
        "model": config.model,
        "messages": request.messages,
        "temperature": temperature(sampling),
        "seed": sampling.seed,
        "max_tokens": request.max_tokens,
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": request.schema_name,
                "strict": true,
                "schema": request.schema,
            }
        }
    })
}

/// The temperature as sent: `0` (an integer, as keel's greedy calls have
/// always sent it) or the number.
fn temperature(sampling: Sampling) -> Value {
    if sampling.temperature == 0.0 {
        json!(0)
    } else {
        json!(sampling.temperature)
    }
}

/// The chat-completions client.
#[derive(Clone, Debug)]
pub struct Client {
    config: Config,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct WireCompletion {
    choices: Vec<WireChoice>,
}

#[derive(Deserialize)]
struct WireChoice {
    finish_reason: Option<String>,
    message: WireMessage,
}

#[derive(Deserialize)]
struct WireMessage {
    content: Option<String>,
}

/// What one attempt gave: an answer, or an error that may be retried
/// after the given wait.
enum Attempt {
    Done(Result<String, Error>),
    Retry(Error, Option<Duration>),
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Result<Client, Error> {
        let mut builder = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout);
        // TLS is rustls with the system's roots, plus a private CA's if named.
        if let Some(path) = &config.ca_file {
            let pem = std::fs::read(path).map_err(|error| {
                Error::new(
                    ErrorKind::Config,
                    format!("cannot read the CA file {}: {error}", path.display()),
                )
            })?;
            let roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|error| {
                Error::new(
                    ErrorKind::Config,
                    format!("{} holds no PEM certificate: {error}", path.display()),
                )
            })?;
            builder = builder.tls_certs_merge(roots);
        }
        let http = builder.build().map_err(|error| {
            Error::new(
                ErrorKind::Config,
                format!("cannot build the HTTP client: {error}"),
            )
        })?;
        Ok(Client { config, http })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sends `request`, retrying as the module doc says, and validates
    /// the answer.
    pub async fn complete(&self, request: &ChatRequest) -> Result<Completion, Error> {
        self.complete_sampled(request, Sampling::GREEDY).await
    }

    /// [`Client::complete`] with the given [`Sampling`].
    pub async fn complete_sampled(
        &self,
        request: &ChatRequest,
        sampling: Sampling,
    ) -> Result<Completion, Error> {
        let body = body_sampled(&self.config, request, sampling);
        let mut attempts = 0;
        let mut backoff = self.config.backoff;
        loop {
            attempts += 1;
            let (error, wait) = match self.attempt(&body).await {
                Attempt::Done(Ok(content)) => {
                    let value = parse(&content, &request.schema)?;
                    return Ok(Completion {
                        content,
                        value,
                        attempts,
                    });
                }
                Attempt::Done(Err(error)) => return Err(error),
                Attempt::Retry(error, wait) => (error, wait),
            };
            if attempts > self.config.retries {
                return Err(Error::new(
                    error.kind(),
                    format!("{} (after {attempts} attempts)", error.message()),
                ));
            }
            let wait = retry_wait(wait, backoff, self.config.max_backoff);
            tokio::time::sleep(wait).await;
            backoff = backoff.saturating_mul(2);
        }
    }

    async fn attempt(&self, body: &Value) -> Attempt {
        let mut builder = self.http.post(self.config.endpoint()).json(body);
        if let Some(key) = &self.config.api_key {
            builder = builder.bearer_auth(key);
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) if error.is_timeout() => {
                return Attempt::Done(Err(timeout(&self.config)));
            }
            Err(error) if error.is_connect() => {
                return Attempt::Retry(
                    Error::new(
                        ErrorKind::Connect,
                        format!("cannot reach {}: {error}", self.config.endpoint()),
                    ),
                    None,
                );
            }
            Err(error) => {
                return Attempt::Done(Err(Error::new(
                    ErrorKind::Connect,
                    format!("the request to {} failed: {error}", self.config.endpoint()),
                )));
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = match response.text().await {
            Ok(text) => text,
            Err(error) if error.is_timeout() => return Attempt::Done(Err(timeout(&self.config))),
            Err(error) => {
                return Attempt::Done(Err(Error::new(
                    ErrorKind::Connect,
                    format!("the answer could not be read: {error}"),
                )));
            }
        };
        match status {
            200 => Attempt::Done(content(&text)),
            429 => Attempt::Retry(
                Error::new(ErrorKind::Status, "the server is rate limiting (429)"),
                retry_after,
            ),
            500..=599 => Attempt::Retry(
                Error::new(
                    ErrorKind::Status,
                    format!("the server failed ({status}): {}", short(&text)),
                ),
                None,
            ),
            _ => Attempt::Done(Err(Error::new(
                ErrorKind::Status,
                format!(
                    "the server refused the request ({status}): {}",
                    short(&text)
                ),
            ))),
        }
    }
}

/// How long to wait before the next attempt: the server's `Retry-After`
/// if it sent one, else the current back-off; never more than `max`.
pub fn retry_wait(retry_after: Option<Duration>, backoff: Duration, max: Duration) -> Duration {
    retry_after.unwrap_or(backoff).min(max)
}

fn timeout(config: &Config) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("no answer within {:.1} s", config.timeout.as_secs_f64()),
    )
}

/// The message content of a chat completion with `finish_reason == "stop"`.
fn content(text: &str) -> Result<String, Error> {
    let completion: WireCompletion = serde_json::from_str(text).map_err(|error| {
        Error::new(
            ErrorKind::Invalid,
            format!("not a chat completion ({error}): {}", short(text)),
        )
    })?;
    let Some(choice) = completion.choices.into_iter().next() else {
        return Err(Error::new(
            ErrorKind::Invalid,
            "the completion has no choices",
        ));
    };
    match choice.finish_reason.as_deref() {
        Some("stop") => {}
        other => {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "the answer was not finished (finish_reason {})",
                    other.unwrap_or("missing")
                ),
            ));
        }
    }
    choice
        .message
        .content
        .ok_or_else(|| Error::new(ErrorKind::Invalid, "the answer has no content"))
}

/// Parses the content and checks it against the schema.
fn parse(content: &str, schema: &Value) -> Result<Value, Error> {
    let value: Value = serde_json::from_str(content.trim()).map_err(|error| {
        Error::new(
            ErrorKind::Invalid,
            format!("the answer is not JSON ({error}): {}", short(content)),
        )
    })?;
    schema::validate(&value, schema).map_err(|why| {
        Error::new(
            ErrorKind::Invalid,
            format!("the answer does not match the schema: {why}"),
        )
    })?;
    Ok(value)
}

fn short(text: &str) -> String {
    let mut cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}
