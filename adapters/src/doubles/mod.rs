//! Wire-faithful test doubles: loopback servers (axum, optionally over TLS)
//! that speak each platform's real paths, headers, JSON wrappers,
//! pagination, errors and quirks (`../shared/reference/platform-apis.md`
//! §6), seeded from the embedded demo store's customers and orders.
//!
//! [`start`] runs one server per platform and [`Running::backend_file`]
//! writes the backend file that points at them. Each double checks its
//! platform's credentials (generated per run: [`Running::credentials`]),
//! sends its rate-limit headers on every answer, and keeps:
//!
//! * a **journal** of every request and of every ticket made, which
//!   survives [`reset`](Running) (`GET /__doubles/journal`);
//! * **faults** a test queues (`POST /__doubles/faults`): an answer given
//!   instead of the real one (a 429 with `Retry-After`, a 503), or the real
//!   answer held back for a while after the work is done (to kill a client
//!   mid-call);
//! * **reset** (`POST /__doubles/reset`): the seed again, faults and
//!   idempotency keys forgotten.
//!
//! The control routes live under `/__doubles/` on every double's port.
//! Per platform: [`shopify`], [`bigcommerce`] (with AfterShip),
//! [`magento`], [`helpdesks`] (Gorgias, Kustomer, Zendesk).

pub mod bigcommerce;
pub mod helpdesks;
pub mod magento;
mod seed;
pub mod shopify;

use crate::tls::Identity;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use keel_runtime::Date;
use seed::Seed;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Every platform a double exists for, in the order servers start.
pub const PLATFORMS: &[&str] = &[
    "shopify",
    "bigcommerce",
    "aftership",
    "magento",
    "gorgias",
    "kustomer",
    "zendesk",
];

/// The path each double serves its API under.
pub fn prefix(platform: &str) -> &'static str {
    match platform {
        "shopify" => "/admin/api/2024-07",
        "bigcommerce" => "/stores/keel0001",
        "aftership" => "/tracking/2024-04",
        "magento" => "/rest/default",
        _ => "",
    }
}

/// The environment variables of each platform's credentials: (platform,
/// token variable, user variable).
pub const CREDENTIALS: &[(&str, &str, Option<&str>)] = &[
    ("aftership", "AFTERSHIP_API_KEY", None),
    ("bigcommerce", "BIGCOMMERCE_ACCESS_TOKEN", None),
    ("gorgias", "GORGIAS_API_KEY", Some("GORGIAS_USER")),
    ("kustomer", "KUSTOMER_API_KEY", None),
    ("magento", "MAGENTO_ACCESS_TOKEN", None),
    ("shopify", "SHOPIFY_ADMIN_TOKEN", None),
    ("zendesk", "ZENDESK_API_TOKEN", Some("ZENDESK_EMAIL")),
];

/// What to start.
#[derive(Clone, Debug)]
pub struct Options {
    /// Platforms, from [`PLATFORMS`] (AfterShip comes with BigCommerce).
    pub platforms: Vec<String>,
    /// The address to listen on; each double gets a port of its own.
    pub host: IpAddr,
    /// The first port; 0 for any free ones.
    pub port: u16,
    /// The date the demo store's `today±N` dates resolve against.
    pub today: Date,
    /// Serve HTTPS with a certificate from a fresh authority.
    pub tls: bool,
}

/// One request as a double sees it.
#[derive(Clone, Debug)]
pub struct Req {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path under the platform's prefix.
    pub path: String,
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Headers, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body as JSON (`null` when empty or not JSON).
    pub body: Json,
}

impl Req {
    /// The first query value of `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// A double's answer.
#[derive(Clone, Debug, Default)]
pub struct Resp {
    /// The status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// The body (`None`: empty).
    pub body: Option<String>,
}

impl Resp {
    /// A JSON answer.
    pub fn json(status: u16, body: &Json) -> Resp {
        Resp {
            status,
            headers: vec![("content-type".to_string(), "application/json".to_string())],
            body: Some(body.to_string()),
        }
    }

    /// An empty answer (BigCommerce's 204).
    pub fn empty(status: u16) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header.
    pub fn with(mut self, name: &str, value: String) -> Resp {
        self.headers.push((name.to_string(), value));
        self
    }
}

/// One request in the journal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// The platform.
    pub platform: String,
    /// The method.
    pub method: String,
    /// The path (under the prefix) and query.
    pub path: String,
    /// The status answered.
    pub status: u16,
}

