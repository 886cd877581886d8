//! The engine on the example machines: logs replay exactly, sessions are
//! pinned to their machine, destructive calls happen at most once.

use crate::common::{example, today};
use keel_runtime::{Conversation, DemoStore, Effect, Event, ToolOutcome, ToolResult, log, step};

#[test]
fn a_logged_session_replays_byte_for_byte() {
    let machine = example("shopify_wismo");
    let mut store = DemoStore::embedded(today());
    let mut conversation = Conversation::new(&machine, today());
    conversation.start_blocking(&mut store);
    conversation.reply_blocking("it's maya@example.com", &mut store);
    conversation.reply_blocking("the third one", &mut store);
    conversation.reply_blocking("nope, never got it", &mut store);
    assert_eq!(conversation.session().outcome(), Some("escalated"));
    let text = log::write(&conversation, &[]);
    let replayed = log::replay(&machine, &text).expect("replays");
    assert_eq!(log::write(&replayed, &[]), text);
    let explained = log::explain(&replayed);
    assert!(
        explained.contains("If the order was not delivered route to an agent"),
        "{explained}"
    );
}

#[test]
fn replay_refuses_another_machine_and_reports_divergence() {
    let wismo = example("shopify_wismo");
    let bigcommerce = example("bigcommerce_order_info");
    let mut store = DemoStore::embedded(today());
    let mut conversation = Conversation::new(&wismo, today());
    conversation.start_blocking(&mut store);
    conversation.reply_blocking("sam@example.com", &mut store);
    let text = log::write(&conversation, &[]);
    let error = log::replay(&bigcommerce, &text).expect_err("pinned");
    assert!(error.to_string().contains("pinned"), "{error}");
    let tampered = text.replacen("Could you share your email address?", "Hello?", 1);
    let error = log::replay(&wismo, &tampered).expect_err("diverges");
    assert_eq!(error.kind(), keel_runtime::ErrorKind::Divergence);
}

#[test]
fn events_that_do_not_fit_are_ignored_without_effects() {
    let machine = example("shopify_wismo");
    let session = keel_runtime::Session::new(&machine, today());
    let (session, output) = step(&machine, session, &Event::User("hello".to_string()));
    assert!(output.effects.is_empty());
    assert!(output.ignored.is_some());
    let (session, _) = step(&machine, session, &Event::Start);
    let (_, output) = step(
        &machine,
        session,
        &Event::ToolResult(ToolResult {
            call: 7,
            outcome: ToolOutcome::Timeout,
        }),
    );
    assert!(output.effects.is_empty() && output.ignored.is_some());
}

#[test]
fn the_cancellation_runs_once_after_yes() {
    let machine = example("single_order_cancellation");
    let mut store = DemoStore::embedded(today());
    let mut conversation = Conversation::new(&machine, today());
    conversation.start_blocking(&mut store);
    conversation.reply_blocking("maya@example.com", &mut store);
    conversation.reply_blocking("the linen shirt", &mut store);
    conversation.reply_blocking("yes, cancel it", &mut store);
    let cancels = conversation
        .entries()
        .iter()
        .flat_map(|entry| &entry.output.effects)
        .filter(|effect| matches!(effect, Effect::CallTool(call) if call.tool.as_ref() == "cancel_order"))
        .count();
    assert_eq!(cancels, 1);
    assert_eq!(conversation.session().outcome(), Some("cancelled"));
}

