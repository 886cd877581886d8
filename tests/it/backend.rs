//! The platforms end to end: `keel doubles --tls` started as a process,
//! then `keel test --backend` over the seed examples (the same golden
//! conversations as against the demo store, hand-offs becoming tickets in
//! the helpdesk doubles), and `keel serve --backend` killed with SIGKILL
//! mid-cancellation through the Magento adapter, which cancels once; a
//! hand-off is durable: a helpdesk that failed gets the ticket from the
//! sweep, and a process killed while the helpdesk held its answer sends it
//! again after a restart, found by its key, so it is made once. No
//! credential appears in any output or session log.

use crate::serve::{Process, assert_replays, call, say, serve_with, start};
use crate::{Run, arg, keel, scratch, text};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A `keel doubles` process; killed when dropped.
struct Doubles {
    child: Child,
    backend: PathBuf,
    credentials: Vec<(String, String)>,
    control: String,
    client: reqwest::blocking::Client,
}

impl Drop for Doubles {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn doubles(name: &str) -> Doubles {
    let out = scratch(name);
    let mut child = keel(&["doubles", "--tls", "--out", arg(&out)])
        .stdout(Stdio::piped())
        .spawn()
        .expect("keel doubles starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = String::new();
    loop {
        let line = lines
            .next()
            .expect("keel doubles prints its backend file")
            .expect("a line");
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("reset_url = ") {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    let backend = out.join("backend.toml");
    assert!(
        printed.contains(&format!("# backend file: {}", backend.display())),
        "{printed}"
    );
    let credentials: Vec<(String, String)> = std::fs::read_to_string(out.join("credentials.env"))
        .expect("the credentials file")
        .lines()
        .filter_map(|line| line.strip_prefix("export ")?.split_once('='))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    for (_, value) in &credentials {
        assert!(
            !printed.contains(value.as_str()),
            "a credential printed: {printed}"
        );
    }
    // BigCommerce's seed policy hands off to Kustomer.
    let mut file = std::fs::read_to_string(&backend).expect("the backend file");
    file = file.replace(
        "[handoff]\nhelpdesk = \"zendesk\"\n",
        "[handoff]\nhelpdesk = \"zendesk\"\n\n[handoff.policies]\nbigcommerce_order_info = \"kustomer\"\n",
    );
    std::fs::write(&backend, &file).expect("the backend file");
    let reset = file
        .lines()
        .find_map(|line| line.strip_prefix("reset_url = "))
        .expect("a reset URL")
        .trim_matches('"');
    let control = reset.trim_end_matches("/reset").to_string();
    let pem = std::fs::read(out.join("ca.pem")).expect("the authority");
    let client = reqwest::blocking::Client::builder()
        .tls_certs_merge(reqwest::Certificate::from_pem_bundle(&pem).expect("PEM"))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client");
    Doubles {
        child,
        backend,
        credentials,
        control,
        client,
    }
}

impl Doubles {
    fn journal(&self) -> Value {
        self.client
            .get(format!("{}/journal", self.control))
            .send()
            .and_then(|response| response.json())
            .expect("the journal")
    }

    fn fault(&self, fault: Value) {
        self.client
            .post(format!("{}/faults", self.control))
            .json(&Value::Array(vec![fault]))
            .send()
            .expect("the fault is queued");
    }

    /// Queues `fault` (a platform carrying a write out, then holding its
    /// answer), sends `text` to the session from a thread, and returns once
    /// the journal counts the write (`execution`, such as `magento cancel`):
    /// the request is still in flight, for the caller to kill `process`.
    fn hold_write(
        &self,
        fault: Value,
        execution: &str,
        process: &Process,
        (id, token): (&str, &str),
        text: &str,
    ) -> std::thread::JoinHandle<reqwest::Result<u16>> {
        self.fault(fault);
        let (base, session, secret) = (process.base.clone(), id.to_string(), token.to_string());
        let text = text.to_string();
        let hanging = std::thread::spawn(move || {
            crate::serve::client()
                .post(format!("{base}/v1/sessions/{session}/messages"))
                .bearer_auth(secret)
                .json(&serde_json::json!({ "text": text }))
                .send()
                .map(|response| response.status().as_u16())
        });
        let waited = Instant::now();
        while self.journal()["executions"][execution].as_u64() != Some(1) {
            assert!(
                waited.elapsed() < Duration::from_secs(30),
                "{execution}: it never came"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        hanging
    }

    /// Fails if any credential value is in `text`.
    fn assert_no_credential(&self, what: &str, text: &str) {
        for (name, value) in &self.credentials {
            assert!(
                !text.contains(value.as_str()),
                "{name}'s value appears in {what}"
            );
        }
    }
}

#[test]
fn the_seed_examples_pass_through_the_doubles_and_hand_offs_become_tickets() {
    let doubles = doubles("backend-examples");
    let backend = doubles.backend.display().to_string();
    for example in crate::SEED_EXAMPLES {
        let output = keel(&[
            "test",
            &format!("examples/{example}"),
            "--backend",
            &backend,
        ])
        .envs(
            doubles
                .credentials
                .iter()
                .map(|(name, value)| (name, value)),
        )
        .run();
        let stdout = text(&output.stdout);
        assert!(
            output.status.success(),
            "{example}:\n{stdout}{}",
            text(&output.stderr)
        );
        assert!(
            stdout.contains("transitions") && stdout.contains("(100.0 %)"),
            "{stdout}"
        );
        doubles.assert_no_credential(example, &stdout);
        doubles.assert_no_credential(example, &text(&output.stderr));
    }
    let journal = doubles.journal();
    let executions = &journal["executions"];
    for helpdesk in ["gorgias", "kustomer", "zendesk"] {
        assert!(
            executions[format!("{helpdesk} ticket")]
                .as_u64()
                .unwrap_or(0)
                > 0,
            "{executions}"
        );
    }
    let tickets = journal["tickets"].as_array().expect("tickets");
    let handed = tickets
        .iter()
        .find(|ticket| {
            ticket["helpdesk"] == "kustomer"
                && ticket["subject"]
                    .as_str()
                    .is_some_and(|s| s.contains("investigation"))
        })
        .expect("the BigCommerce delay hand-off went to Kustomer");
    assert!(
        handed["text"]
            .as_str()
            .is_some_and(|text| text.contains("Transcript:") && text.contains("lee@example.com")),
        "{handed}"
    );
    // Kustomer's tags are tag ids: the double knows the id of `keel_handoff`.
    assert_eq!(
        handed["tags"],
        serde_json::json!(["keel_handoff"]),
        "{handed}"
    );

    // The τ-bench policy names no platform of the file: skipped, not failed.
    let output = keel(&["test", "taubench/policy", "--backend", &backend])
        .envs(
            doubles
                .credentials
                .iter()
                .map(|(name, value)| (name, value)),
        )
        .run();
    assert!(output.status.success(), "{}", text(&output.stdout));
    assert!(text(&output.stdout).contains("taubench/policy skipped"));
}

#[test]
fn without_its_credentials_the_backend_file_names_the_missing_variable() {
    let doubles = doubles("backend-no-credentials");
    let output = keel(&[
        "test",
        "examples/shopify_wismo",
        "--backend",
        &doubles.backend.display().to_string(),
    ])
    .env_remove("SHOPIFY_ADMIN_TOKEN")
    .run();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("environment variable"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn killed_mid_cancellation_through_the_magento_adapter_it_cancels_once() {
    let doubles = doubles("backend-crash");
    let directory = scratch("backend-crash-db");
    let store = vec![
        "--db".to_string(),
        directory.join("keel.db").display().to_string(),
    ];
    let backend = doubles.backend.display().to_string();
    let args = ["--backend", backend.as_str(), "--resume-after-ms", "0"];
    let first = serve_with(&store, &args, &doubles.credentials);
    let (id, token) = start(&first);
    say(&first, &id, &token, "maya@example.com");
    say(&first, &id, &token, "the linen shirt");

    // Magento carries the cancellation out, then holds its answer.
    let hanging = doubles.hold_write(
        serde_json::json!({"platform": "magento", "method": "POST", "path": "/cancel", "hold_ms": 60_000}),
        "magento cancel",
        &first,
        (&id, &token),
        "yes",
    );
    let printed = first.printed();
    drop(first); // kill -9, mid-call
    assert!(
        hanging.join().expect("the client thread").is_err(),
        "the client saw the crash"
    );

    let second: Process = serve_with(&store, &args, &doubles.credentials);
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
    assert_eq!(read["outcome"], "cancelled", "{read}");
    let journal = doubles.journal();
    assert_eq!(
        journal["executions"]["magento cancel"], 1,
        "{}",
        journal["executions"]
    );
    let posts = journal["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .filter(|entry| {
            entry["method"] == "POST"
                && entry["path"]
                    .as_str()
                    .is_some_and(|path| path.ends_with("/cancel"))
        })
        .count();
    assert_eq!(
        posts, 1,
        "the resumed call looked the order up instead of cancelling again"
    );
    assert_replays(&second, &id);
    // Neither process printed a credential (`first` is gone: what it
    // printed was read before it died), nor did the session log keep one.
    doubles.assert_no_credential("keel serve's output", &second.printed());
    doubles.assert_no_credential("keel serve's output before the crash", &printed);
    let log = crate::serve::client()
        .get(format!("{}/v1/sessions/{id}/log", second.base))
        .bearer_auth(crate::serve::OPERATOR)
        .send()
        .and_then(|response| response.text())
        .expect("the log");
    doubles.assert_no_credential("the session log", &log);
}

#[test]
fn keel_serve_sends_a_committed_hand_off_to_the_helpdesk() {
    let doubles = doubles("backend-serve-handoff");
    let directory = scratch("backend-serve-handoff-db");
    let store = vec![
        "--db".to_string(),
        directory.join("keel.db").display().to_string(),
    ];
    let backend = doubles.backend.display().to_string();
    let served = serve_with(
        &store,
        &["--backend", backend.as_str()],
        &doubles.credentials,
    );
    let (id, token) = start(&served);
    say(&served, &id, &token, "maya@example.com");
    let reply = say(&served, &id, &token, "I want to talk to a real person");
    let ticket = &reply["handoff"]["helpdesk_ticket"];
    assert_eq!(ticket["helpdesk"], "zendesk", "{reply}");
    let journal = doubles.journal();
    let made = journal["tickets"]
        .as_array()
        .and_then(|tickets| tickets.last())
        .expect("a ticket");
    assert_eq!(made["id"], ticket["id"], "{made}");
    assert_eq!(made["customer"], "maya@example.com");
    let body = made["text"].as_str().unwrap_or_default();
    assert!(
        body.contains("customer: I want to talk to a real person") && body.contains("- email:"),
        "{body}"
    );
}

#[test]
fn keel_chat_and_keel_run_take_a_backend_file() {
    let doubles = doubles("backend-chat-run");
    let backend = doubles.backend.display().to_string();
    let mut chat = keel(&[
        "chat",
        "examples/shopify_wismo/policy.md",
        "--backend",
        &backend,
    ])
    .envs(
        doubles
            .credentials
            .iter()
            .map(|(name, value)| (name, value)),
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .expect("keel chat starts");
    {
        use std::io::Write;
        let mut input = chat.stdin.take().expect("stdin");
        input
            .write_all(b"maya@example.com\nthe shoes\n")
            .expect("the replies");
    }
    let output = chat.wait_with_output().expect("keel chat ends");
    let said = text(&output.stdout);
    assert!(
        said.contains("· backend ") && said.contains("The tracking number is 1Z999AA10123456784"),
        "{said}"
    );
    doubles.assert_no_credential("keel chat", &said);
    let output = keel(&[
        "run",
        "examples/single_order_cancellation/policy.md",
        "--script",
        "examples/single_order_cancellation/conversations/human_at_email.toml",
        "--backend",
        &backend,
    ])
    .envs(
        doubles
            .credentials
            .iter()
            .map(|(name, value)| (name, value)),
    )
    .run();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("ticket zendesk #"),
        "{}",
        text(&output.stderr)
    );
}

/// The operator's view of a session's helpdesk hand-offs, once one is
/// no longer pending (waiting at most 30 s).
fn handoff_settled(process: &Process, id: &str) -> Value {
    let waited = Instant::now();
    loop {
        let (status, body) = call(
            process,
            "GET",
            &format!("/v1/sessions/{id}"),
            crate::serve::OPERATOR,
            None,
        );
        assert_eq!(status, 200, "{body}");
        let handoffs = &body["helpdesk_handoffs"];
        if handoffs[0]["state"]
            .as_str()
            .is_some_and(|state| state != "pending")
        {
            return handoffs.clone();
        }
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "the hand-off stayed pending: {body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_hand_off_the_helpdesk_failed_is_sent_once_by_the_sweep() {
    let doubles = doubles("backend-handoff-retry");
    let directory = scratch("backend-handoff-retry-db");
    let store = vec![
        "--db".to_string(),
        directory.join("keel.db").display().to_string(),
    ];
    let backend = doubles.backend.display().to_string();
    let served = serve_with(
        &store,
        &["--backend", backend.as_str(), "--resume-after-ms", "0"],
        &doubles.credentials,
    );
    let (id, token) = start(&served);
    say(&served, &id, &token, "maya@example.com");
    doubles.fault(serde_json::json!({"platform": "zendesk", "method": "POST", "path": "/tickets", "status": 503}));
    let reply = say(&served, &id, &token, "I want to talk to a real person");
    assert!(
        reply["handoff"]["helpdesk_ticket"].get("id").is_none(),
        "the helpdesk failed: {reply}"
    );
    let handoffs = handoff_settled(&served, &id);
    assert_eq!(handoffs[0]["state"], "sent", "{handoffs}");
    assert_eq!(handoffs[0]["attempts"], 2, "{handoffs}");
    let journal = doubles.journal();
    assert_eq!(journal["executions"]["zendesk ticket"], 1, "{journal}");
    let made = journal["tickets"]
        .as_array()
        .and_then(|tickets| tickets.last())
        .expect("a ticket");
    assert_eq!(made["id"], handoffs[0]["ticket"], "{made}");
    assert!(
        made["text"]
            .as_str()
            .is_some_and(|text| text.contains("customer: I want to talk to a real person")),
        "{made}"
    );
}

#[test]
fn killed_before_the_helpdesk_answered_a_hand_off_is_sent_once_after_a_restart() {
    for (index, store) in crate::serve::stores("handoff_crash")
        .into_iter()
        .enumerate()
    {
        killed_before_the_helpdesk_answered(&format!("backend-handoff-crash-{index}"), &store);
    }
}

/// The test above on one store (a SQLite file, or PostgreSQL).
fn killed_before_the_helpdesk_answered(name: &str, store: &[String]) {
    let doubles = doubles(name);
    // This policy hands off to Gorgias, which finds a ticket again only by
    // its external id (a lookup before the resend).
    let mut file = std::fs::read_to_string(&doubles.backend).expect("the backend file");
    file = file.replace(
        "bigcommerce_order_info = \"kustomer\"\n",
        "bigcommerce_order_info = \"kustomer\"\nSingle_order_cancellation_policy = \"gorgias\"\n",
    );
    std::fs::write(&doubles.backend, &file).expect("the backend file");
    let backend = doubles.backend.display().to_string();
    let args = ["--backend", backend.as_str(), "--resume-after-ms", "0"];
    let first = serve_with(store, &args, &doubles.credentials);
    let (id, token) = start(&first);
    say(&first, &id, &token, "maya@example.com");

    // Gorgias makes the ticket, then holds its answer; the process dies.
    let hanging = doubles.hold_write(
        serde_json::json!({"platform": "gorgias", "method": "POST", "path": "/api/tickets", "hold_ms": 60_000}),
        "gorgias ticket",
        &first,
        (&id, &token),
        "I want to talk to a real person",
    );
    drop(first); // kill -9, the ticket made but not acknowledged
    assert!(
        hanging.join().expect("the client thread").is_err(),
        "the client saw the crash"
    );

    let second = serve_with(store, &args, &doubles.credentials);
    let handoffs = handoff_settled(&second, &id);
    assert_eq!(handoffs[0]["state"], "sent", "{handoffs}");
    assert_eq!(handoffs[0]["helpdesk"], "gorgias", "{handoffs}");
    let journal = doubles.journal();
    assert_eq!(
        journal["executions"]["gorgias ticket"], 1,
        "{}",
        journal["executions"]
    );
    let tickets: Vec<&Value> = journal["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .filter(|ticket| ticket["helpdesk"] == "gorgias")
        .collect();
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    assert_eq!(tickets[0]["id"], handoffs[0]["ticket"]);
    let lookups = journal["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .filter(|entry| {
            entry["platform"] == "gorgias"
                && entry["method"] == "GET"
                && entry["path"]
                    .as_str()
                    .is_some_and(|path| path.contains("external_id="))
        })
        .count();
    assert_eq!(lookups, 1, "the resend looked the ticket up first");
    // Nothing more is sent, however many sweeps run.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(doubles.journal()["executions"]["gorgias ticket"], 1);
}
