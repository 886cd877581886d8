//! The backend: a backend file and the credentials it names, read once,
//! turned into one [`Backend`] that performs catalog tool calls by their
//! `adapter` (`magento.cancel` → [`crate::magento`]) and hands
//! conversations to a helpdesk ([`crate::helpdesk`]).

use crate::config::{BackendFile, PlatformConfig};
use crate::wire::{Reply, Request, Wire, WireError};
use keel_runtime::{Caller, Date, ToolCall, ToolOutcome, Value};
use std::collections::BTreeMap;

/// What a call needs besides its arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Context {
    /// The idempotency key of this call: the same whenever the same call
    /// of the same session is sent again.
    pub key: String,
    /// The call was sent before and no answer was recorded (a process died
    /// in between): a write the platform cannot deduplicate by key is
    /// looked up first, and sent again only if it did not happen.
    pub resend: bool,
    /// The customer's email, once the conversation has one.
    pub email: Option<String>,
    /// The session's date.
    pub today: Date,
}

impl Context {
    /// The context of a call made by `caller`'s session.
    pub fn of(caller: Caller<'_>, key: String, resend: bool) -> Context {
        let vars = caller.session.context(caller.machine);
        Context {
            key,
            resend,
            email: customer_email(&vars),
            today: caller.session.today(),
        }
    }
}

/// The customer's email among a session's variables: `email`, or the
/// `email` field of a record (the verified account).
pub fn customer_email(vars: &BTreeMap<String, Value>) -> Option<String> {
    if let Some(Value::Text(email)) = vars.get("email") {
        return Some(email.to_string());
    }
    vars.values().find_map(|value| match value.field("email") {
        Some(Value::Text(email)) => Some(email.to_string()),
        _ => None,
    })
}

/// Why an adapter gave no result.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The platform did not answer in time.
    Timeout,
    /// Anything else, said plainly (no credential in it).
    Error(String),
}

impl Failure {
    /// A failure from the wire, naming the platform.
    pub fn wire(platform: &str, error: &WireError) -> Failure {
        match error {
            WireError::Timeout => Failure::Timeout,
            other => Failure::Error(other.describe(platform)),
        }
    }

    /// As a tool outcome.
    pub fn outcome(self) -> ToolOutcome {
        match self {
            Failure::Timeout => ToolOutcome::Timeout,
            Failure::Error(message) => ToolOutcome::Error(message),
        }
    }
}

/// An adapter's result.
pub type Outcome = Result<serde_json::Value, Failure>;

/// One platform, ready to call: its place and its credentials.
#[derive(Clone)]
pub struct Platform {
    /// Its configuration.
    pub config: PlatformConfig,
    /// The token (or API key), from the environment.
    token: String,
    /// The user (Gorgias, Zendesk), from the environment.
    user: Option<String>,
}

impl std::fmt::Debug for Platform {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials never reach a Debug print, and so never a log.
        formatter
            .debug_struct("Platform")
            .field("config", &self.config)
            .field("token", &"[redacted]")
            .finish()
    }
}

impl Platform {
    /// The token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The user, or an empty string.
    pub fn user(&self) -> &str {
        self.user.as_deref().unwrap_or_default()
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.url)
    }
}

/// The configured platforms and the wire they share.
#[derive(Debug)]
pub struct Backend {
    file: BackendFile,
    platforms: BTreeMap<String, Platform>,
    wire: Wire,
}

impl Backend {
    /// The backend of `file`, with credentials read through `env` (pass
    /// `|name| std::env::var(name).ok()`); a variable the file names but
    /// the environment lacks is an error naming the variable.
    pub fn new(file: BackendFile, env: impl Fn(&str) -> Option<String>) -> Result<Backend, String> {
        let mut platforms = BTreeMap::new();
        let mut secrets = Vec::new();
        for (name, config) in &file.platforms {
            let read = |variable: &str| {
                env(variable)
                    .filter(|value| !value.trim().is_empty())
                    .ok_or_else(|| {
                        format!(
                            "[platforms.{name}] names the environment variable {variable}, which is not set"
                        )
                    })
            };
            let token = read(&config.token_env)?;
            let user = match &config.user_env {
                Some(variable) => Some(read(variable)?),
                None => None,
            };
            secrets.push(token.clone());
            platforms.insert(
                name.clone(),
                Platform {
                    config: config.clone(),
                    token,
                    user,
                },
            );
        }
        let wire = Wire::new(file.wire.clone(), secrets)?;
        Ok(Backend {
            file,
            platforms,
            wire,
        })
    }

