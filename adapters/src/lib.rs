//! keel's platform adapters and their wire-faithful test doubles.
//!
//! # Steps
//!
//! * [`BackendFile::read`]: a backend file (TOML) → which platforms, where,
//!   which environment variables hold their credentials, where hand-offs go;
//! * [`Backend::new`]: the file + the environment → one HTTP client over
//!   rustls ([`wire`]: timeouts, bounded retries, rate limits) and the
//!   credentials, kept out of every message;
//! * [`Backend::call`]: a catalog tool call, by its `adapter`
//!   (`shopify.order`, `magento.cancel`, …) → the platform's calls → a
//!   value of the catalog's type, the platform's own values mapped onto the
//!   catalog's enum domains by one table per platform ([`shopify`],
//!   [`bigcommerce`], [`magento`]);
//! * [`Backend::hand_off`]: a hand-off, the context and the transcript → a
//!   ticket in Gorgias, Kustomer or Zendesk ([`helpdesk`]);
//! * [`Executor`]: a backend as the runtime's [`keel_runtime::ToolExecutor`]
//!   and [`keel_runtime::BlockingTools`], for `keel chat|run|test`.

mod backend;
pub mod bigcommerce;
mod config;
pub mod doubles;
mod executor;
pub mod fields;
pub mod helpdesk;
pub mod magento;
pub mod shopify;
pub mod tls;
pub mod wire;

pub use backend::{Backend, Context, Failure, Outcome, Platform, customer_email};
pub use config::{BackendFile, HELPDESKS, HandoffConfig, PLATFORMS, PlatformConfig};
pub use executor::{Executor, idempotency_key, transcript};
pub use helpdesk::{Created, Ticket, helpdesk_for};
