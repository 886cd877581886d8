//! Where the LLM is and how long to wait for it: [`Config`], read from the
//! command line or the environment. No LLM configured is the default.

use crate::error::{Error, ErrorKind};
use std::time::Duration;

/// How to reach an OpenAI-compatible chat-completions server.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The API's base URL, up to and including `/v1`
    /// (`http://127.0.0.1:8089/v1`, `https://api.openai.com/v1`).
    pub base_url: String,
    /// The model name sent with each request; it is also part of every
    /// lock-file key.
    pub model: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub api_key: Option<String>,
    /// Per-request timeout (connect and answer).
    pub timeout: Duration,
    /// Attempts after the first on 429 and 5xx answers and refused connections.
    pub retries: u32,
    /// The first back-off; it doubles each retry (a 429's `Retry-After`
    /// wins, up to [`Config::max_backoff`]).
    pub backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
    /// Send the schema as `response_format` (structured output). Servers
    /// without it get the schema in the system message instead; the
    /// answer is validated against it either way.
    pub json_schema: bool,
    /// Extra certificate roots (a PEM file) trusted besides the system's,
    /// for an `https://` endpoint whose certificate a private CA signed.
    pub ca_file: Option<std::path::PathBuf>,
}

/// The environment variables [`Config::from_env`] reads.
pub const ENV_BASE_URL: &str = "KEEL_LLM_BASE_URL";
/// The model name.
pub const ENV_MODEL: &str = "KEEL_LLM_MODEL";
/// The API key (`OPENAI_API_KEY` is read when this is unset).
pub const ENV_API_KEY: &str = "KEEL_LLM_API_KEY";
/// The per-request timeout in seconds.
pub const ENV_TIMEOUT: &str = "KEEL_LLM_TIMEOUT_SECS";
/// `0` for servers without `response_format` JSON schemas.
pub const ENV_JSON_SCHEMA: &str = "KEEL_LLM_JSON_SCHEMA";
/// A PEM file of extra certificate roots (a private CA's).
pub const ENV_CA_FILE: &str = "KEEL_LLM_CA_FILE";

impl Config {
    /// A configuration with the default timeout (60 s, what a small model
    /// on a loaded 2-core machine may need), two retries and 500 ms back-off.
    pub fn new(base_url: &str, model: &str) -> Config {
        Config {
            base_url: base_url.trim_end_matches('/').to_string(),
            model: model.to_string(),
            api_key: None,
            timeout: Duration::from_secs(60),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            json_schema: true,
            ca_file: None,
        }
    }

    /// Reads the configuration through `var` (pass `|name| std::env::var(name).ok()`).
    /// `Ok(None)` when no base URL is set: no LLM, the default.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<Config>, Error> {
        let Some(base_url) = var(ENV_BASE_URL).filter(|url| !url.trim().is_empty()) else {
            return Ok(None);
        };
        let model = var(ENV_MODEL)
            .filter(|model| !model.trim().is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    format!("{ENV_BASE_URL} is set but {ENV_MODEL} is not: name the model"),
                )
            })?;
        let mut config = Config::new(base_url.trim(), model.trim());
        config.api_key = var(ENV_API_KEY)
            .or_else(|| var("OPENAI_API_KEY"))
            .filter(|key| !key.is_empty());
        if let Some(seconds) = var(ENV_TIMEOUT) {
            let seconds: f64 = seconds.trim().parse().map_err(|_| {
                Error::new(
                    ErrorKind::Config,
                    format!("{ENV_TIMEOUT} must be a number of seconds, not `{seconds}`"),
                )
            })?;
            if !(seconds.is_finite() && seconds > 0.0) {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("{ENV_TIMEOUT} must be positive"),
                ));
            }
            config.timeout = Duration::from_secs_f64(seconds);
        }
        if let Some(flag) = var(ENV_JSON_SCHEMA) {
            config.json_schema = match flag.trim() {
                "1" | "true" | "on" => true,
                "0" | "false" | "off" => false,
                other => {
                    return Err(Error::new(
                        ErrorKind::Config,
                        format!("{ENV_JSON_SCHEMA} must be 0 or 1, not `{other}`"),
                    ));
                }
            };
        }
        config.ca_file = var(ENV_CA_FILE)
            .filter(|path| !path.trim().is_empty())
            .map(std::path::PathBuf::from);
        Ok(Some(config))
    }

    /// The chat-completions endpoint.
    pub fn endpoint(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }
}
