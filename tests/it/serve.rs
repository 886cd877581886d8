//! `keel serve` as a process: killed with SIGKILL between a destructive
//! tool request and its answer, then restarted, it resumes the session and
//! the tool is executed exactly once (counted at a loopback tool server);
//! two processes on one PostgreSQL serve the same sessions alternately.
//!
//! PostgreSQL comes from `KEEL_TEST_POSTGRES_URL` (`.ci/run` starts one);
//! without it the PostgreSQL cases are skipped with a note, except under
//! CI (`CI` set), where they fail.

use keel_runtime::{DemoStore, Machine};
use keel_serve::ToolServer;
use keel_serve::{Clock, SystemClock};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub(crate) const OPERATOR: &str = "op-serve-test";
const POLICY: &str = "examples/single_order_cancellation/policy.md";
const CANCELLATION: &str = "Single_order_cancellation_policy";

/// A `keel serve` process and its address; killed when dropped.
pub(crate) struct Process {
    child: Child,
    pub(crate) base: String,
    /// Everything it printed (stdout and stderr) so far.
    printed: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Process {
    /// What the process printed so far, on either stream.
    pub(crate) fn printed(&self) -> String {
        self.printed
            .lock()
            .map(|text| text.clone())
            .unwrap_or_default()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(store: &[String], extra: &[&str]) -> Process {
    serve_with(store, extra, &[])
}

/// `keel serve` with these store and extra arguments and environment.
pub(crate) fn serve_with(store: &[String], extra: &[&str], env: &[(String, String)]) -> Process {
    let mut child = crate::keel(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--operator-token",
        OPERATOR,
        "--policy",
        POLICY,
    ])
    .args(store)
    .args(extra)
    .envs(env.iter().map(|(name, value)| (name, value)))
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("keel serve starts");
    let printed = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let keep = |printed: &std::sync::Arc<std::sync::Mutex<String>>, line: &str| {
        if let Ok(mut text) = printed.lock() {
            text.push_str(line);
            text.push('\n');
        }
    };
    let stderr = child.stderr.take().expect("stderr");
    let errors = std::sync::Arc::clone(&printed);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            keep(&errors, &line);
        }
    });
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("keel serve says where it listens")
            .expect("a line");
        keep(&printed, &line);
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    // Keep reading so the pipe never fills.
    let output = std::sync::Arc::clone(&printed);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            keep(&output, &line);
        }
    });
    Process {
        child,
        base,
        printed,
    }
}

pub(crate) fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a client")
}

