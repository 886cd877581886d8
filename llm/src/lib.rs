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
//! * [`extraction`]: a sentence the compiler's rules do not read, with the
//!   shapes they read, the catalog and the steps around it, in; its rewrite
//!   in keel's reference phrasing out, frozen in the lock file only if the
//!   compiler accepts it (the rules read it, nothing named is new, no
//!   condition is lost);
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
