//! Behaviour on the wire, the same for every platform: one reqwest client
//! (rustls, the system's roots plus an optional private authority),
//! connect and read timeouts, bounded retries with back-off for reads,
//! rate-limit pacing, and writes that are never retried blindly.
//!
//! # Retries
//!
//! * A **read** (GET, or a GraphQL query) is retried up to
//!   [`WireSettings::retries`] times after a 429, a 500/502/503/504, a
//!   timeout or a refused connection. The wait is the platform's own when it
//!   says one — `Retry-After` (seconds, possibly fractional: Shopify sends
//!   `2.0`), BigCommerce's `X-Rate-Limit-Time-Reset-Ms`, a throttled
//!   Shopify GraphQL answer's cost and restore rate — and otherwise a back-off
//!   that doubles from [`WireSettings::backoff`]; every wait is capped at
//!   [`WireSettings::max_backoff`].
//! * A **write** is retried only when the platform certainly did not act on
//!   it: a 429 (refused by the rate limiter before anything happened) or a
//!   connection that was never made. A timeout or a 5xx on a write is an
//!   error: the request may have been carried out, and only a lookup can
//!   tell (the adapters do that before a resend after a crash, see
//!   [`crate::Context::resend`]).
//!
//! # Pacing
//!
//! Shopify's `X-Shopify-Shop-Api-Call-Limit: used/size` and BigCommerce's
//! `X-Rate-Limit-Requests-Left` / `X-Rate-Limit-Time-Reset-Ms` are read on
//! every answer: a full bucket (Shopify) or no requests left (BigCommerce)
//! makes the next request to that platform wait (half a second, Shopify's
//! leak of two requests a second on the standard plan; the reset time,
//! BigCommerce), rather than earn a 429.
//!
//! # Credentials
//!
//! Headers carrying credentials are built by the platform modules from
//! values read from the environment, and go nowhere but the request: an
//! error message is built from the status and the platform's error body,
//! with every credential value replaced by `[redacted]` ([`Wire::redact`]).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Timeouts, retries and bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct WireSettings {
    /// How long to wait for a connection (TLS handshake included).
    pub connect_timeout: Duration,
    /// How long to wait for an answer once connected.
    pub read_timeout: Duration,
    /// Attempts after the first, for reads (and for writes the platform
    /// refused with 429 or never received).
    pub retries: u32,
    /// The first back-off; it doubles on each retry.
    pub backoff: Duration,
    /// The longest single wait, whatever a platform asks for.
    pub max_backoff: Duration,
    /// The most pages of one list followed (a list longer than
    /// `max_pages` × the page size is cut there, newest first kept).
    pub max_pages: u32,
    /// Records asked for per page (50; each platform caps it: Shopify 250,
    /// BigCommerce 250, Magento none).
    pub page_size: u32,
    /// A PEM file of extra certificate roots (a private authority's).
    pub ca_file: Option<std::path::PathBuf>,
}

impl WireSettings {
    /// The defaults: connect 3 s, read 8 s, 2 retries from 200 ms up to 4 s,
    /// 10 pages of 50.
    pub fn standard() -> WireSettings {
        WireSettings {
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(8),
            retries: 2,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(4),
            max_pages: 10,
            page_size: 50,
            ca_file: None,
        }
    }
}

/// What a request does to the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Changes nothing: retried freely within the bound.
    Read,
    /// Changes something: retried only when certainly not carried out.
    Write,
}

/// One HTTP request.
#[derive(Clone, Debug)]
pub struct Request {
    /// `GET`, `POST`, `PUT`.
    pub method: &'static str,
    /// The full URL.
    pub url: String,
    /// Headers, credentials included.
    pub headers: Vec<(&'static str, String)>,
    /// A JSON body.
    pub body: Option<serde_json::Value>,
    /// Read or write.
    pub kind: Kind,
    /// The platform, for pacing and messages (`shopify`, `magento`, …).
    pub platform: &'static str,
}

impl Request {
    /// A GET.
    pub fn get(platform: &'static str, url: String) -> Request {
        Request {
            method: "GET",
            url,
            headers: Vec::new(),
            body: None,
            kind: Kind::Read,
            platform,
        }
    }

