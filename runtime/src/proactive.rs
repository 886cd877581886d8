//! The engine's part in proactive outreach: waking a session that waits
//! for a timer, and testing a triggered machine's condition on an event.

use crate::engine::{fault, set, take, test};
use crate::event::{Evidence, Output, Snippet};
use crate::machine::{Kind, Machine};
use crate::session::Session;
use crate::value::{Date, Value};

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
