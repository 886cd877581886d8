//! keel's durable HTTP runtime: policies (sources) and JSON requests in;
//! compiled, versioned machines, sessions whose every event is committed
//! to a database before the answer goes out, tool calls with idempotency
//! keys, and Prometheus metrics out.
//!
//! # Steps
//!
//! * [`Machines::deploy`]: policy and catalog sources → a
//!   compiled machine, recorded as the policy's next version;
//! * [`store`]: one [`Store`] trait over [`SqliteStore`] (a file, the
//!   default) and [`PostgresStore`] (by URL, shared by several processes);
//! * `sessions::run`: a locked session + an event → the pure engine
//!   stepped, tool calls performed through [`Tools`], the events committed
//!   → a [`Reply`];
//! * [`router`]: the HTTP API over an [`App`] (axum; the read-only
//!   routes in `views.rs`);
//! * [`serve`]: binds, resumes the sessions a crash left waiting for a
//!   tool, and serves until shut down.
//!
//! The API (JSON; `Authorization: Bearer <token>` on every route but
//! `/healthz`):
//!
//! | route | who | what |
//! |---|---|---|
//! | `POST /v1/policies` | operator | deploy `{policies: [{name, text}], catalogs: [...]}` |
//! | `GET /v1/policies` | operator | deployed policies and versions |
//! | `POST /v1/sessions` | operator | start `{policy, channel, customer}` → id, token, first messages |
//! | `POST /v1/sessions/{id}/messages` | operator or the session's token | `{text}` → the bot's reply |
//! | `GET /v1/sessions/{id}` | operator or the session's token | transcript, state, node path, machine hash |
//! | `GET /v1/sessions/{id}/events` | operator | the event log as JSON |
//! | `GET /v1/sessions/{id}/log` | operator | the event log as JSON lines (`keel replay` reads it) |
//! | `POST /v1/events` | operator | an external event: starts the policies it triggers, recorded either way |
//! | `GET /v1/events` | operator | the recorded external events and what each did |
//! | `POST /v1/inbound` | operator | a customer's message on any channel: continues their live session or starts one |
//! | `POST /v1/shipments` | operator | a shipment for the tracking monitor to watch |
//! | `POST /v1/webhooks/easypost` | EasyPost (signed) | tracker events |
//! | `POST /v1/webhooks/aftership` | AfterShip (signed) | tracking updates |
//! | `GET /metrics` | operator | Prometheus text |

mod api;
mod auth;
mod clock;
mod continuity;
mod error;
mod handoff;
mod kpis;
mod launch;
mod metrics;
mod monitor;
mod policies;
mod request;
mod sessions;
pub mod store;
mod timers;
mod tool_server;
mod tools;
mod triggers;
mod views;

pub use api::router;
pub use auth::{Operators, random_token};
pub use clock::{Clock, ManualClock, SystemClock, date_of};
pub use error::ApiError;
pub use launch::{LaunchOptions, Ready, StoreChoice, launch, open_store};
pub use metrics::Metrics;
pub use monitor::{aftership_signature, easypost_signature};
pub use policies::Machines;
pub use sessions::{Reply, Sessions};
pub use store::{PostgresStore, SqliteStore, Store, StoreError};
pub use tool_server::{Counts, ToolServer};
pub use tools::{IDEMPOTENCY_HEADER, Tools, idempotency_key};

use std::sync::Arc;
use std::time::Duration;

