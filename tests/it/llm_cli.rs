//! The LLM boundary through the `keel` binary: `compile --llm` against a
//! loopback chat-completions server (recorded rewrites: two faithful, one
//! adding a write call, one dropping the condition, two dropping one of two
//! conditions) freezes only the rewrites
//! the compiler accepts in the lock file beside the policy; with the lock
//! present, compiling needs no network and gives the same bytes every time;
//! `check` shows each sentence beside its rewrite.

use crate::{Run, keel, root, scratch, text};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Output;

/// `keel` with the LLM configured to answer at `base_url`.
fn keel_with_llm(args: &[&str], base_url: &str) -> Output {
    keel(args)
        .env("KEEL_LLM_BASE_URL", base_url)
        .env("KEEL_LLM_MODEL", "stub-model")
        .env("KEEL_LLM_TIMEOUT_SECS", "10")
        .run()
}

/// A copy of `compiler/tests/data/lock/{policy.md,catalog.toml}`.
fn workspace(name: &str) -> PathBuf {
    let directory = scratch(&format!("llm_cli_{name}"));
    for file in ["policy.md", "catalog.toml"] {
        std::fs::copy(
            root().join("compiler/tests/data/lock").join(file),
            directory.join(file),
        )
        .expect("copy");
    }
    directory
}

/// The rewrite the stub answers for a sentence (its request's last line).
fn answer(request: &str) -> Value {
    let sentence = request.lines().last().unwrap_or_default();
    let rewrite = if sentence.contains("heard") {
        "Inform the customer that we hear them before anything else."
    } else if sentence.contains("survey") {
        // A write call the sentence does not write: rejected, not frozen.
        "Use @send_survey to send the satisfaction survey."
    } else if sentence.contains("upset") {
        // The condition is lost: rejected, not frozen.
        "Inform the customer that we hear them before anything else."
    } else if sentence.contains("on its way") {
        // One part of the condition is lost: rejected, not frozen.
        "If $order.status is \"Shipped\", inform the customer that the parcel is on its way."
    } else if sentence.contains("has arrived") {
        // One of two conditions (the label) is lost: rejected, not frozen.
        "If $order.status is \"Delivered\", inform the customer that the parcel has arrived."
    } else {
        "End the conversation as resolved."
    };
    json!({ "rewrite": rewrite })
}

/// Serves `count` chat completions on loopback, one connection each.
fn stub(count: usize) -> (String, std::thread::JoinHandle<Vec<Value>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let base_url = format!(
        "http://127.0.0.1:{}/v1",
        listener.local_addr().expect("address").port()
    );
    let handle = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for _ in 0..count {
            let Ok((stream, _)) = listener.accept() else {
                break;
            };
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let sentence = request["messages"][1]["content"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            requests.push(request);
            let completion = json!({
                "object": "chat.completion",
                "choices": [{"index": 0, "finish_reason": "stop",
                    "message": {"role": "assistant", "content": answer(&sentence).to_string()}}]
            })
            .to_string();
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{completion}",
                completion.len()
            );
        }
        requests
    });
    (base_url, handle)
}

/// A loopback URL nobody listens on.
fn nowhere() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port");
    format!("http://127.0.0.1:{port}/v1")
}

#[test]
fn compile_llm_freezes_checked_answers_and_then_compiles_offline_byte_for_byte() {
    let directory = workspace("freeze");
    let policy = directory.join("policy.md");
    let policy = policy.to_str().expect("utf-8 path");
    let (base_url, server) = stub(6);
    let frozen = keel_with_llm(&["compile", "--llm", policy], &base_url);
    let stderr = text(&frozen.stderr)
        .replace(policy, "POLICY")
        .replace(&directory.join("policy.lock").display().to_string(), "LOCK");
    let requests = server.join().expect("the stub ends");
    assert_eq!(requests.len(), 6, "one request per unread sentence");
    for request in &requests {
        assert_eq!(request["response_format"]["type"], "json_schema");
        let schema = &request["response_format"]["json_schema"]["schema"];
        assert_eq!(schema["required"], json!(["rewrite"]));
        let system = request["messages"][0]["content"]
            .as_str()
            .unwrap_or_default();
        assert!(system.contains("Shapes keel reads:"), "{system}");
        assert!(
            system.contains("@send_survey(email: email) → bool [write]"),
            "{system}"
        );
        assert!(
            system.contains("- Order: id: string, status (\"Processing\""),
            "{system}"
        );
        let sent = request["messages"][1]["content"]
            .as_str()
            .unwrap_or_default();
        assert!(sent.contains("The step before: "), "{sent}");
        assert!(sent.contains("Rewrite this sentence of step "), "{sent}");
    }
    insta::assert_snapshot!("compile_llm_freeze", stderr);
    let lock_path = directory.join("policy.lock");
    let lock = std::fs::read_to_string(&lock_path).expect("the lock file is written");
    insta::assert_snapshot!("compile_llm_lock", lock);
    // The rejected sentence is still an error, so this compile fails.
    assert_eq!(frozen.status.code(), Some(1), "{stderr}");

    // With the lock present, no network: the LLM's URL leads nowhere.
    let offline = nowhere();
    let first = keel_with_llm(&["compile", policy], &offline);
    let second = keel_with_llm(&["compile", policy], &offline);
    assert_eq!(first.stdout, second.stdout, "byte-identical");
    let json = text(&first.stdout);
    assert_eq!(
        json.matches("\"extracted_by\": \"llm\"").count(),
        2,
        "{json}"
    );
    // Each sentence beside its rewrite; the rejected ones stay errors.
    let check = keel_with_llm(&["check", policy], &offline);
    insta::assert_snapshot!(
        "check_with_lock",
        text(&check.stderr).replace(policy, "POLICY")
    );

    // An edited sentence makes its entry stale and its new wording missing.
    let policy_text = std::fs::read_to_string(directory.join("policy.md")).expect("policy");
    std::fs::write(
        directory.join("policy.md"),
        policy_text.replace("on a friendly note", "on a warm note"),
    )
    .expect("edit");
    let edited = keel_with_llm(&["check", policy], &offline);
    // The old entry is stale (K0116), the new wording has no rewrite.
    insta::assert_snapshot!(
        "check_with_stale_lock",
        text(&edited.stderr).replace(policy, "POLICY")
    );
}

#[test]
fn compile_llm_without_an_llm_says_what_to_set() {
    let directory = workspace("unset");
    let policy = directory.join("policy.md");
    let output = keel(&["compile", "--llm", crate::arg(&policy)])
        .env_remove("KEEL_LLM_BASE_URL")
        .run();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(text(&output.stderr));
}
