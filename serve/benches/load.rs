//! Load benchmark of `keel serve`: N concurrent sessions over HTTP on
//! loopback, every turn committed (SQLite `synchronous = FULL`, PostgreSQL
//! `synchronous_commit = on`) before its answer.
//!
//! Each of N clients loops over whole conversations of the cancellation
//! example (start, email, order, "no, keep it": four durable requests, three
//! of them customer turns, each with the demo store's tools in-process).
//! Prints durable requests/s, customer turns/s, p50/p99 latency per request,
//! then memory per parked session (sessions waiting at an ask, by growth of
//! the resident set). Run with
//!
//!     cargo bench -p keel-serve --bench load                   # SQLite
//!     KEEL_BENCH_POSTGRES_URL=postgres://… cargo bench -p keel-serve --bench load -- --postgres
//!
//! Options: `--clients N` (32), `--seconds S` (10), `--parked M` (10000).
//! The clients share the process (and the 2 cores) with the server.

// A bench: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use keel_runtime::DemoStore;
use keel_serve::{App, Clock, Config, SystemClock, Tools};
use keel_serve::{StoreChoice, open_store};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const OPERATOR: &str = "op-bench";
const POLICY: &str = include_str!("../../examples/single_order_cancellation/policy.md");
const CATALOG: &str = include_str!("../../examples/single_order_cancellation/catalog.toml");
const CANCELLATION: &str = "Single_order_cancellation_policy";
const TURNS: [&str; 3] = ["maya@example.com", "the espresso machine", "no, keep it"];

struct Options {
    postgres: Option<String>,
    clients: usize,
    seconds: u64,
    parked: usize,
}

fn options() -> Options {
    let mut options = Options {
        postgres: None,
        clients: 32,
        seconds: 10,
        parked: 10_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |default: usize| {
            args.next()
                .and_then(|text| text.parse().ok())
                .unwrap_or(default)
        };
        match arg.as_str() {
            "--postgres" => {
                options.postgres = Some(
                    std::env::var("KEEL_BENCH_POSTGRES_URL")
                        .or_else(|_| std::env::var("KEEL_TEST_POSTGRES_URL"))
                        .unwrap_or_else(|_| {
                            "postgres://postgres:keel@127.0.0.1:5432/postgres".to_string()
                        }),
                );
            }
            "--clients" => options.clients = number(32),
            "--seconds" => options.seconds = number(10) as u64,
            "--parked" => options.parked = number(10_000),
            _ => {}
        }
    }
    options
}

/// Resident set size of this process, in bytes.
fn rss() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<usize>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("the server answers");
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.expect("JSON")
    }

    async fn start(&self) -> (String, String) {
        let body = self
            .post(
                "/v1/sessions",
                OPERATOR,
                json!({ "policy": CANCELLATION, "channel": "chat", "customer": "maya@example.com" }),
            )
            .await;
        (
            body["session_id"].as_str().unwrap_or_default().to_string(),
            body["session_token"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    }

    async fn say(&self, id: &str, token: &str, text: &str) {
        self.post(
            &format!("/v1/sessions/{id}/messages"),
            token,
            json!({ "text": text }),
        )
        .await;
    }
}

fn main() {
    let options = options();
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let store = match &options.postgres {
        Some(url) => StoreChoice::Postgres(url.clone()),
        None => {
            let directory = std::env::temp_dir().join("keel-serve-bench");
            let _ = std::fs::remove_dir_all(&directory);
            std::fs::create_dir_all(&directory).expect("a directory");
            StoreChoice::Sqlite(directory.join("keel.db"))
        }
    };
    let label = if options.postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let base = server_runtime.block_on(async {
        let store = open_store(&store).await.expect("the store opens");
        let clock = Arc::new(SystemClock);
        let tools = Tools::demo(DemoStore::embedded(keel_serve::date_of(clock.now_micros())));
        let app = App::new(
            store,
            tools,
            clock,
            &[OPERATOR.to_string()],
            Config::standard(),
        );
        app.machines
            .deploy(
                app.store.as_ref(),
                vec![keel_compiler::Source::new("policy.md", POLICY)],
                vec![keel_compiler::Source::new("catalog.toml", CATALOG)],
                0,
                app.config.deploy_timeout,
            )
            .await
            .expect("the policy deploys");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("an address");
        tokio::spawn(keel_serve::serve(app, listener, std::future::pending()));
        format!("http://{address}")
    });

    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let client = Arc::new(Client {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(options.clients)
            .build()
            .expect("a client"),
        base,
    });

    // Load: each client runs whole conversations until the time is up.
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let (latencies, requests, turns) = client_runtime.block_on(async {
        let workers: Vec<_> = (0..options.clients)
            .map(|_| {
                let client = Arc::clone(&client);
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut turns = 0u64;
                    while Instant::now() < deadline {
                        let began = Instant::now();
                        let (id, token) = client.start().await;
                        latencies.push(began.elapsed().as_micros() as u32);
                        for text in TURNS {
                            let began = Instant::now();
                            client.say(&id, &token, text).await;
                            latencies.push(began.elapsed().as_micros() as u32);
                            turns += 1;
                        }
                    }
                    (latencies, turns)
                })
            })
            .collect();
        let began = Instant::now();
        let mut all = Vec::new();
        let mut turns = 0;
        for worker in workers {
            let (latencies, count) = worker.await.expect("a worker");
            all.extend(latencies);
            turns += count;
        }
        let elapsed = began.elapsed().as_secs_f64();
        let requests = all.len() as f64 / elapsed;
        (all, requests, turns as f64 / elapsed)
    });
    let mut latencies = latencies;
    latencies.sort_unstable();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |micros| f64::from(*micros) / 1000.0)
    };
    println!(
        "{label}: {} clients, {} durable requests in {}s: {requests:.0} requests/s, {turns:.0} customer turns/s, p50 {:.2} ms, p99 {:.2} ms",
        options.clients,
        latencies.len(),
        options.seconds,
        percentile(0.50),
        percentile(0.99),
    );

    // Memory: sessions parked at an ask (started, email given).
    let before = rss();
    let parked = client_runtime.block_on(async {
        let mut parked = Vec::with_capacity(options.parked);
        let chunks: Vec<_> = (0..options.clients)
            .map(|index| {
                let client = Arc::clone(&client);
                let count = options.parked / options.clients
                    + usize::from(index < options.parked % options.clients);
                tokio::spawn(async move {
                    let mut ids = Vec::with_capacity(count);
                    for _ in 0..count {
                        let (id, token) = client.start().await;
                        client.say(&id, &token, TURNS[0]).await;
                        ids.push(id);
                    }
                    ids
                })
            })
            .collect();
        for chunk in chunks {
            parked.extend(chunk.await.expect("a worker"));
        }
        parked
    });
    let grown = rss().saturating_sub(before);
    println!(
        "{label}: {} sessions parked at an ask: {:.0} bytes per parked session (resident-set growth of server and client)",
        parked.len(),
        grown as f64 / parked.len().max(1) as f64
    );
    if options.postgres.is_none() {
        let directory = std::env::temp_dir().join("keel-serve-bench");
        let size = |name: &str| {
            std::fs::metadata(directory.join(name)).map_or(0, |metadata| metadata.len())
        };
        println!(
            "{label}: database file {:.1} MB, WAL {:.1} MB at the end",
            size("keel.db") as f64 / 1e6,
            size("keel.db-wal") as f64 / 1e6
        );
        let _ = std::fs::remove_dir_all(&directory);
    }
}