/// Limits and timings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The largest request body, in bytes (policy deployments may be larger:
    /// [`Config::max_policy_bytes`]).
    pub max_body_bytes: usize,
    /// The largest deployment body, in bytes.
    pub max_policy_bytes: usize,
    /// The longest customer message, in characters.
    pub max_message_chars: usize,
    /// How long a client may take to send a request's headers (from the
    /// first byte it is awaited, idle keep-alive connections included);
    /// past it the connection is closed.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's whole body; past it
    /// the request is refused with 408 and the connection closed.
    pub body_timeout: Duration,
    /// How long a tool call may take.
    pub tool_timeout: Duration,
    /// How long a deploy may take to compile (waiting for another deploy's
    /// compile included); past it the deploy is refused and nothing changes.
    pub deploy_timeout: Duration,
    /// A session left waiting for a tool this long is taken over (resumed)
    /// by whichever process sees it: at start-up, or on its next message.
    pub resume_after: Duration,
    /// Sessions kept in memory; beyond this, idle ones are dropped and
    /// rebuilt from their log when next used.
    pub max_sessions_in_memory: usize,
    /// Proactive WISMO: timers, the tracking monitor, channel continuity.
    pub proactive: Proactive,
}

/// The settings of proactive outreach (seed 003).
#[derive(Clone, Debug)]
pub struct Proactive {
    /// How often due timers are fired and the tracking monitor sweeps.
    pub sweep_every: Duration,
    /// A message on another channel within this long of a live session's
    /// last turn continues it (`POST /v1/inbound`).
    pub continuity_window: Duration,
    /// No carrier scan for this long after the last one: `carrier_scan_gap`.
    pub scan_gap: Duration,
    /// Label created and no carrier scan for this long: `late_first_scan`.
    pub late_first_scan: Duration,
    /// A shipment no webhook has updated for this long is polled through
    /// [`Proactive::tracking_tool`].
    pub poll_after: Duration,
    /// The tool polled for a shipment's tracking (argument `order_id`),
    /// as the latest deployed policy that declares it declares it (its
    /// adapter included).
    pub tracking_tool: String,
    /// EasyPost's webhook secret (`X-Hmac-Signature`); no secret, no webhook.
    pub easypost_secret: Option<String>,
    /// AfterShip's webhook secret (`aftership-hmac-sha256`); no secret, no webhook.
    pub aftership_secret: Option<String>,
}

impl Proactive {
    /// The defaults: 48 hours for a scan gap, 24 for a late first scan (the
    /// article's "no carrier scan in 48 hours"), a day of continuity.
    pub fn standard() -> Proactive {
        Proactive {
            sweep_every: Duration::from_secs(5),
            continuity_window: Duration::from_secs(24 * 3600),
            scan_gap: Duration::from_secs(48 * 3600),
            late_first_scan: Duration::from_secs(24 * 3600),
            poll_after: Duration::from_secs(12 * 3600),
            tracking_tool: "get_tracking".to_string(),
            easypost_secret: None,
            aftership_secret: None,
        }
    }
}

impl Config {
    /// The defaults of `keel serve`.
    pub fn standard() -> Config {
        Config {
            max_body_bytes: 16 * 1024,
            max_policy_bytes: 1024 * 1024,
            max_message_chars: 2000,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(20),
            tool_timeout: Duration::from_secs(10),
            deploy_timeout: Duration::from_secs(20),
            resume_after: Duration::from_secs(30),
            max_sessions_in_memory: 100_000,
            proactive: Proactive::standard(),
        }
    }
}

/// Everything a request needs.
#[derive(Debug)]
pub struct App {
    /// Where sessions live.
    pub store: Arc<dyn Store>,
    /// Machines by hash.
    pub machines: policies::Machines,
    /// Where tool calls go.
    pub tools: Tools,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// The KPIs.
    pub metrics: metrics::Metrics,
    /// Sessions in memory.
    pub sessions: sessions::Sessions,
    /// Operator tokens.
    pub operators: auth::Operators,
    /// Limits.
    pub config: Config,
}

impl App {
    /// An app over a store.
    pub fn new(
        store: Arc<dyn Store>,
        tools: Tools,
        clock: Arc<dyn Clock>,
        operator_tokens: &[String],
        config: Config,
    ) -> Arc<App> {
        Arc::new(App {
            store,
            machines: policies::Machines::default(),
            tools,
            clock,
            metrics: metrics::Metrics::default(),
            sessions: sessions::Sessions::new(config.max_sessions_in_memory),
            operators: auth::Operators::new(operator_tokens),
            config,
        })
    }

