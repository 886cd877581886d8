//! The backend file: which platforms keel talks to, where, with which
//! credentials (named, never written: each `*_env` key names an
//! environment variable), how hand-offs reach a helpdesk, and the wire's
//! timeouts and bounds.
//!
//! ```toml
//! [platforms.shopify]
//! url = "https://acme.myshopify.com/admin/api/2024-07"
//! token_env = "SHOPIFY_ADMIN_TOKEN"
//!
//! [platforms.bigcommerce]
//! url = "https://api.bigcommerce.com/stores/abc123"
//! token_env = "BIGCOMMERCE_ACCESS_TOKEN"
//! tracking = "aftership"          # carrier progress and ETA (optional)
//!
//! [platforms.aftership]
//! url = "https://api.aftership.com/tracking/2024-04"
//! token_env = "AFTERSHIP_API_KEY"
//!
//! [platforms.magento]
//! url = "https://shop.example.com/rest/default"
//! token_env = "MAGENTO_ACCESS_TOKEN"
//!
//! [platforms.gorgias]
//! url = "https://acme.gorgias.com"
//! user_env = "GORGIAS_USER"       # the API user's email (HTTP Basic)
//! token_env = "GORGIAS_API_KEY"
//!
//! [platforms.kustomer]
//! url = "https://api.kustomerapp.com"
//! token_env = "KUSTOMER_API_KEY"
//!
//! [platforms.zendesk]
//! url = "https://acme.zendesk.com"
//! user_env = "ZENDESK_EMAIL"      # `{email}/token:{token}` (HTTP Basic)
//! token_env = "ZENDESK_API_TOKEN"
//!
//! [handoff]
//! helpdesk = "zendesk"            # the default helpdesk
//! tags = ["keel"]                 # added to every ticket
//! [handoff.policies]              # per policy (the machine's name)
//! bigcommerce_order_info = "kustomer"
//! [handoff.kustomer_tags]         # Kustomer takes tag ids: name → id
//! keel_handoff = "5e1a00000000000000000001"
//!
//! [wire]                          # all optional; these are the defaults
//! connect_timeout_ms = 3000
//! read_timeout_ms = 8000
//! retries = 2
//! backoff_ms = 200
//! max_backoff_ms = 4000
//! max_pages = 10                  # pages of one list followed, at most
//! page_size = 50
//! ca_file = "ca.pem"              # extra roots, relative to this file
//! ```

use crate::wire::WireSettings;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The platforms keel has adapters for.
pub const PLATFORMS: &[&str] = &[
    "aftership",
    "bigcommerce",
    "gorgias",
    "kustomer",
    "magento",
    "shopify",
    "zendesk",
];

/// The helpdesks a hand-off can go to.
pub const HELPDESKS: &[&str] = &["gorgias", "kustomer", "zendesk"];

/// A backend file, read and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendFile {
    /// Platforms by name.
    pub platforms: BTreeMap<String, PlatformConfig>,
    /// Hand-offs.
    pub handoff: HandoffConfig,
    /// The wire.
    pub wire: WireSettings,
    /// Test doubles only: a URL whose POST puts every double back to its
    /// seed (`keel test` calls it before each conversation).
    pub reset_url: Option<String>,
}

/// One platform's place and credentials.
#[derive(Clone, Debug, PartialEq)]
pub struct PlatformConfig {
    /// The base URL, without a trailing slash.
    pub url: String,
    /// The variable holding the token (or API key).
    pub token_env: String,
    /// The variable holding the user (Gorgias, Zendesk).
    pub user_env: Option<String>,
    /// BigCommerce: the tracking platform for carrier progress.
    pub tracking: Option<String>,
}