    /// A request with a JSON body.
    pub fn send(
        platform: &'static str,
        method: &'static str,
        url: String,
        body: serde_json::Value,
        kind: Kind,
    ) -> Request {
        Request {
            method,
            url,
            headers: Vec::new(),
            body: Some(body),
            kind,
            platform,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: String) -> Request {
        self.headers.push((name, value));
        self
    }
}

/// An answer (any status).
#[derive(Clone, Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// Headers, names in lower case (the last value of a repeated name).
    pub headers: BTreeMap<String, String>,
    /// The body as text.
    pub body: String,
}

impl Reply {
    /// A header by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// The body as JSON (an empty body is `null`).
    pub fn json(&self) -> Result<serde_json::Value, String> {
        if self.body.trim().is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_str(&self.body).map_err(|error| format!("the answer is not JSON: {error}"))
    }
}

/// Why a request gave no usable answer.
#[derive(Clone, Debug, PartialEq)]
pub enum WireError {
    /// No answer in time (connect or read).
    Timeout,
    /// The platform answered with an error status.
    Status {
        /// The status.
        status: u16,
        /// What it said (redacted, cut to 300 characters).
        message: String,
    },
    /// No connection, or a broken one.
    Transport(String),
}

impl WireError {
    /// The error for a tool outcome, naming the platform.
    pub fn describe(&self, platform: &str) -> String {
        match self {
            WireError::Timeout => format!("{platform}: no answer in time"),
            WireError::Status { status, message } => {
                format!("{platform}: HTTP {status}: {message}")
            }
            WireError::Transport(message) => format!("{platform}: {message}"),
        }
    }
}

/// The HTTP client all adapters share.
pub struct Wire {
    client: reqwest::Client,
    settings: WireSettings,
    secrets: Vec<String>,
    /// Per platform, the earliest time the next request may go.
    not_before: Mutex<BTreeMap<&'static str, Instant>>,
}

impl std::fmt::Debug for Wire {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The credential values never reach a Debug print.
        formatter
            .debug_struct("Wire")
            .field("settings", &self.settings)
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Wire {
    /// A client with these settings; `secrets` are the credential values
    /// to keep out of every message.
    pub fn new(settings: WireSettings, secrets: Vec<String>) -> Result<Wire, String> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .read_timeout(settings.read_timeout)
            .timeout(settings.connect_timeout + settings.read_timeout)
            .user_agent(concat!("keel/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &settings.ca_file {
            let pem = std::fs::read(path)
                .map_err(|error| format!("cannot read the CA file {}: {error}", path.display()))?;
            let roots = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|error| format!("{} holds no PEM certificate: {error}", path.display()))?;
            builder = builder.tls_certs_merge(roots);
        }
        let client = builder
            .build()
            .map_err(|error| format!("cannot build the HTTP client: {error}"))?;
        let secrets = secrets
            .into_iter()
            .filter(|secret| secret.len() >= 4)
            .collect();
        Ok(Wire {
            client,
            settings,
            secrets,
            not_before: Mutex::new(BTreeMap::new()),
        })
    }

    /// The settings.
    pub fn settings(&self) -> &WireSettings {
        &self.settings
    }

    /// `text` with every credential value replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "[redacted]");
            }
        }
        text
    }

    /// Sends `request`, retrying as the module doc says; a 2xx answer is
    /// `Ok`, as is a 404 (the adapters decide what "not found" means).
    pub async fn send(&self, request: &Request) -> Result<Reply, WireError> {
        let mut attempt = 0;
        let mut backoff = self.settings.backoff;
        loop {
            self.pace(request.platform).await;
            let outcome = self.once(request).await;
            let retry = match &outcome {
                Ok(reply) if reply.status == 429 => Some(self.platform_wait(reply)),
                Ok(reply) if matches!(reply.status, 500 | 502 | 503 | 504) => {
                    (request.kind == Kind::Read).then_some(None)
                }
                Ok(reply) if is_throttled_graphql(reply) => Some(graphql_wait(reply)),
                Ok(_) => None,
                Err(Failure::Refused(_)) => Some(None),
                Err(Failure::Timeout | Failure::Broken(_)) => {
                    (request.kind == Kind::Read).then_some(None)
                }
            };
            match retry {
                Some(wait) if attempt < self.settings.retries => {
                    attempt += 1;
                    let wait = wait.unwrap_or(backoff).min(self.settings.max_backoff);
                    backoff = (backoff * 2).min(self.settings.max_backoff);
                    tokio::time::sleep(wait).await;
                }
                _ => return self.finish(outcome),
            }
        }
    }

    fn finish(&self, outcome: Result<Reply, Failure>) -> Result<Reply, WireError> {
        match outcome {
            Ok(reply) if (200..300).contains(&reply.status) || reply.status == 404 => Ok(reply),
            Ok(reply) => {
                let message: String = self.redact(reply.body.trim()).chars().take(300).collect();
                Err(WireError::Status {
                    status: reply.status,
                    message,
                })
            }
            Err(Failure::Timeout) => Err(WireError::Timeout),
            Err(Failure::Refused(message) | Failure::Broken(message)) => {
                Err(WireError::Transport(self.redact(&message)))
            }
        }
    }

    async fn once(&self, request: &Request) -> Result<Reply, Failure> {
        let method = match request.method {
            "POST" => reqwest::Method::POST,
            "PUT" => reqwest::Method::PUT,
            "DELETE" => reqwest::Method::DELETE,
            _ => reqwest::Method::GET,
        };
        let mut builder = self
            .client
            .request(method, &request.url)
            .header("Accept", "application/json");
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        let response = builder.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let mut headers = BTreeMap::new();
        for (name, value) in response.headers() {
            if let Ok(value) = value.to_str() {
                headers.insert(name.as_str().to_ascii_lowercase(), value.to_string());
            }
        }
        let body = response.text().await.map_err(classify)?;
        let reply = Reply {
            status,
            headers,
            body,
        };
        self.note_limits(request.platform, &reply);
        Ok(reply)
    }

    /// Waits until the platform's bucket allows the next request.
    async fn pace(&self, platform: &'static str) {
        let until = self
            .not_before
            .lock()
            .ok()
            .and_then(|map| map.get(platform).copied());
        if let Some(until) = until {
            let now = Instant::now();
            if until > now {
                tokio::time::sleep((until - now).min(self.settings.max_backoff)).await;
            }
        }
    }

    /// Reads Shopify's and BigCommerce's bucket headers.
    fn note_limits(&self, platform: &'static str, reply: &Reply) {
        let wait = pacing_wait(reply);
        if let (Some(wait), Ok(mut map)) = (wait, self.not_before.lock()) {
            map.insert(
                platform,
                Instant::now() + wait.min(self.settings.max_backoff),
            );
        }
    }

    /// The wait a 429 asks for, from the platform's headers.
    fn platform_wait(&self, reply: &Reply) -> Option<Duration> {
        if let Some(seconds) = reply
            .header("retry-after")
            .and_then(|value| value.trim().parse::<f64>().ok())
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        {
            return Some(Duration::from_secs_f64(seconds));
        }
        reply
            .header("x-rate-limit-time-reset-ms")
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
    }
}