pub(crate) fn call(
    process: &Process,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", process.base);
    let mut request = match method {
        "POST" => client().post(url),
        _ => client().get(url),
    }
    .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().expect("keel serve answers");
    let status = response.status().as_u16();
    let text = response.text().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub(crate) fn start(process: &Process) -> (String, String) {
    let (status, body) = call(
        process,
        "POST",
        "/v1/sessions",
        OPERATOR,
        Some(json!({ "policy": CANCELLATION, "channel": "chat", "customer": "maya@example.com" })),
    );
    assert_eq!(status, 201, "{body}");
    (
        body["session_id"].as_str().unwrap_or_default().to_string(),
        body["session_token"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

pub(crate) fn say(process: &Process, id: &str, token: &str, text: &str) -> Value {
    let (status, body) = call(
        process,
        "POST",
        &format!("/v1/sessions/{id}/messages"),
        token,
        Some(json!({ "text": text })),
    );
    assert_eq!(status, 200, "{text}: {body}");
    body
}

/// The session's log replays exactly against the example's machine.
pub(crate) fn assert_replays(process: &Process, id: &str) {
    let log = client()
        .get(format!("{}/v1/sessions/{id}/log", process.base))
        .bearer_auth(OPERATOR)
        .send()
        .and_then(|response| response.text())
        .expect("the log");
    let inputs = keel_compiler::load(&[POLICY], |path| {
        std::fs::read_to_string(crate::root().join(path))
    })
    .expect("the example");
    let compilation = keel_compiler::compile(&inputs.policies, &inputs.catalogs);
    let machine = Machine::new(compilation.artifact()).expect("the example runs");
    keel_runtime::log::replay(&machine, &log).expect("the served log replays exactly");
}

/// A fresh database's URL, or `None` (skipped) outside CI.
fn postgres_database(name: &str) -> Option<String> {
    let Ok(admin) = std::env::var("KEEL_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "KEEL_TEST_POSTGRES_URL must be set in CI (.ci/run starts PostgreSQL)"
        );
        eprintln!("skipped: KEEL_TEST_POSTGRES_URL is not set");
        return None;
    };
    // Reused (dropped and made again) by every run.
    let database = format!("keel_cli_{name}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
            .await
            .expect("PostgreSQL at KEEL_TEST_POSTGRES_URL answers");
        tokio::spawn(connection);
        for statement in [
            format!("DROP DATABASE IF EXISTS {database}"),
            format!("CREATE DATABASE {database}"),
        ] {
            client
                .batch_execute(&statement)
                .await
                .expect("a test database");
        }
    });
    let (prefix, _) = admin.rsplit_once('/').expect("a URL with a database");
    Some(format!("{prefix}/{database}"))
}

/// The store arguments to run a test against: a SQLite file always, and
/// PostgreSQL when it is configured.
pub(crate) fn stores(name: &str) -> Vec<Vec<String>> {
    let directory = std::env::temp_dir().join(format!("keel-serve-cli-{name}"));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("a temporary directory");
    let file = directory.join("keel.db").display().to_string();
    let mut stores = vec![vec!["--db".to_string(), file]];
    if let Some(url) = postgres_database(name) {
        stores.push(vec!["--postgres".to_string(), url]);
    }
    stores
}

#[test]
fn killed_between_a_destructive_request_and_its_answer_it_resumes_and_cancels_once() {
    for store in stores("crash") {
        let today = keel_serve::date_of(SystemClock.now_micros());
        let tools = ToolServer::start_blocking(DemoStore::embedded(today)).expect("a tool server");
        let tool_args = ["--tools", &tools.base(), "--resume-after-ms", "0"];
        let first = serve(&store, &tool_args);
        let (id, token) = start(&first);
        say(&first, &id, &token, "maya@example.com");
        say(&first, &id, &token, "the linen shirt");

        // The tool server executes the cancellation but holds its answer.
        tools.hold_writes(true);
        let (base, session, secret) = (first.base.clone(), id.clone(), token.clone());
        let hanging = std::thread::spawn(move || {
            client()
                .post(format!("{base}/v1/sessions/{session}/messages"))
                .bearer_auth(secret)
                .json(&json!({ "text": "yes" }))
                .send()
                .map(|response| response.status().as_u16())
        });
        let waited = Instant::now();
        while !tools.counts().executions.contains_key("cancel_order") {
            assert!(
                waited.elapsed() < Duration::from_secs(30),
                "the cancellation never came"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        // kill -9, mid-call.
        drop(first);
        assert!(
            hanging.join().expect("the client thread").is_err(),
            "the client saw the crash"
        );

        tools.hold_writes(false);
        let second = serve(&store, &tool_args);
        let waited = Instant::now();
        let read = loop {
            let (status, body) = call(&second, "GET", &format!("/v1/sessions/{id}"), &token, None);
            assert_eq!(status, 200, "{body}");
            if body["phase"] != "waiting_for_tool" {
                break body;
            }
            assert!(
                waited.elapsed() < Duration::from_secs(30),
                "never resumed: {body}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(read["outcome"], "cancelled", "{store:?}: {read}");
        let counts = tools.counts();
        assert_eq!(
            counts.executions.get("cancel_order"),
            Some(&1),
            "{counts:?}"
        );
        assert_eq!(counts.requests.get("cancel_order"), Some(&2), "{counts:?}");
        assert_eq!(counts.keys.len(), 2, "{counts:?}");
        assert_eq!(
            counts.keys[0], counts.keys[1],
            "the same idempotency key both times"
        );
        assert_replays(&second, &id);
    }
}

#[test]
fn two_processes_on_one_postgres_serve_the_same_sessions_alternately() {
    let Some(url) = postgres_database("scale_out") else {
        return;
    };
    let store = ["--postgres".to_string(), url];
    let processes = [serve(&store, &[]), serve(&store, &[])];
    let [a, b] = &processes;
    for (starter, script) in [(a, [b, a, b]), (b, [a, b, a])] {
        let (id, token) = start(starter);
        let mut last = Value::Null;
        for (process, text) in
            script
                .iter()
                .zip(["maya@example.com", "the espresso machine", "no, keep it"])
        {
            last = say(process, &id, &token, text);
        }
        assert_eq!(last["outcome"], "kept", "{last}");
        let (_, from_a) = call(a, "GET", &format!("/v1/sessions/{id}"), OPERATOR, None);
        let (_, from_b) = call(b, "GET", &format!("/v1/sessions/{id}"), OPERATOR, None);
        assert_eq!(from_a, from_b);
        assert_eq!(from_a["seq"], 7, "{from_a}");
        assert_replays(a, &id);
    }
    let (_, listed) = call(a, "GET", "/v1/policies", OPERATOR, None);
    assert_eq!(
        listed["policies"][0]["latest"], 1,
        "both deployed one version: {listed}"
    );
}

/// A served log names the policy version and embeds the machine, so
/// `keel replay` and `keel explain` re-execute it from a folder with no
/// policy in it and no `--policy`; a log whose embedded machine was
/// changed is refused.
#[test]
fn a_served_log_replays_with_the_cli_and_no_policy() {
    let store = stores("replay_alone")
        .into_iter()
        .next()
        .expect("SQLite is always there");
    let process = serve(&store, &[]);
    let (id, token) = start(&process);
    say(&process, &id, &token, "maya@example.com");
    say(&process, &id, &token, "the espresso machine");
    let last = say(&process, &id, &token, "no, keep it");
    assert_eq!(last["outcome"], "kept", "{last}");
    let log = client()
        .get(format!("{}/v1/sessions/{id}/log", process.base))
        .bearer_auth(OPERATOR)
        .send()
        .and_then(|response| response.text())
        .expect("the log");
    drop(process);
    let (first, rest) = log.split_once('\n').expect("a header line");
    let header: Value = serde_json::from_str(first).expect("a JSON header");
    assert_eq!(header["machine"], CANCELLATION, "{first}");
    assert_eq!(header["version"], 1, "{first}");
    assert_eq!(header["artifact"]["hash"], header["hash"], "{first}");

    let folder = crate::scratch("served_log_replay");
    std::fs::write(folder.join("served.log"), &log).expect("the log is written");
    let replayed = crate::keel(&["replay", "served.log"])
        .current_dir(&folder)
        .output()
        .expect("keel runs");
    let stdout = crate::text(&replayed.stdout);
    assert!(
        replayed.status.success(),
        "{stdout}{}",
        crate::text(&replayed.stderr)
    );
    assert!(
        stdout.contains("replayed 7 events of served.log: identical"),
        "{stdout}"
    );
    let explained = crate::keel(&["explain", "served.log"])
        .current_dir(&folder)
        .output()
        .expect("keel runs");
    assert!(
        explained.status.success(),
        "{}",
        crate::text(&explained.stderr)
    );
    assert!(
        crate::text(&explained.stdout).contains(&format!("session of {CANCELLATION}")),
        "{}",
        crate::text(&explained.stdout)
    );

    // The embedded machine, changed, no longer has the pinned hash.
    let mut tampered = header.clone();
    tampered["artifact"]["policies"][0]["title"] = json!("Another policy");
    let tampered = format!("{tampered}\n{rest}");
    std::fs::write(folder.join("tampered.log"), tampered).expect("the log is written");
    let refused = crate::keel(&["replay", "tampered.log"])
        .current_dir(&folder)
        .output()
        .expect("keel runs");
    assert!(!refused.status.success());
    let stderr = crate::text(&refused.stderr);
    assert!(stderr.contains("content hash"), "{stderr}");
}
