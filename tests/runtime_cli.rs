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