    /// The backend file.
    pub fn file(&self) -> &BackendFile {
        &self.file
    }

    /// The wire.
    pub fn wire(&self) -> &Wire {
        &self.wire
    }

    /// A configured platform.
    pub fn platform(&self, name: &str) -> Result<&Platform, Failure> {
        self.platforms.get(name).ok_or_else(|| {
            Failure::Error(format!(
                "the backend file has no [platforms.{name}] for this call"
            ))
        })
    }

    /// Whether `platform` is configured.
    pub fn has(&self, platform: &str) -> bool {
        self.platforms.contains_key(platform)
    }

    /// Sends a request, turning wire failures into [`Failure`]s.
    pub async fn send(&self, request: &Request) -> Result<Reply, Failure> {
        self.wire
            .send(request)
            .await
            .map_err(|error| Failure::wire(request.platform, &error))
    }

    /// Performs a catalog call by its adapter.
    pub async fn call(&self, call: &ToolCall, context: &Context) -> ToolOutcome {
        let Some(adapter) = call.adapter.as_deref() else {
            return ToolOutcome::Error(format!(
                "@{} names no adapter; a backend file serves adapter tools only",
                call.tool
            ));
        };
        let (platform, operation) = adapter.split_once('.').unwrap_or((adapter, ""));
        let outcome = match platform {
            "magento" => crate::magento::call(self, operation, call, context).await,
            "shopify" => crate::shopify::call(self, operation, call, context).await,
            "bigcommerce" => crate::bigcommerce::call(self, operation, call, context).await,
            "gorgias" | "kustomer" | "zendesk" => {
                crate::helpdesk::call(self, platform, operation, call, context).await
            }
            _ => Err(Failure::Error(format!(
                "keel has no adapter `{adapter}` (for @{})",
                call.tool
            ))),
        };
        match outcome {
            Ok(json) => ToolOutcome::Ok(Value::from_json(&json)),
            Err(failure) => failure.outcome(),
        }
    }

    /// Puts every test double back to its seed, when the backend file
    /// points at doubles (`[doubles] reset_url`); otherwise nothing.
    pub async fn reset_doubles(&self) -> Result<(), String> {
        let Some(url) = &self.file.reset_url else {
            return Ok(());
        };
        let request = Request::send(
            "doubles",
            "POST",
            url.clone(),
            serde_json::json!({}),
            crate::wire::Kind::Write,
        );
        self.wire
            .send(&request)
            .await
            .map(|_| ())
            .map_err(|error| error.describe("doubles"))
    }
}

/// A text argument (numbers as text).
pub(crate) fn text_arg(call: &ToolCall, name: &str) -> Result<String, Failure> {
    match call.args.get(name) {
        Some(Value::Text(text)) => Ok(text.trim().to_string()),
        Some(Value::Number(number)) => Ok(format!("{number}")),
        _ => Err(Failure::Error(format!(
            "@{}: the `{name}` argument is missing",
            call.tool
        ))),
    }
}

/// A number argument (`10`, `"10"`, `"10%"`).
pub(crate) fn number_arg(call: &ToolCall, name: &str) -> Result<f64, Failure> {
    match call.args.get(name) {
        Some(Value::Number(number)) => Ok(*number),
        Some(Value::Text(text)) => text
            .trim()
            .trim_end_matches('%')
            .parse()
            .map_err(|_| Failure::Error(format!("@{}: `{name}` is not a number", call.tool))),
        _ => Err(Failure::Error(format!(
            "@{}: the `{name}` argument is missing",
            call.tool
        ))),
    }
}

/// The JSON body of a 2xx answer; a 404 is `None`.
pub(crate) fn json_or_absent(
    platform: &str,
    reply: &Reply,
) -> Result<Option<serde_json::Value>, Failure> {
    if reply.status == 404 {
        return Ok(None);
    }
    reply
        .json()
        .map(Some)
        .map_err(|error| Failure::Error(format!("{platform}: {error}")))
}

/// The JSON body of a 2xx answer; a 404 is an error naming `what`.
pub(crate) fn json_of(
    platform: &str,
    reply: &Reply,
    what: &str,
) -> Result<serde_json::Value, Failure> {
    json_or_absent(platform, reply)?
        .ok_or_else(|| Failure::Error(format!("{platform}: {what} not found (HTTP 404)")))
}