/// Where hand-offs go.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HandoffConfig {
    /// The default helpdesk.
    pub helpdesk: Option<String>,
    /// Per policy name.
    pub policies: BTreeMap<String, String>,
    /// Tags added to every ticket.
    pub tags: Vec<String>,
    /// Kustomer's tag ids, by tag name (Kustomer takes ids, not names).
    pub kustomer_tags: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    platforms: BTreeMap<String, RawPlatform>,
    #[serde(default)]
    handoff: Option<RawHandoff>,
    #[serde(default)]
    wire: Option<RawWire>,
    #[serde(default)]
    doubles: Option<RawDoubles>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatform {
    url: String,
    token_env: String,
    #[serde(default)]
    user_env: Option<String>,
    #[serde(default)]
    tracking: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHandoff {
    #[serde(default)]
    helpdesk: Option<String>,
    #[serde(default)]
    policies: BTreeMap<String, String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    kustomer_tags: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWire {
    connect_timeout_ms: Option<u64>,
    read_timeout_ms: Option<u64>,
    retries: Option<u32>,
    backoff_ms: Option<u64>,
    max_backoff_ms: Option<u64>,
    max_pages: Option<u32>,
    page_size: Option<u32>,
    ca_file: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoubles {
    reset_url: String,
}

impl BackendFile {
    /// Reads a backend file; relative paths in it are relative to its folder.
    pub fn read(path: &Path) -> Result<BackendFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        let folder = path.parent().unwrap_or_else(|| Path::new("."));
        BackendFile::parse(&text, folder).map_err(|error| format!("{}: {error}", path.display()))
    }

    /// Parses a backend file's text.
    pub fn parse(text: &str, folder: &Path) -> Result<BackendFile, String> {
        let raw: RawFile = toml::from_str(text).map_err(|error| error.to_string())?;
        let mut platforms = BTreeMap::new();
        for (name, platform) in raw.platforms {
            if !PLATFORMS.contains(&name.as_str()) {
                return Err(format!(
                    "[platforms.{name}]: keel has no adapter for `{name}` (known: {})",
                    PLATFORMS.join(", ")
                ));
            }
            let url = platform.url.trim().trim_end_matches('/').to_string();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!(
                    "[platforms.{name}] url `{url}` must start with https:// (or http:// for loopback)"
                ));
            }
            let needs_user = matches!(name.as_str(), "gorgias" | "zendesk");
            if needs_user && platform.user_env.is_none() {
                return Err(format!(
                    "[platforms.{name}] needs `user_env`, the variable holding the API user's email"
                ));
            }
            if let Some(tracking) = &platform.tracking {
                if name != "bigcommerce" || tracking != "aftership" {
                    return Err(format!(
                        "[platforms.{name}] tracking = \"{tracking}\": only BigCommerce takes a tracking platform, and only `aftership`"
                    ));
                }
            }
            platforms.insert(
                name,
                PlatformConfig {
                    url,
                    token_env: platform.token_env,
                    user_env: platform.user_env,
                    tracking: platform.tracking,
                },
            );
        }
        let handoff = raw
            .handoff
            .map_or_else(HandoffConfig::default, |raw| HandoffConfig {
                helpdesk: raw.helpdesk,
                policies: raw.policies,
                tags: raw.tags,
                kustomer_tags: raw.kustomer_tags,
            });
        for helpdesk in handoff.helpdesk.iter().chain(handoff.policies.values()) {
            if !HELPDESKS.contains(&helpdesk.as_str()) {
                return Err(format!(
                    "[handoff]: `{helpdesk}` is not a helpdesk (known: {})",
                    HELPDESKS.join(", ")
                ));
            }
            if !platforms.contains_key(helpdesk) {
                return Err(format!(
                    "[handoff] names `{helpdesk}`, but there is no [platforms.{helpdesk}]"
                ));
            }
        }
        let mut wire = WireSettings::standard();
        if let Some(raw) = raw.wire {
            let millis = |value: Option<u64>, default: Duration| {
                value.map_or(default, Duration::from_millis)
            };
            wire.connect_timeout = millis(raw.connect_timeout_ms, wire.connect_timeout);
            wire.read_timeout = millis(raw.read_timeout_ms, wire.read_timeout);
            wire.backoff = millis(raw.backoff_ms, wire.backoff);
            wire.max_backoff = millis(raw.max_backoff_ms, wire.max_backoff);
            wire.retries = raw.retries.unwrap_or(wire.retries);
            wire.max_pages = raw.max_pages.unwrap_or(wire.max_pages).max(1);
            wire.page_size = raw.page_size.unwrap_or(wire.page_size).clamp(1, 250);
            wire.ca_file = raw.ca_file.map(|file| resolve(folder, &file));
        }
        Ok(BackendFile {
            platforms,
            handoff,
            wire,
            reset_url: raw.doubles.map(|doubles| doubles.reset_url),
        })
    }
}

fn resolve(folder: &Path, file: &str) -> PathBuf {
    let path = PathBuf::from(file);
    if path.is_absolute() {
        path
    } else {
        folder.join(path)
    }
}
