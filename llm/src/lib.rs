//! keel's LLM boundary: the only crate that talks to a language model.
//!
//! What goes in and out:
//!
//! * [`Client`]: a [`Config`] (base URL, model, key, timeouts, retries) and a
//!   [`ChatRequest`] (messages plus a JSON schema) in; a [`Completion`] whose
//!   content parsed and matched the schema out, or an [`Error`];
//! * [`intent`]: a run-time [`keel_runtime::IntentQuestion`] in; a logged
//!   [`keel_runtime::Interpretation`] out, whose value is one of the node's
//!   options or `"unclear"` (failures too are `"unclear"`);
//! * [`extraction`]: the sentences the compiler's rules did not understand,
//!   the statement schema and the catalog in; lock-file entries out, each
//!   checked by the compiler before it is frozen;
//! * [`phrasing`]: a templated message in; the LLM's rewording out only if
//!   [`phrasing::guard`] finds every fact unchanged and nothing new, else the
//!   template, with the verdict.
//!
//! No LLM is configured by default ([`Config::from_env`] gives `None`), and
//! everything in keel works without one.

mod client;
mod config;
mod error;
pub mod extraction;
pub mod intent;
pub mod phrasing;
pub mod schema;

pub use client::{
    ChatRequest, Client, Completion, Message, Sampling, body, body_sampled, retry_wait,
};
pub use config::{
    Config, ENV_API_KEY, ENV_BASE_URL, ENV_CA_FILE, ENV_JSON_SCHEMA, ENV_MODEL, ENV_TIMEOUT,
};
pub use error::{Error, ErrorKind};