/// A ticket, conversation or message a helpdesk double made.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TicketRecord {
    /// The helpdesk.
    pub helpdesk: String,
    /// Its id.
    pub id: String,
    /// The external id (the idempotency key keel sent).
    pub external_id: String,
    /// The customer's email, if any.
    pub customer: Option<String>,
    /// The subject.
    pub subject: String,
    /// All the text it holds (messages, comments, notes).
    pub text: String,
    /// Its tags.
    pub tags: Vec<String>,
}

/// What the doubles saw, kept across resets.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Journal {
    /// Every request, in order.
    pub requests: Vec<Entry>,
    /// Every ticket made.
    pub tickets: Vec<TicketRecord>,
    /// State changes carried out, by `platform operation` (a repeat
    /// answered from an idempotency key, or refused, is not counted).
    pub executions: BTreeMap<String, u32>,
}

impl Journal {
    /// Counts one state change.
    pub fn executed(&mut self, platform: &str, operation: &str) {
        *self
            .executions
            .entry(format!("{platform} {operation}"))
            .or_default() += 1;
    }
}

/// A fault a test queues.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    /// The platform.
    pub platform: String,
    /// The method (any if unset).
    #[serde(default)]
    pub method: Option<String>,
    /// A part of the path it applies to.
    #[serde(default)]
    pub path: String,
    /// Answer this status instead (nothing is carried out).
    #[serde(default)]
    pub status: Option<u16>,
    /// Headers of that answer.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Body of that answer.
    #[serde(default)]
    pub body: Option<String>,
    /// Carry the request out, then hold the answer this long.
    #[serde(default)]
    pub hold_ms: Option<u64>,
    /// How many requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

/// Every platform's data and the journal.
#[derive(Debug)]
pub struct State {
    /// Shopify.
    pub shopify: shopify::Store,
    /// BigCommerce and AfterShip.
    pub bigcommerce: bigcommerce::Store,
    /// Magento.
    pub magento: magento::Store,
    /// Gorgias, Kustomer, Zendesk.
    pub helpdesks: helpdesks::Store,
    /// What was seen.
    pub journal: Journal,
    faults: Vec<Fault>,
    buckets: BTreeMap<String, (f64, Instant)>,
    /// Each double's base URL, for the links it writes.
    pub bases: BTreeMap<String, String>,
}

impl State {
    fn seeded(seed: &Seed, journal: Journal) -> State {
        State {
            shopify: shopify::Store::seed(seed),
            bigcommerce: bigcommerce::Store::seed(seed),
            magento: magento::Store::seed(seed),
            helpdesks: helpdesks::Store::default(),
            journal,
            faults: Vec::new(),
            buckets: BTreeMap::new(),
            bases: BTreeMap::new(),
        }
    }

    /// Counts a request into a platform's leaky bucket (size, leak per
    /// second); the level after it.
    fn bucket(&mut self, platform: &str, leak: f64) -> f64 {
        let now = Instant::now();
        let (level, since) = self
            .buckets
            .entry(platform.to_string())
            .or_insert((0.0, now));
        let leaked = now.duration_since(*since).as_secs_f64() * leak;
        *level = (*level - leaked).max(0.0) + 1.0;
        *since = now;
        *level
    }
}

/// The credentials the doubles accept, generated per run.
#[derive(Clone, Debug)]
pub struct Tokens {
    values: BTreeMap<&'static str, String>,
}

impl Tokens {
    fn generate() -> Result<Tokens, String> {
        let mut values = BTreeMap::new();
        for (platform, token, user) in CREDENTIALS {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes).map_err(|error| format!("no randomness: {error}"))?;
            let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
            values.insert(*token, format!("{platform}-test-{hex}"));
            if let Some(user) = user {
                values.insert(*user, format!("keel-bot@{platform}.example"));
            }
        }
        Ok(Tokens { values })
    }

    /// The value of a credential variable.
    pub fn get(&self, variable: &str) -> &str {
        self.values.get(variable).map_or("", String::as_str)
    }
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    seed: Seed,
    tokens: Tokens,
}

