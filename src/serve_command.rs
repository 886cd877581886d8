//! `keel serve`: the durable HTTP runtime. This module parses the options,
//! reads the policy files and prints; `keel-serve` does the rest.

use clap::Args;
use keel_serve::{Config, LaunchOptions, Proactive, StoreChoice};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Options of `keel serve`.
#[derive(Args)]
pub(crate) struct ServeArgs {
    /// Deploy this policy at start-up (then any it references); repeat for several.
    #[arg(long = "policy", value_name = "POLICY")]
    policies: Vec<PathBuf>,
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// SQLite database file (the default store).
    #[arg(long, default_value = "keel.db", conflicts_with = "postgres")]
    db: PathBuf,
    /// PostgreSQL URL instead of SQLite (or set KEEL_POSTGRES_URL).
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Call tools over HTTP at this base URL instead of the embedded demo store.
    #[arg(long, value_name = "URL", conflicts_with = "backend")]
    tools: Option<String>,
    /// Call the platforms this backend file names (credentials from the
    /// environment), and send hand-offs to its helpdesk.
    #[arg(long, value_name = "FILE")]
    backend: Option<PathBuf>,
    /// An operator API token (or set KEEL_OPERATOR_TOKEN); without one, a
    /// token is made up and printed.
    #[arg(long = "operator-token", value_name = "TOKEN")]
    operator_tokens: Vec<String>,
    /// Take over a session left waiting for a tool this long (ms).
    #[arg(long, default_value_t = 30_000)]
    resume_after_ms: u64,
    /// How long a tool call may take (ms).
    #[arg(long, default_value_t = 10_000)]
    tool_timeout_ms: u64,
    /// How long a deploy may take to compile (ms); a longer one is refused.
    #[arg(long, default_value_t = 20_000)]
    deploy_timeout_ms: u64,
    /// Close a connection whose request headers take longer than this (ms).
    #[arg(long, default_value_t = 10_000)]
    header_timeout_ms: u64,
    /// Refuse (408) a request whose body takes longer than this (ms).
    #[arg(long, default_value_t = 20_000)]
    body_timeout_ms: u64,
    /// The largest request body (bytes).
    #[arg(long, default_value_t = 16 * 1024)]
    max_body_bytes: usize,
    /// The longest customer message (characters).
    #[arg(long, default_value_t = 2000)]
    max_message_chars: usize,
    /// Proactive WISMO: no carrier scan for this long after the last one
    /// emits `carrier_scan_gap` (hours).
    #[arg(long, default_value_t = 48)]
    scan_gap_hours: u64,
    /// A label with no carrier scan after this long emits `late_first_scan` (hours).
    #[arg(long, default_value_t = 24)]
    late_first_scan_hours: u64,
    /// Poll the tracking tool for a shipment no webhook updated for this long (hours).
    #[arg(long, default_value_t = 12)]
    poll_after_hours: u64,
    /// The tool polled for tracking (argument `order_id`).
    #[arg(long, default_value = "get_tracking")]
    tracking_tool: String,
    /// A message on another channel within this long of a live session's
    /// last turn continues it (`POST /v1/inbound`; hours).
    #[arg(long, default_value_t = 24)]
    continuity_window_hours: u64,
    /// How often due timers fire and the tracking monitor sweeps (ms). The
    /// webhook secrets come from KEEL_EASYPOST_WEBHOOK_SECRET and
    /// KEEL_AFTERSHIP_WEBHOOK_SECRET (no secret: that webhook is refused).
    #[arg(long, default_value_t = 5_000)]
    sweep_every_ms: u64,
}

fn hours(count: u64) -> Duration {
    Duration::from_secs(count.saturating_mul(3600))
}

/// Runs `keel serve`.
pub(crate) fn run(args: ServeArgs) -> Result<ExitCode, String> {
    let mut policies = Vec::new();
    for path in &args.policies {
        let inputs = crate::load(std::slice::from_ref(path))?;
        policies.push((inputs.policies, inputs.catalogs));
    }
    let postgres = args
        .postgres
        .or_else(|| std::env::var("KEEL_POSTGRES_URL").ok());
    let store = match postgres {
        Some(url) => StoreChoice::Postgres(url),
        None => StoreChoice::Sqlite(args.db),
    };
    let mut operator_tokens = args.operator_tokens;
    if let Ok(token) = std::env::var("KEEL_OPERATOR_TOKEN") {
        operator_tokens.push(token);
    }
    let made_up = if operator_tokens.is_empty() {
        let token = keel_serve::random_token("op_", 24).map_err(|error| error.message)?;
        operator_tokens.push(token.clone());
        Some(token)
    } else {
        None
    };
    let described = match &store {
        StoreChoice::Sqlite(path) => format!("SQLite {}", path.display()),
        StoreChoice::Postgres(_) => "PostgreSQL".to_string(),
    };
    let options = LaunchOptions {
        listen: args.listen,
        store,
        tools: args.tools,
        backend: args
            .backend
            .as_deref()
            .map(crate::backend::load)
            .transpose()?,
        operator_tokens,
        policies,
        config: Config {
            max_body_bytes: args.max_body_bytes,
            max_message_chars: args.max_message_chars,
            header_timeout: Duration::from_millis(args.header_timeout_ms),
            body_timeout: Duration::from_millis(args.body_timeout_ms),
            tool_timeout: Duration::from_millis(args.tool_timeout_ms),
            deploy_timeout: Duration::from_millis(args.deploy_timeout_ms),
            resume_after: Duration::from_millis(args.resume_after_ms),
            proactive: Proactive {
                sweep_every: Duration::from_millis(args.sweep_every_ms),
                continuity_window: hours(args.continuity_window_hours),
                scan_gap: hours(args.scan_gap_hours),
                late_first_scan: hours(args.late_first_scan_hours),
                poll_after: hours(args.poll_after_hours),
                tracking_tool: args.tracking_tool,
                easypost_secret: std::env::var("KEEL_EASYPOST_WEBHOOK_SECRET").ok(),
                aftership_secret: std::env::var("KEEL_AFTERSHIP_WEBHOOK_SECRET").ok(),
            },
            ..Config::standard()
        },
    };
    keel_serve::launch(options, |ready| {
        for version in &ready.deployed {
            println!(
                "deployed {} version {} ({})",
                version.name, version.version, version.hash
            );
        }
        if let Some(token) = &made_up {
            println!("operator token: {token}");
        }
        println!(
            "keel serve: listening on http://{} ({described})",
            ready.address
        );
    })?;
    Ok(ExitCode::SUCCESS)
}
