//! Intent slots through the LLM interpreter against the loopback stub:
//! a reply the rules cannot read goes to the LLM once, the answer is an
//! event in the log, replay needs no LLM, and every failure falls back to
//! the rules (re-ask), so the conversation goes on.

use crate::common::{allowed_edges, machine, run_to_ask, today};
use crate::stub::{Reply, Stub};
use keel_llm::intent::LlmInterpreter;
use keel_llm::{Client, Config};
use keel_runtime::{Conversation, DemoStore, Effect, Event, log};
use std::time::Duration;

fn interpreter(stub: &Stub, timeout: Duration) -> LlmInterpreter {
    let mut config = Config::new(&stub.base_url, "stub-model");
    config.timeout = timeout;
    config.backoff = Duration::from_millis(5);
    config.max_backoff = Duration::from_millis(20);
    LlmInterpreter::new(Client::new(config).expect("a client"))
}

const OFFERS: [&str; 2] = ["maya@example.com", "the espresso machine"];

#[test]
fn an_unclear_reply_is_read_by_one_call_and_replays_without_the_llm() {
    let machine = machine("magento_cancel_retention");
    let stub = Stub::always(Reply::Content(
        r#"{"choice": "Shipping Upgrade"}"#.to_string(),
    ));
    let mut llm = interpreter(&stub, Duration::from_secs(5));
    let mut store = DemoStore::embedded(today());
    let mut conversation = Conversation::new(&machine, today());
    conversation.start_blocking(&mut store);
    // Replies the rules read never reach the LLM.
    for reply in OFFERS {
        conversation.reply_interpreting_blocking(reply, &mut store, &mut llm);
    }
    assert_eq!(stub.requests().len(), 0);
    let first = conversation.reply_interpreting_blocking(
        "hmm, I guess getting it to me sooner would be nice",
        &mut store,
        &mut llm,
    );
    assert_eq!(stub.requests().len(), 1, "one call for the unclear reply");
    let entry = &conversation.entries()[first];
    let Event::Interpreted(interpretation) = &entry.event else {
        panic!("the turn is logged as an interpretation: {:?}", entry.event);
    };
    assert_eq!(interpretation.chosen, "Shipping Upgrade");
    // The ask's own options, then the conversation repairs.
    assert_eq!(
        interpretation.question.options,
        [
            "Discount Offer",
            "Shipping Upgrade",
            "Future Discount",
            "(repeat the question)",
            "(a question back, not an answer)",
            "(never mind, stop here)",
            "(start over)",
            "(skip this question)",
            "(something else: another order or record)",
            "(asks for something this service cannot do)",
            "(talk to a person)",
        ]
    );
    assert!(entry.output.effects.iter().any(|effect| matches!(
        effect,
        Effect::CallTool(call) if call.tool.as_ref() == "upgrade_shipping"
    )));
    let written = log::write(&conversation, &[]);
    let logged = written
        .lines()
        .find(|line| line.starts_with(r#"{"event":{"interpreted""#))
        .unwrap_or_default();
    insta::assert_snapshot!("interpreted_log_line", logged);
    // Replay re-applies the recorded answer: no LLM, same bytes.
    let replayed = log::replay(&machine, &written).expect("the log replays");
    assert_eq!(log::write(&replayed, &[]), written);
    let explained = log::explain(&replayed);
    assert!(
        explained.contains("stub-model chose “Shipping Upgrade”"),
        "{explained}"
    );
}

#[test]
fn an_llm_may_name_a_conversation_repair_from_the_closed_set() {
    let machine = machine("magento_cancel_retention");
    for (choice, repair, waits) in [
        ("(start over)", Some("repair-start-over"), true),
        ("(repeat the question)", Some("repair-repeat"), true),
        ("(never mind, stop here)", Some("repair-cancel-flow"), false),
        (
            "(asks for something this service cannot do)",
            Some("repair-cannot-handle"),
            false,
        ),
        ("(talk to a person)", None, false),
    ] {
        let stub = Stub::always(Reply::Content(format!(r#"{{"choice": "{choice}"}}"#)));
        let mut llm = interpreter(&stub, Duration::from_secs(5));
        let (mut conversation, mut store, _) = run_to_ask(&machine, &OFFERS);
        let first = conversation.reply_interpreting_blocking(
            "ugh, this is all a bit much",
            &mut store,
            &mut llm,
        );
        let entry = &conversation.entries()[first];
        let Event::Interpreted(interpretation) = &entry.event else {
            panic!("{choice}: the call is logged");
        };
        assert_eq!(interpretation.chosen, choice);
        assert_eq!(entry.output.repair, repair, "{choice}");
        assert_eq!(conversation.waits_for_user(), waits, "{choice}");
        // Never a write or destructive call: a repair moves along the
        // verified repair edges only.
        assert!(
            !entry
                .output
                .effects
                .iter()
                .any(|effect| matches!(effect, Effect::CallTool(_))),
            "{choice}: {:?}",
            entry.output.effects
        );
        if choice == "(talk to a person)" {
            assert!(
                entry
                    .output
                    .effects
                    .iter()
                    .any(|effect| matches!(effect, Effect::HandOff(_))),
                "{choice}: handed off"
            );
        }
        // A request the policy cannot do: a person takes it, with its own
        // reason, after a line telling the customer so.
        if choice == "(asks for something this service cannot do)" {
            let effects = &entry.output.effects;
            assert!(
                effects.iter().any(|effect| matches!(
                    effect,
                    Effect::HandOff(handoff)
                        if handoff.reason.as_ref() == "the customer asked for something this policy cannot do"
                )),
                "{choice}: {effects:?}"
            );
            assert!(
                effects.iter().any(|effect| matches!(
                    effect,
                    Effect::Send(text) if text.contains("passing you to a person")
                )),
                "{choice}: {effects:?}"
            );
        }
    }
}

#[test]
fn a_confirmation_before_a_destructive_call_never_reaches_the_llm() {
    let machine = machine("magento_cancel_retention");
    let stub = Stub::always(Reply::Content(r#"{"choice": "yes"}"#.to_string()));
    let mut llm = interpreter(&stub, Duration::from_secs(5));
    let mut store = DemoStore::embedded(today());
    let mut conversation = Conversation::new(&machine, today());
    conversation.start_blocking(&mut store);
    for reply in [OFFERS[0], OFFERS[1], "none of them"] {
        conversation.reply_interpreting_blocking(reply, &mut store, &mut llm);
    }
    let first =
        conversation.reply_interpreting_blocking("well, you know, whatever", &mut store, &mut llm);
    assert_eq!(stub.requests().len(), 0, "the deterministic yes/no decides");
    assert!(matches!(
        conversation.entries()[first].event,
        Event::User(_)
    ));
    assert_eq!(conversation.entries()[first].output.reasked, Some(1));
}

#[test]
fn an_llm_that_is_down_slow_or_wrong_falls_back_to_the_rules() {
    let machine = machine("magento_cancel_retention");
    let cases = [
        ("server error", Reply::Status(500, "boom".to_string(), None)),
        (
            "rate limited",
            Reply::Status(429, "later".to_string(), Some("0")),
        ),
        ("garbage", Reply::Content("Shipping Upgrade!!".to_string())),
        (
            "outside the set",
            Reply::Content(r#"{"choice": "refund_everything"}"#.to_string()),
        ),
        (
            "truncated",
            Reply::Finish(r#"{"choice": "Ship"#.to_string(), "length"),
        ),
        (
            "slow",
            Reply::Slow(
                Duration::from_secs(30),
                r#"{"choice": "Discount Offer"}"#.to_string(),
            ),
        ),
    ];
    for (what, reply) in cases {
        let stub = Stub::always(reply);
        let mut llm = interpreter(&stub, Duration::from_millis(300));
        let (mut conversation, mut store, ask) = run_to_ask(&machine, &OFFERS);
        let first = conversation.reply_interpreting_blocking("hmm", &mut store, &mut llm);
        let entry = &conversation.entries()[first];
        let Event::Interpreted(interpretation) = &entry.event else {
            panic!("{what}: the call is logged");
        };
        assert_eq!(interpretation.chosen, "unclear", "{what}");
        assert!(interpretation.error.is_some(), "{what}");
        assert_eq!(entry.output.reasked, Some(1), "{what}: asked again");
        assert!(
            conversation.waits_for_user(),
            "{what}: the conversation goes on"
        );
        assert_eq!(conversation.session().state(), ask, "{what}");
        // The rules still read the next reply.
        let next = conversation.reply_interpreting_blocking("the discount", &mut store, &mut llm);
        assert!(
            matches!(conversation.entries()[next].event, Event::User(_)),
            "{what}"
        );
        assert!(
            allowed_edges(&machine, ask)
                .contains(&conversation.entries()[next].output.taken[0].edge)
        );
    }
}