/// Running doubles.
#[derive(Debug)]
pub struct Running {
    /// Each platform's base URL (with its prefix).
    pub bases: BTreeMap<String, String>,
    /// The authority clients must trust, when serving TLS.
    pub ca_pem: Option<String>,
    shared: Arc<Shared>,
}

/// Starts the doubles on the current tokio runtime.
pub async fn start(options: &Options) -> Result<Running, String> {
    let mut platforms: Vec<&'static str> = Vec::new();
    for name in &options.platforms {
        let Some(platform) = PLATFORMS.iter().copied().find(|known| *known == name) else {
            return Err(format!(
                "no double for `{name}` (known: {})",
                PLATFORMS.join(", ")
            ));
        };
        platforms.push(platform);
        if platform == "bigcommerce" && !options.platforms.iter().any(|name| name == "aftership") {
            platforms.push("aftership");
        }
    }
    platforms.sort_by_key(|platform| PLATFORMS.iter().position(|known| known == platform));
    platforms.dedup();
    let seed = Seed::demo(options.today)?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State::seeded(&seed, Journal::default())),
        seed,
        tokens: Tokens::generate()?,
    });
    let identity = if options.tls {
        Some(Identity::loopback()?)
    } else {
        None
    };
    let scheme = if options.tls { "https" } else { "http" };
    let mut bases = BTreeMap::new();
    for (index, platform) in platforms.iter().enumerate() {
        let port = if options.port == 0 {
            0
        } else {
            options.port.saturating_add(index as u16)
        };
        let listener = tokio::net::TcpListener::bind((options.host, port))
            .await
            .map_err(|error| format!("cannot listen on {}:{port}: {error}", options.host))?;
        let address = listener
            .local_addr()
            .map_err(|error| format!("no local address: {error}"))?;
        let router = Router::new()
            .fallback(answer)
            .with_state((Arc::clone(&shared), *platform));
        match &identity {
            Some(identity) => {
                let identity = identity.clone();
                tokio::spawn(async move {
                    let _ = crate::tls::serve_tls(listener, router, &identity).await;
                });
            }
            None => {
                tokio::spawn(async move {
                    let _ = axum::serve(listener, router).await;
                });
            }
        }
        bases.insert(
            platform.to_string(),
            format!("{scheme}://{address}{}", prefix(platform)),
        );
    }
    if let Ok(mut state) = shared.state.lock() {
        state.bases = bases.clone();
    }
    Ok(Running {
        bases,
        ca_pem: identity.map(|identity| identity.ca_pem),
        shared,
    })
}

impl Running {
    /// `(variable, value)` for every credential the doubles accept.
    pub fn credentials(&self) -> Vec<(String, String)> {
        self.shared
            .tokens
            .values
            .iter()
            .map(|(name, value)| (name.to_string(), value.clone()))
            .collect()
    }

    /// The control URL (`…/__doubles`) of the first double.
    pub fn control(&self) -> Option<String> {
        self.bases.iter().next().map(|(platform, base)| {
            format!("{}/__doubles", base.trim_end_matches(prefix(platform)))
        })
    }

    /// The backend file pointing at these doubles; `ca_file` names the
    /// authority's PEM when they serve TLS. Waits are short (loopback).
    pub fn backend_file(&self, ca_file: Option<&str>) -> String {
        let mut text =
            String::from("# Written by `keel doubles`: loopback doubles of the platforms below.\n");
        text.push_str("[wire]\nconnect_timeout_ms = 2000\nread_timeout_ms = 5000\nretries = 2\nbackoff_ms = 20\nmax_backoff_ms = 2500\nmax_pages = 10\n");
        if let Some(ca_file) = ca_file {
            text.push_str(&format!("ca_file = {}\n", toml_string(ca_file)));
        }
        for (platform, base) in &self.bases {
            let Some((_, token, user)) = CREDENTIALS.iter().find(|(name, _, _)| name == platform)
            else {
                continue;
            };
            text.push_str(&format!(
                "\n[platforms.{platform}]\nurl = {}\ntoken_env = {}\n",
                toml_string(base),
                toml_string(token)
            ));
            if let Some(user) = user {
                text.push_str(&format!("user_env = {}\n", toml_string(user)));
            }
            if platform == "bigcommerce" && self.bases.contains_key("aftership") {
                text.push_str("tracking = \"aftership\"\n");
            }
        }
        let helpdesk = ["zendesk", "gorgias", "kustomer"]
            .into_iter()
            .find(|name| self.bases.contains_key(*name));
        if let Some(helpdesk) = helpdesk {
            text.push_str(&format!("\n[handoff]\nhelpdesk = \"{helpdesk}\"\n"));
            if self.bases.contains_key("kustomer") {
                text.push_str("\n[handoff.kustomer_tags]\n");
                for (name, id) in helpdesks::KUSTOMER_TAGS {
                    text.push_str(&format!("{name} = {}\n", toml_string(id)));
                }
            }
        }
        if let Some(control) = self.control() {
            text.push_str(&format!(
                "\n[doubles]\nreset_url = {}\n",
                toml_string(&format!("{control}/reset"))
            ));
        }
        text
    }

