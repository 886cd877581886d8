//! The engine's part in proactive outreach: starting a session with an
//! event's data, keeping and waking a timer, the outcome of a plain
//! ending, and testing a triggered machine's condition on an event.

use crate::engine::{fault, run, set, take};
use crate::eval::test;
use crate::event::{Effect, Event, Evidence, Output, Snippet, Timer};
use crate::machine::{Kind, Machine};
use crate::session::{Phase, Session};
use crate::value::{Date, Value};
use std::sync::Arc;

/// Why a `TimerFired` that matches no pending timer is ignored.
pub(crate) const NO_SUCH_TIMER: &str = "no timer with that id is pending";

/// The engine's transitions for the proactive events: a triggered start
/// (`$event` bound, then the start state), the pending timer firing, and
/// the customer writing during a wait (the follow-up happens now; the
/// timer, when it comes due, finds nothing waiting for it).
pub(crate) fn advance(
    machine: &Machine,
    session: &mut Session,
    event: &Event,
    output: &mut Output,
) {
    match event {
        Event::Triggered(triggered) => {
            if let Some(trigger) = &machine.trigger {
                set(session, trigger.var, triggered.data.clone());
            }
            run(machine, session, machine.start, output);
        }
        Event::TimerFired(fired) if fired.timer == session.pending => {
            if let Some(today) = fired.today.as_deref().and_then(Date::parse_iso) {
                session.today = today;
            }
            wake(machine, session, "the timer fired", output);
        }
        Event::TimerFired(_) => output.ignored = Some(NO_SUCH_TIMER),
        _ => wake(machine, session, "the customer wrote first", output),
    }
}

/// Keeps a durable timer at a wait state: the session waits for it.
pub(crate) fn schedule(session: &mut Session, seconds: u64, output: &mut Output) {
    session.calls = session.calls.saturating_add(1);
    session.pending = session.calls;
    session.phase = Phase::WaitingForTimer;
    output.effects.push(Effect::Schedule(Timer {
        id: session.calls,
        seconds,
    }));
}

/// The outcome an ending records: the one written, except that a plain
/// ending (`ended`) right after the customer's explicit yes is `resolved`
/// — they confirmed it is settled.
pub(crate) fn outcome(session: &Session, written: &Arc<str>) -> Arc<str> {
    if written.as_ref() == "ended" && session.confirmed {
        Arc::from("resolved")
    } else {
        Arc::clone(written)
    }
}

/// Leaves a wait state along its one edge.
pub(crate) fn wake(
    machine: &Machine,
    session: &mut Session,
    why: &'static str,
    output: &mut Output,
) {
    match machine
        .states
        .get(session.state.0 as usize)
        .map(|state| &state.kind)
    {
        Some(Kind::Wait { next, .. }) => {
            let next = *next;
            take(
                machine,
                session,
                next,
                Evidence::Value(Snippet::new(why)),
                output,
            );
        }
        _ => fault(
            machine,
            session,
            "the session waits at a state that keeps no timer",
            output,
        ),
    }
}

/// Whether an external event's data meets the triggered machine's
/// conditions (`trigger: { when: … }`); `false` for a machine with no
/// trigger. The data is checked against nothing else here: fields the
/// conditions compare that are missing or of another type do not hold.
pub fn trigger_holds(machine: &Machine, data: &Value, today: Date) -> bool {
    let Some(trigger) = &machine.trigger else {
        return false;
    };
    let mut session = Session::new(machine, today);
    set(&mut session, trigger.var, data.clone());
    trigger
        .when
        .iter()
        .all(|condition| test(&session, condition).0)
}
