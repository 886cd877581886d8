//! Hand-offs to a helpdesk when `keel serve` runs over a backend file: once
//! the turn that hands off is committed, its transcript (the session's log,
//! replayed) and context go to the policy's helpdesk as a ticket whose key
//! is derived from the session, and which is looked up by that key before
//! it is sent, so a repeat never makes a second ticket.

use crate::App;
use crate::store::SessionRow;
use keel_adapters::{Backend, Context, Ticket};
use keel_runtime::{Handoff, Machine, log};
use serde_json::{Value, json};

/// Sends the hand-off; what happened, for the turn's answer.
pub(crate) async fn send(
    app: &App,
    backend: &Backend,
    row: &SessionRow,
    machine: &Machine,
    handoff: &Handoff,
) -> Value {
    let adapters = machine
        .artifact()
        .tools
        .values()
        .filter_map(|tool| tool.adapter.as_deref());
    let Some(helpdesk) = keel_adapters::helpdesk_for(backend, machine.name(), adapters) else {
        return json!({"error": "the backend file names no helpdesk"});
    };
    let transcript = match app.store.events(&row.id).await {
        Ok(events) => {
            let mut text =
                serde_json::to_string(&crate::sessions::header(row, machine)).unwrap_or_default();
            text.push('\n');
            for event in &events {
                text.push_str(&event.line);
                text.push('\n');
            }
            log::replay(machine, &text)
                .map(|conversation| keel_adapters::transcript(&conversation))
                .unwrap_or_default()
        }
        Err(_) => Vec::new(),
    };
    let today = keel_runtime::Date::parse_iso(&row.today).unwrap_or(keel_runtime::Date(0));
    let ticket = Ticket {
        policy: machine.name(),
        reason: &handoff.reason,
        queue: &handoff.queue,
        context: &handoff.context,
        transcript: &transcript,
        call: Context {
            key: crate::tools::idempotency_key(&row.id, "handoff", 0),
            // Whether or not an earlier attempt got through, look first.
            resend: true,
            email: keel_adapters::customer_email(&handoff.context),
            today,
        },
    };
    match backend.hand_off(helpdesk, &ticket).await {
        Ok(created) => json!({"helpdesk": created.helpdesk, "id": created.id}),
        Err(error) => json!({"helpdesk": helpdesk, "error": error}),
    }
}
