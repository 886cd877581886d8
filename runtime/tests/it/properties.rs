//! Property tests over the four examples: random customer replies and
//! random tool responses (errors, timeouts, malformed and absent payloads)
//! never make the engine panic or stop the machine; every step moves along
//! the graph's transitions from where the session was; conversations end
//! within a bounded number of replies; a destructive call only follows a
//! "yes" at a yes/no question; and the log replays byte for byte.

use crate::common::{EXAMPLES, example, today};
use keel_runtime::{
    BlockingTools, Conversation, DemoStore, Effect, Event, Machine, Phase, ToolOutcome, ToolResult,
    Value, log,
};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Replies after which every example must have finished (the verifier's
/// turn bounds are far lower; this leaves room for re-asks).
const MAX_REPLIES: usize = 40;

fn machines() -> &'static Vec<Machine> {
    static MACHINES: OnceLock<Vec<Machine>> = OnceLock::new();
    MACHINES.get_or_init(|| EXAMPLES.iter().map(|name| example(name)).collect())
}

#[derive(Clone, Debug)]
enum Response {
    Store,
    Error,
    Timeout,
    Malformed,
    Absent,
    EmptyList,
    Record(String),
}

fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        6 => Just(Response::Store),
        1 => Just(Response::Error),
        1 => Just(Response::Timeout),
        1 => Just(Response::Malformed),
        1 => Just(Response::Absent),
        1 => Just(Response::EmptyList),
        1 => "[a-zA-Z ]{0,12}".prop_map(Response::Record),
    ]
}

fn reply() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("maya@example.com".to_string()),
        Just("sam@example.com".to_string()),
        Just("lee@example.com".to_string()),
        Just("noor@example.com".to_string()),
        Just("nobody@example.com".to_string()),
        Just("yes".to_string()),
        Just("no".to_string()),
        Just("the first one".to_string()),
        Just("the second one".to_string()),
        Just("none of them".to_string()),
        Just("agent".to_string()),
        Just("2".to_string()),
        Just("discount".to_string()),
        Just("no thanks".to_string()),
        "\\PC{0,40}",
        "[a-z@.# 0-9]{0,20}",
    ]
}

struct Chaos {
    store: DemoStore,
    responses: Vec<Response>,
    next: usize,
}

impl BlockingTools for Chaos {
    fn perform(&mut self, call: &keel_runtime::ToolCall) -> ToolOutcome {
        let response = self
            .responses
            .get(self.next)
            .cloned()
            .unwrap_or(Response::Store);
        self.next += 1;
        match response {
            Response::Store => self.store.perform(call),
            Response::Error => ToolOutcome::Error("HTTP 500".to_string()),
            Response::Timeout => ToolOutcome::Timeout,
            Response::Malformed => ToolOutcome::Ok(Value::Number(42.0)),
            Response::Absent => ToolOutcome::Ok(Value::Null),
            Response::EmptyList => ToolOutcome::Ok(Value::List(Vec::new().into())),
            Response::Record(status) => ToolOutcome::Ok(Value::record(vec![
                ("id".into(), Value::text("1042")),
                ("status".into(), Value::text(&status)),
            ])),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_conversations_stay_on_the_graph(
        which in 0usize..4,
        replies in proptest::collection::vec(reply(), 0..MAX_REPLIES),
        responses in proptest::collection::vec(response(), 0..30),
    ) {
        let machine = &machines()[which];
        let mut tools = Chaos { store: DemoStore::embedded(today()), responses, next: 0 };
        let mut conversation = Conversation::new(machine, today());
        conversation.start_blocking(&mut tools);
        let mut used = 0;
        for reply in &replies {
            if !conversation.waits_for_user() {
                break;
            }
            conversation.reply_blocking(reply, &mut tools);
            used += 1;
        }
        prop_assert!(used <= MAX_REPLIES);
        prop_assert_ne!(conversation.session().outcome(), Some("fault"));
        if replies.len() == MAX_REPLIES - 1 || conversation.session().is_finished() {
            // Finished, or still waiting only because the replies ran out.
            prop_assert!(conversation.session().is_finished() || used == replies.len());
        }
        check_path(machine, &conversation)?;
        let text = log::write(&conversation, &[]);
        let replayed = log::replay(machine, &text).map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(log::write(&replayed, &[]), text);
    }

    #[test]
    fn enough_replies_always_finish_the_conversation(
        which in 0usize..4,
        seed in proptest::collection::vec(reply(), 1..8),
        responses in proptest::collection::vec(response(), 0..30),
    ) {
        let machine = &machines()[which];
        let mut tools = Chaos { store: DemoStore::embedded(today()), responses, next: 0 };
        let mut conversation = Conversation::new(machine, today());
        conversation.start_blocking(&mut tools);
        let mut replies = 0;
        while conversation.waits_for_user() && replies < MAX_REPLIES {
            let reply = &seed[replies % seed.len()];
            conversation.reply_blocking(reply, &mut tools);
            replies += 1;
        }
        prop_assert!(conversation.session().is_finished(), "still waiting after {} replies", replies);
        check_path(machine, &conversation)?;
    }
}

/// Each step's transitions start where the session was and chain; a
/// destructive call follows a `yes` edge out of a yes/no ask.
fn check_path(machine: &Machine, conversation: &Conversation<'_>) -> Result<(), TestCaseError> {
    let artifact = machine.artifact();
    let mut at = machine.start();
    let mut last_answer: Option<&str> = None;
    let mut started = false;
    for entry in conversation.entries() {
        if entry.output.ignored.is_some() {
            prop_assert!(entry.output.effects.is_empty() && entry.output.taken.is_empty());
            continue;
        }
        if matches!(entry.event, Event::Start) {
            started = true;
        }
        prop_assert!(started);
        for taken in &entry.output.taken {
            let (from, to) = machine
                .edge_ends(taken.edge)
                .ok_or_else(|| TestCaseError::fail("unknown edge"))?;
            prop_assert_eq!(
                from,
                at,
                "a transition left from a state the session was not in"
            );
            let transition = machine
                .edge(taken.edge)
                .ok_or_else(|| TestCaseError::fail("unknown edge"))?;
            if let Some(state) = artifact.states.get(from.0 as usize) {
                if matches!(
                    &state.body,
                    keel_compiler::emit::artifact::StateBody::Ask { .. }
                ) {
                    last_answer = Some(transition.label.as_str());
                }
            }
            at = to;
        }
        if let Some(rest) = entry.output.rest {
            prop_assert_eq!(rest, at);
        }
        for effect in &entry.output.effects {
            if let Effect::CallTool(call) = effect {
                let destructive = artifact
                    .tools
                    .get(call.tool.as_ref())
                    .is_some_and(|tool| tool.effect == "destructive");
                if destructive {
                    prop_assert_eq!(last_answer, Some("yes"), "a destructive call without a yes");
                }
            }
        }
        if let Event::ToolResult(ToolResult { .. }) = &entry.event {
            prop_assert!(conversation.session().phase() != Phase::New);
        }
    }
    Ok(())
}