    /// A copy of the journal.
    pub fn journal(&self) -> Journal {
        self.shared
            .state
            .lock()
            .map(|state| state.journal.clone())
            .unwrap_or_default()
    }
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

async fn answer(
    AxumState((shared, platform)): AxumState<(Arc<Shared>, &'static str)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query: Vec<(String, String)> = uri
        .query()
        .map(|query| {
            reqwest::Url::parse(&format!("http://double/?{query}"))
                .map(|url| {
                    url.query_pairs()
                        .map(|(key, value)| (key.to_string(), value.to_string()))
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let body: Json = serde_json::from_slice(&body).unwrap_or(Json::Null);
    if let Some(control) = path.strip_prefix("/__doubles/") {
        return respond(self::control(&shared, method.as_str(), control, &body));
    }
    let Some(rest) = path.strip_prefix(prefix(platform)) else {
        return respond(Resp::json(404, &json!({"errors": "Not Found"})));
    };
    let request = Req {
        method: method.as_str().to_string(),
        path: rest.to_string(),
        query,
        headers: headers
            .iter()
            .filter_map(|(name, value)| {
                Some((
                    name.as_str().to_ascii_lowercase(),
                    value.to_str().ok()?.to_string(),
                ))
            })
            .collect(),
        body,
    };
    let (response, hold) = {
        let Ok(mut state) = shared.state.lock() else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let fault = take_fault(&mut state, platform, &request);
        let (response, hold) = match fault {
            Some(Fault {
                status: Some(status),
                headers,
                body,
                ..
            }) => {
                let mut response = Resp {
                    status,
                    headers: headers.into_iter().collect(),
                    body,
                };
                if !response
                    .headers
                    .iter()
                    .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                {
                    response
                        .headers
                        .push(("content-type".to_string(), "application/json".to_string()));
                }
                (response, None)
            }
            fault => {
                let response = handle(&mut state, &shared.tokens, platform, &request);
                (response, fault.and_then(|fault| fault.hold_ms))
            }
        };
        let limited = rate_headers(&mut state, platform, response);
        let mut path = request.path.clone();
        if let Some(query) = uri.query() {
            path.push('?');
            path.push_str(query);
        }
        state.journal.requests.push(Entry {
            platform: platform.to_string(),
            method: request.method.clone(),
            path,
            status: limited.status,
        });
        (limited, hold)
    };
    if let Some(hold) = hold {
        tokio::time::sleep(Duration::from_millis(hold)).await;
    }
    respond(response)
}

fn take_fault(state: &mut State, platform: &str, request: &Req) -> Option<Fault> {
    let position = state.faults.iter().position(|fault| {
        fault.platform == platform
            && fault
                .method
                .as_deref()
                .is_none_or(|method| method.eq_ignore_ascii_case(&request.method))
            && request.path.contains(&fault.path)
    })?;
    let fault = state.faults.get_mut(position)?;
    fault.times = fault.times.saturating_sub(1);
    let taken = fault.clone();
    if fault.times == 0 {
        state.faults.remove(position);
    }
    Some(taken)
}

fn handle(state: &mut State, tokens: &Tokens, platform: &str, request: &Req) -> Resp {
    match platform {
        "shopify" => shopify::handle(state, tokens, request),
        "bigcommerce" => bigcommerce::handle(state, tokens, request),
        "aftership" => bigcommerce::handle_aftership(state, tokens, request),
        "magento" => magento::handle(state, tokens, request),
        helpdesk => helpdesks::handle(state, tokens, helpdesk, request),
    }
}

/// Each platform's rate-limit headers; a full bucket answers 429.
fn rate_headers(state: &mut State, platform: &str, response: Resp) -> Resp {
    match platform {
        "shopify" => {
            // Standard plan: 40 requests, leaking 2 a second.
            let level = state.bucket(platform, 2.0);
            if level > 40.0 {
                return Resp::json(429, &json!({"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}))
                    .with("Retry-After", "2.0".to_string())
                    .with("X-Shopify-Shop-Api-Call-Limit", "40/40".to_string());
            }
            response
                .with(
                    "X-Shopify-Shop-Api-Call-Limit",
                    format!("{}/40", level.ceil() as u32),
                )
                .with(
                    "X-Request-Id",
                    format!("keel-double-{}", state.journal.requests.len()),
                )
        }
        "bigcommerce" => {
            // 150 requests a 30-second window.
            let level = state.bucket(platform, 5.0);
            let left = (150.0 - level).max(0.0) as u32;
            if level > 150.0 {
                return Resp::empty(429)
                    .with("X-Rate-Limit-Time-Window-Ms", "30000".to_string())
                    .with("X-Rate-Limit-Time-Reset-Ms", "1000".to_string())
                    .with("X-Rate-Limit-Requests-Quota", "150".to_string())
                    .with("X-Rate-Limit-Requests-Left", "0".to_string());
            }
            response
                .with("X-Rate-Limit-Time-Window-Ms", "30000".to_string())
                .with("X-Rate-Limit-Time-Reset-Ms", "15000".to_string())
                .with("X-Rate-Limit-Requests-Quota", "150".to_string())
                .with("X-Rate-Limit-Requests-Left", left.to_string())
        }
        "gorgias" => {
            let level = state.bucket(platform, 2.0);
            response.with(
                "X-Gorgias-Account-Api-Call-Limit",
                format!("{}/40", level.ceil() as u32),
            )
        }
        "kustomer" => {
            let level = state.bucket(platform, 500.0 / 60.0);
            response
                .with("x-ratelimit-limit", "500".to_string())
                .with(
                    "x-ratelimit-remaining",
                    format!("{}", (500.0 - level).max(0.0) as u32),
                )
                .with("x-ratelimit-reset", "60".to_string())
        }
        "zendesk" => {
            let level = state.bucket(platform, 700.0 / 60.0);
            response.with("X-Rate-Limit", "700".to_string()).with(
                "X-Rate-Limit-Remaining",
                format!("{}", (700.0 - level).max(0.0) as u32),
            )
        }
        _ => response,
    }
}

fn control(shared: &Shared, method: &str, path: &str, body: &Json) -> Resp {
    let Ok(mut state) = shared.state.lock() else {
        return Resp::json(500, &json!({"error": "the doubles' state is poisoned"}));
    };
    match (method, path) {
        ("POST", "reset") => {
            let journal = std::mem::take(&mut state.journal);
            let bases = std::mem::take(&mut state.bases);
            *state = State::seeded(&shared.seed, journal);
            state.bases = bases;
            Resp::json(200, &json!({"reset": true}))
        }
        ("GET", "journal") => Resp::json(
            200,
            &serde_json::to_value(&state.journal).unwrap_or_default(),
        ),
        ("POST", "faults") => match serde_json::from_value::<Vec<Fault>>(body.clone()) {
            Ok(faults) => {
                let count = faults.len();
                state.faults.extend(faults);
                Resp::json(200, &json!({"queued": count}))
            }
            Err(error) => Resp::json(400, &json!({"error": error.to_string()})),
        },
        _ => Resp::json(404, &json!({"error": "no such control route"})),
    }
}

fn respond(response: Resp) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut built = (status, response.body.unwrap_or_default()).into_response();
    for (name, value) in response.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            built.headers_mut().insert(name, value);
        }
    }
    built
}

/// 401 unless the request carries `expected` in `header` (compared whole).
pub fn check_auth(request: &Req, header: &str, expected: &str) -> bool {
    !expected.is_empty() && request.header(header) == Some(expected)
}

/// Whether a JSON id (a number or a string) is `id`.
pub fn is_id(value: &Json, id: &str) -> bool {
    match value {
        Json::Number(number) => number.to_string() == id,
        Json::String(text) => text == id,
        _ => false,
    }
}