#[test]
fn the_async_shell_gives_the_same_log_as_the_blocking_one() {
    let machine = example("bigcommerce_order_info");
    let mut blocking = Conversation::new(&machine, today());
    let mut store = DemoStore::embedded(today());
    blocking.start_blocking(&mut store);
    blocking.reply_blocking("maya@example.com", &mut store);
    blocking.reply_blocking("the napkins", &mut store);
    let mut asynchronous = Conversation::new(&machine, today());
    let mut store = DemoStore::embedded(today());
    keel_runtime::block_on(async {
        let timeout = std::time::Duration::from_secs(5);
        asynchronous.turn(Event::Start, &mut store, timeout).await;
        asynchronous
            .turn(Event::User("maya@example.com".into()), &mut store, timeout)
            .await;
        asynchronous
            .turn(Event::User("the napkins".into()), &mut store, timeout)
            .await;
    })
    .expect("tokio starts");
    assert_eq!(log::write(&blocking, &[]), log::write(&asynchronous, &[]));
}

#[test]
fn every_logged_line_reads_back_as_a_typed_line_and_writes_the_same_bytes() {
    // Every golden conversation of the four seed examples: tool results,
    // hand-offs with context, tool calls with arguments, ends.
    let mut lines = 0;
    for name in crate::common::EXAMPLES {
        let machine = example(name);
        let folder = crate::common::root().join(format!("examples/{name}/conversations"));
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("conversations")
            .flatten()
            .map(|entry| entry.path())
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a script");
            let script = keel_runtime::script::Script::from_toml(&text).expect("a script");
            let run = keel_runtime::script::run(&machine, &script, today()).expect("runs");
            let log = log::write(&run.conversation, &[]);
            for recorded in log.lines().skip(1) {
                let line = log::Line::parse(recorded)
                    .unwrap_or_else(|error| panic!("{}: {error}\n{recorded}", file.display()));
                let written = serde_json::to_string(&line).expect("JSON");
                assert_eq!(written, recorded, "{}", file.display());
                lines += 1;
            }
        }
    }
    assert!(lines > 500, "{lines} lines");
}

/// Several items picked from a record's list field, then values computed
/// from them: a sum, a difference, a count appended to a list, a field of
/// each picked item in a message and in a tool argument.
#[test]
fn computed_values_from_picked_items() {
    use keel_runtime::{BlockingTools, Machine, ToolCall, Value};
    use std::sync::Arc;
    struct Shop(Vec<ToolCall>);
    impl BlockingTools for Shop {
        fn perform(&mut self, call: &ToolCall) -> ToolOutcome {
            self.0.push(call.clone());
            let item = |id: &str, name: &str, cents: i64| {
                Value::record(vec![
                    (Arc::from("id"), Value::text(id)),
                    (Arc::from("item"), Value::text(name)),
                    (
                        Arc::from("price"),
                        Value::Money(keel_runtime::Money {
                            minor: cents,
                            code: *b"USD",
                        }),
                    ),
                ])
            };
            match call.tool.as_ref() {
                "get_order" => ToolOutcome::Ok(Value::record(vec![(
                    Arc::from("items"),
                    Value::List(Arc::from(vec![
                        item("i1", "Electric Kettle", 12_050),
                        item("i2", "Desk Lamp", 3_000),
                        item("i3", "Wall Clock", 9_999),
                    ])),
                )])),
                _ => ToolOutcome::Ok(Value::text("done")),
            }
        }
    }
    let path = crate::common::root().join("runtime/tests/data/compute.machine.json");
    let machine =
        Machine::from_json(&std::fs::read_to_string(path).expect("reads")).expect("loads");
    let mut shop = Shop(Vec::new());
    let mut conversation = Conversation::new(&machine, today());
    conversation.start_blocking(&mut shop);
    let first = conversation.reply_blocking("the kettle and the wall clock", &mut shop);
    let said: Vec<&str> = conversation.messages_since(first).collect();
    assert_eq!(
        said,
        ["Returning Electric Kettle and Wall Clock for $220.49; you keep $30.00 (2 items)."]
    );
    assert_eq!(conversation.session().outcome(), Some("done"));
    let returned = shop.0.last().expect("a call");
    assert_eq!(returned.tool.as_ref(), "return_items");
    assert_eq!(
        returned.args.get("item_ids").map(Value::plain),
        Some(r#"["i1","i3"]"#.to_string())
    );
}