/// How a request failed before an answer.
enum Failure {
    Timeout,
    /// The connection was never made: nothing reached the platform.
    Refused(String),
    /// The connection broke: the platform may have acted.
    Broken(String),
}

fn classify(error: reqwest::Error) -> Failure {
    if error.is_timeout() {
        Failure::Timeout
    } else if error.is_connect() {
        Failure::Refused(format!("cannot connect: {}", source_chain(&error)))
    } else {
        Failure::Broken(format!("the connection failed: {}", source_chain(&error)))
    }
}

/// The error and its causes, without the URL (which may carry a store's
/// name, never a credential, but is long).
fn source_chain(error: &reqwest::Error) -> String {
    let mut text = error.without_url_ref().to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        match self.url() {
            Some(url) => self.to_string().replace(url.as_str(), "…"),
            None => self.to_string(),
        }
    }
}

/// The wait Shopify's or BigCommerce's headers ask for before the next
/// request, if their bucket is exhausted.
pub fn pacing_wait(reply: &Reply) -> Option<Duration> {
    if let Some((used, size)) = reply
        .header("x-shopify-shop-api-call-limit")
        .and_then(|value| value.split_once('/'))
        .and_then(|(used, size)| {
            Some((
                used.trim().parse::<u32>().ok()?,
                size.trim().parse::<u32>().ok()?,
            ))
        })
    {
        // The bucket leaks two requests a second on the standard plan.
        return (used >= size).then_some(Duration::from_millis(500));
    }
    let left = reply
        .header("x-rate-limit-requests-left")
        .and_then(|value| value.trim().parse::<u32>().ok())?;
    let reset = reply
        .header("x-rate-limit-time-reset-ms")
        .and_then(|value| value.trim().parse::<u64>().ok())?;
    (left == 0).then_some(Duration::from_millis(reset))
}

/// A Shopify GraphQL answer refused for cost (HTTP 200 or 429).
fn is_throttled_graphql(reply: &Reply) -> bool {
    reply.status == 200
        && reply.body.contains("THROTTLED")
        && reply.json().is_ok_and(|json| {
            json["errors"].as_array().is_some_and(|errors| {
                errors
                    .iter()
                    .any(|error| error["extensions"]["code"] == "THROTTLED")
            })
        })
}

/// How long a throttled GraphQL query should wait: the points missing over
/// the restore rate.
fn graphql_wait(reply: &Reply) -> Option<Duration> {
    let json = reply.json().ok()?;
    let cost = &json["extensions"]["cost"];
    let requested = cost["requestedQueryCost"].as_f64()?;
    let available = cost["throttleStatus"]["currentlyAvailable"].as_f64()?;
    let rate = cost["throttleStatus"]["restoreRate"].as_f64()?;
    (rate > 0.0).then(|| Duration::from_secs_f64(((requested - available) / rate).max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(headers: &[(&str, &str)]) -> Reply {
        Reply {
            status: 200,
            headers: headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            body: String::new(),
        }
    }

    #[test]
    fn a_full_shopify_bucket_delays_the_next_request_by_one_leak() {
        let full = reply(&[("x-shopify-shop-api-call-limit", "40/40")]);
        assert_eq!(pacing_wait(&full), Some(Duration::from_millis(500)));
        let room = reply(&[("x-shopify-shop-api-call-limit", "39/40")]);
        assert_eq!(pacing_wait(&room), None);
    }

    #[test]
    fn no_bigcommerce_requests_left_delays_the_next_until_the_reset() {
        let spent = reply(&[
            ("x-rate-limit-requests-left", "0"),
            ("x-rate-limit-time-reset-ms", "1500"),
        ]);
        assert_eq!(pacing_wait(&spent), Some(Duration::from_millis(1500)));
        let left = reply(&[
            ("x-rate-limit-requests-left", "35"),
            ("x-rate-limit-time-reset-ms", "1500"),
        ]);
        assert_eq!(pacing_wait(&left), None);
    }
}
