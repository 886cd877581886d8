//! The engine's proactive events on `examples/wismo_proactive`: a
//! triggered start binds `$event` and keeps a timer; only the pending
//! timer's id wakes the session, once; a customer who writes first wakes
//! it early; the trigger's condition decides whether an event starts it.

use crate::common::{example, today};
use keel_runtime::{
    Effect, Event, Phase, Session, TimerFired, Triggered, Value, step, trigger_holds,
};
use serde_json::json;

fn gap(hours: i64) -> Value {
    Value::from_json(&json!({
        "order_id": "1042",
        "tracking_number": "1Z999AA10123456784",
        "carrier": "UPS",
        "code": "Exception_017",
        "location": "Memphis, TN",
        "hours_since_scan": hours,
    }))
}

fn triggered(hours: i64) -> Event {
    Event::Triggered(Box::new(Triggered {
        kind: "carrier_scan_gap".to_string(),
        data: gap(hours),
    }))
}

fn fired(timer: u32) -> Event {
    Event::TimerFired(TimerFired {
        timer,
        today: Some("2026-03-11".to_string()),
    })
}

fn sent(effects: &[Effect]) -> Vec<&str> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Send(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_triggered_start_binds_the_event_and_keeps_one_timer_that_wakes_once() {
    let machine = example("wismo_proactive");
    let (session, output) = step(&machine, Session::new(&machine, today()), &triggered(52));
    let said = sent(&output.effects);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("#1042") && said[0].contains("extreme weather"),
        "{}",
        said[0]
    );
    let scheduled: Vec<(u32, u64)> = output
        .effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Schedule(timer) => Some((timer.id, timer.seconds)),
            _ => None,
        })
        .collect();
    assert_eq!(scheduled.len(), 1);
    let (timer, seconds) = scheduled[0];
    assert_eq!(seconds, 24 * 3600);
    assert_eq!(session.phase(), Phase::WaitingForTimer);
    assert_eq!(session.pending_id(), timer);

    // Another timer's id, or a second start: ignored, nothing changes.
    let (same, output) = step(&machine, session.clone(), &fired(timer + 1));
    assert_eq!(output.ignored, Some("no timer with that id is pending"));
    assert!(output.effects.is_empty());
    assert_eq!(same.phase(), Phase::WaitingForTimer);
    let (_, output) = step(&machine, session.clone(), &triggered(52));
    assert_eq!(output.ignored, Some("the session has already started"));

    // The pending timer: the follow-up calls the tracking tool.
    let (woken, output) = step(&machine, session, &fired(timer));
    assert!(
        output
            .effects
            .iter()
            .any(|effect| matches!(effect, Effect::CallTool(call) if call.tool.as_ref() == "get_tracking")),
        "{:?}",
        output.effects
    );
    assert_eq!(woken.phase(), Phase::WaitingForTool);
    // The same timer again (a second process, a retry): nothing happens.
    let (_, output) = step(&machine, woken, &fired(timer));
    assert_eq!(output.ignored, Some("no timer with that id is pending"));
    assert!(output.effects.is_empty());
}

#[test]
fn a_customer_who_writes_during_the_wait_gets_the_follow_up_at_once() {
    let machine = example("wismo_proactive");
    let (session, _) = step(&machine, Session::new(&machine, today()), &triggered(50));
    let (woken, output) = step(&machine, session, &Event::User("any news?".to_string()));
    assert_eq!(woken.phase(), Phase::WaitingForTool, "{:?}", output.effects);
}

#[test]
fn the_triggers_condition_decides_whether_an_event_starts_the_policy() {
    let machine = example("wismo_proactive");
    assert!(!trigger_holds(&machine, &gap(47), today()));
    assert!(trigger_holds(&machine, &gap(48), today()));
    assert!(trigger_holds(&machine, &gap(200), today()));
    // A field missing or of another type: the condition does not hold.
    let missing = Value::from_json(&json!({ "order_id": "1042" }));
    assert!(!trigger_holds(&machine, &missing, today()));
    let text = Value::from_json(&json!({ "hours_since_scan": "lots" }));
    assert!(!trigger_holds(&machine, &text, today()));
    // A machine no event starts holds for none.
    assert!(!trigger_holds(&example("shopify_wismo"), &gap(50), today()));
}
