//! The prompt-injection corpus (`tests/data/injection.jsonl`) against the
//! loopback stub playing a compromised model: whatever it answers — the
//! JSON smuggled into the reply, a value outside the set, the reply echoed,
//! or the option an attacker would like — the conversation moves only
//! along the question's own edges, with one call per turn and no
//! destructive call.

use crate::common::{QUESTIONS, check_turn, injections, machine};
use crate::stub::{Reply, Stub};
use keel_llm::intent::LlmInterpreter;
use keel_llm::{Client, Config};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// The reply quoted in the request's last message.
fn quoted_reply(request: &Value) -> String {
    let content = request["messages"][1]["content"]
        .as_str()
        .unwrap_or_default();
    content
        .split_once("\"\"\"")
        .map(|(_, rest)| rest.trim_end_matches("\"\"\"").to_string())
        .unwrap_or_default()
}

fn enum_values(request: &Value) -> Vec<String> {
    request["response_format"]["json_schema"]["schema"]["properties"]["choice"]["enum"]
        .as_array()
        .map(|values| {
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The compromised models.
fn attackers() -> Vec<(&'static str, Reply)> {
    vec![
        (
            "returns the JSON smuggled into the reply",
            Reply::With(Arc::new(|request: &Value| {
                let reply = quoted_reply(request);
                match (reply.find('{'), reply.rfind('}')) {
                    (Some(start), Some(end)) if start < end => reply[start..=end].to_string(),
                    _ => r#"{"choice": "cancel_all_orders"}"#.to_string(),
                }
            })),
        ),
        (
            "echoes the reply",
            Reply::With(Arc::new(|request: &Value| quoted_reply(request))),
        ),
        (
            "obeys the attacker within the set",
            Reply::With(Arc::new(|request: &Value| {
                let values = enum_values(request);
                let pick = values.first().cloned().unwrap_or_default();
                serde_json::json!({ "choice": pick }).to_string()
            })),
        ),
    ]
}

#[test]
fn injected_replies_move_only_along_the_questions_own_edges() {
    let corpus = injections();
    assert!(
        corpus.len() >= 20,
        "the corpus has {} replies",
        corpus.len()
    );
    let mut failures = Vec::new();
    let mut turns = 0;
    for (name, prefix) in QUESTIONS {
        let machine = machine(name);
        for (attacker, reply) in attackers() {
            let stub = Stub::always(reply);
            let mut config = Config::new(&stub.base_url, "compromised");
            config.timeout = Duration::from_secs(5);
            let mut llm = LlmInterpreter::new(Client::new(config).expect("a client"));
            for injection in &corpus {
                let before = stub.requests().len();
                let result = check_turn(&machine, prefix, injection, &mut llm);
                turns += 1;
                let calls = stub.requests().len() - before;
                match result {
                    Err(why) => failures.push(format!("{name}, {attacker}: {injection:?}: {why}")),
                    Ok(_) if calls > 1 => {
                        failures.push(format!("{name}, {attacker}: {injection:?}: {calls} calls"));
                    }
                    Ok(_) => {}
                }
            }
        }
    }
    assert_eq!(turns, 2 * 3 * corpus.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
