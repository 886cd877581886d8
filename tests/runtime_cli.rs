//! CLI tests of the runtime commands: `chat`, `run`, `test`, `replay`, `explain`.

use std::io::Write;
use std::process::{Command, Stdio};

fn keel() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keel"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

#[test]
fn chat_completes_a_wismo_conversation() {
    let mut child = keel()
        .args(["chat", "examples/shopify_wismo/policy.md"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("keel runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"hi, it's maya@example.com\nthe shoes\n")
        .expect("write");
    let output = child.wait_with_output().expect("keel finishes");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("Your order #1042 was shipped"), "{text}");
    assert!(text.contains("1Z999AA10123456784"), "{text}");
    assert!(text.contains("[conversation ended: resolved]"), "{text}");
}

#[test]
fn golden_conversations_pass_with_full_coverage() {
    let output = keel()
        .args(["test", "examples"])
        .output()
        .expect("keel runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    let examples = std::fs::read_dir("examples")
        .expect("examples folder")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("policy.md").exists())
        .count();
    assert!(examples >= 5, "{examples} examples");
    assert_eq!(text.matches("transitions").count(), examples, "{text}");
    for line in text.lines().filter(|line| line.contains("coverage:")) {
        assert!(line.ends_with("(100.0 %)"), "{line}");
    }
}

#[test]
fn run_prints_a_transcript_and_its_log_replays_and_explains() {
    let folder = std::env::temp_dir().join(format!("keel-runtime-cli-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("temp folder");
    let log = folder.join("session.jsonl");
    let output = keel()
        .args([
            "run",
            "examples/single_order_cancellation/policy.md",
            "--script",
            "examples/single_order_cancellation/conversations/cancel_pending_confirmed.toml",
            "--log",
        ])
        .arg(&log)
        .output()
        .expect("keel runs");
    assert!(output.status.success());
    let transcript: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(transcript["outcome"]["outcome"], "cancelled");
    assert_eq!(
        transcript["tool_calls"][3]["call"],
        "cancel_order(order_id: \"311\")"
    );
    assert!(transcript["path"][0]["source"]["line"].is_number());
    let replay = keel().arg("replay").arg(&log).output().expect("keel runs");
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let explain = keel().arg("explain").arg(&log).output().expect("keel runs");
    let text = String::from_utf8_lossy(&explain.stdout);
    assert!(text.contains("cancel_order"), "{text}");
    assert!(text.contains("step 5.c"), "{text}");
    let tampered = std::fs::read_to_string(&log)
        .expect("log")
        .replace("\"yes please\"", "\"no thanks\"");
    std::fs::write(&log, tampered).expect("write");
    let replay = keel().arg("replay").arg(&log).output().expect("keel runs");
    assert!(!replay.status.success());
    let _ = std::fs::remove_dir_all(&folder);
}
