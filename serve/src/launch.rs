//! Start-up for the `keel serve` command: open the store, deploy the
//! policies given on the command line, bind, and serve until Ctrl-C or
//! SIGTERM. The command prints; this module only reports what it did.

use crate::store::{PolicyVersion, PostgresStore, SqliteStore, Store};
use crate::{App, Clock as _, Config, SystemClock, Tools};
use keel_compiler::Source;
use keel_runtime::DemoStore;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Where sessions are stored.
#[derive(Clone, Debug)]
pub enum StoreChoice {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

/// What to serve.
#[derive(Debug)]
pub struct LaunchOptions {
    /// `host:port` (port 0: any free port).
    pub listen: String,
    /// The store.
    pub store: StoreChoice,
    /// A tool server's base URL; `None`: the embedded demo store.
    pub tools: Option<String>,
    /// The platforms of a backend file (wins over `tools`).
    pub backend: Option<keel_adapters::Backend>,
    /// Operator tokens.
    pub operator_tokens: Vec<String>,
    /// Policies to deploy at start-up: each a set of policy sources (the
    /// first is the entry) and catalog sources.
    pub policies: Vec<(Vec<Source>, Vec<Source>)>,
    /// Limits and timings.
    pub config: Config,
}

/// What start-up did.
#[derive(Clone, Debug)]
pub struct Ready {
    /// The address bound.
    pub address: SocketAddr,
    /// The policy versions deployed.
    pub deployed: Vec<PolicyVersion>,
}

/// Opens a store.
pub async fn open_store(choice: &StoreChoice) -> Result<Arc<dyn Store>, String> {
    Ok(match choice {
        StoreChoice::Sqlite(path) => Arc::new(
            SqliteStore::open(path).map_err(|error| format!("{}: {error}", path.display()))?,
        ),
        StoreChoice::Postgres(url) => Arc::new(
            PostgresStore::connect(url)
                .await
                .map_err(|error| error.to_string())?,
        ),
    })
}

/// Runs the server on a new multi-threaded tokio runtime; calls `ready`
/// once it listens.
pub fn launch(options: LaunchOptions, ready: impl FnOnce(&Ready)) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start tokio: {error}"))?;
    runtime.block_on(async move {
        let store = open_store(&options.store).await?;
        let clock = Arc::new(SystemClock);
        let tools = match (options.backend, &options.tools) {
            (Some(backend), _) => Tools::Backend(Box::new(backend)),
            (None, Some(base)) => Tools::http(base, options.config.tool_timeout)?,
            (None, None) => Tools::demo(DemoStore::embedded(crate::clock::date_of(
                clock.now_micros(),
            ))),
        };
        let app = App::new(
            store,
            tools,
            clock,
            &options.operator_tokens,
            options.config,
        );
        let mut deployed = Vec::new();
        for (policies, catalogs) in &options.policies {
            let version = app
                .machines
                .deploy(
                    app.store.as_ref(),
                    policies.clone(),
                    catalogs.clone(),
                    app.clock.now_micros(),
                    app.config.deploy_timeout,
                )
                .await
                .map_err(|error| error.message)?;
            deployed.push(version);
        }
        let listener = tokio::net::TcpListener::bind(&options.listen)
            .await
            .map_err(|error| format!("cannot listen on {}: {error}", options.listen))?;
        let address = listener
            .local_addr()
            .map_err(|error| format!("no local address: {error}"))?;
        ready(&Ready { address, deployed });
        crate::serve(app, listener, shutdown())
            .await
            .map_err(|error| format!("the server stopped: {error}"))
    })
}

/// Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