    /// Resumes every session left waiting for a tool for longer than
    /// [`Config::resume_after`] (after a crash); returns how many resumed.
    pub async fn resume_abandoned(&self) -> Result<usize, ApiError> {
        let horizon = i64::try_from(self.config.resume_after.as_micros()).unwrap_or(i64::MAX);
        let before = self.clock.now_micros().saturating_sub(horizon);
        let mut resumed = 0;
        for id in self.store.waiting_for_tools(before).await? {
            let Ok(mut guard) = self.sessions.try_lock(&id) else {
                continue;
            };
            if guard.is_none() {
                *guard = sessions::Live::load(self, &id).await?;
            }
            if let Some(live) = guard.as_mut() {
                sessions::run(self, live, None, false).await?;
                resumed += 1;
            }
        }
        Ok(resumed)
    }
}

impl App {
    /// Sends the helpdesk hand-offs left pending for longer than
    /// [`Config::resume_after`] (a crash between a hand-off and its
    /// ticket, or a helpdesk that failed), each looked up by its key
    /// before it is sent again; returns how many were sent.
    pub async fn send_pending_handoffs(&self) -> Result<usize, ApiError> {
        handoff::sweep(self).await
    }

    /// One proactive sweep: fires due timers, polls stale shipments and
    /// emits the tracking monitor's events (scan gaps, late first scans).
    pub async fn sweep_proactive(&self) -> Result<(usize, usize), ApiError> {
        let woke = timers::fire_due(self).await?;
        let emitted = monitor::sweep(self).await?;
        Ok((woke, emitted))
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the
/// requests under way finish. Sessions left waiting for a tool (by a
/// crash, here or in another process), and hand-offs whose ticket was
/// never acknowledged, are resumed at start and by a sweep every half
/// [`Config::resume_after`].
///
/// Connections are hyper's HTTP/1 with a timer, so that a client that does
/// not finish its headers within [`Config::header_timeout`] is cut off
/// (`axum::serve` sets no timer, and so no header timeout); the body
/// deadline ([`Config::body_timeout`]) is [`api::router`]'s.
pub async fn serve(
    app: Arc<App>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), std::io::Error> {
    let resumer = Arc::clone(&app);
    let period =
        (app.config.resume_after / 2).clamp(Duration::from_millis(100), Duration::from_secs(30));
    let sweeper = tokio::spawn(async move {
        loop {
            // A failure here leaves the sessions for the next sweep or message.
            let _ = resumer.resume_abandoned().await;
            let _ = resumer.send_pending_handoffs().await;
            tokio::time::sleep(period).await;
        }
    });
    let proactive = Arc::clone(&app);
    let every = app
        .config
        .proactive
        .sweep_every
        .max(Duration::from_millis(50));
    // The first sweep finishes before any request is served, so what came
    // due while the server was down is emitted by it alone (a sweep that
    // started late would race the first requests for the same firing).
    let _ = app.sweep_proactive().await;
    let waker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            // Failures are retried by the next sweep; nothing is lost: the
            // timers and shipments are in the store.
            let _ = proactive.sweep_proactive().await;
        }
    });
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(app.config.header_timeout);
    let router = api::router(app);
    let (closing, _) = tokio::sync::watch::channel(());
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors, or a connection reset before
                    // it was accepted: wait a little, then accept again.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let service = hyper_util::service::TowerToHyperService::new(router.clone());
                let connection =
                    http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                let mut closed = closing.subscribe();
                connections.spawn(async move {
                    let mut connection = std::pin::pin!(connection);
                    tokio::select! {
                        // A connection error (a timeout, a reset) concerns
                        // that client only.
                        _ = connection.as_mut() => return,
                        _ = closed.changed() => connection.as_mut().graceful_shutdown(),
                    }
                    let _ = connection.await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let _ = closing.send(());
    while connections.join_next().await.is_some() {}
    sweeper.abort();
    waker.abort();
    Ok(())
}
