//! Hand-offs: a ticket per helpdesk with the reason, tags (Kustomer's as
//! tag ids), context and transcript; Gorgias refusing a ticket without
//! messages and found again by external id; Kustomer's 404 for an unknown
//! email and JSON:API envelopes; Zendesk's 201 and its idempotency keys;
//! the `message` and `ticket` operations on the doubles' wire, each sent
//! once when resent.

use crate::common::{harness, text, today};
use keel_adapters::{Context, Ticket};
use keel_runtime::Value;
use std::collections::BTreeMap;

fn ticket<'a>(
    context: &'a BTreeMap<String, Value>,
    transcript: &'a [(&'static str, String)],
    email: Option<&str>,
    resend: bool,
) -> Ticket<'a> {
    Ticket {
        policy: "shopify_wismo",
        reason: "the customer asked for a human",
        queue: "agent",
        context,
        transcript,
        call: Context {
            key: "keel-handoff-key".to_string(),
            resend,
            email: email.map(str::to_string),
            today: today(),
        },
    }
}

fn fixtures() -> (BTreeMap<String, Value>, Vec<(&'static str, String)>) {
    let context = BTreeMap::from([("email".to_string(), text("maya@example.com"))]);
    let transcript = vec![
        ("bot", "Could you share your email address?".to_string()),
        (
            "customer",
            "maya@example.com, and I want a person".to_string(),
        ),
    ];
    (context, transcript)
}

#[test]
fn each_helpdesk_gets_the_reason_tags_context_and_transcript() {
    let h = harness("");
    let (context, transcript) = fixtures();
    for helpdesk in ["gorgias", "kustomer", "zendesk"] {
        let made = h
            .runtime
            .block_on(h.backend.hand_off(
                helpdesk,
                &ticket(&context, &transcript, Some("maya@example.com"), false),
            ))
            .expect("a ticket");
        assert_eq!(made.helpdesk, helpdesk);
        let journal = h.journal();
        let record = journal
            .tickets
            .iter()
            .find(|t| t.helpdesk == helpdesk)
            .expect("recorded");
        assert_eq!(record.external_id, "keel-handoff-key");
        assert_eq!(
            record.customer.as_deref(),
            Some("maya@example.com"),
            "{helpdesk}"
        );
        assert!(
            record.subject.contains("the customer asked for a human"),
            "{record:?}"
        );
        for part in [
            "Queue: agent",
            "- email: \"maya@example.com\"",
            "customer: maya@example.com, and I want a person",
        ] {
            assert!(
                record.text.contains(part),
                "{helpdesk} lacks {part:?}: {}",
                record.text
            );
        }
        // Kustomer's by tag id: the double records the name of the id.
        assert!(
            record.tags.contains(&"keel_handoff".to_string()),
            "{record:?}"
        );
    }
}

#[test]
fn gorgias_refuses_a_ticket_without_messages_and_a_resend_finds_the_first() {
    let h = harness("");
    let auth = {
        use base64::Engine;
        let pair = format!(
            "{}:{}",
            h.credential("GORGIAS_USER"),
            h.credential("GORGIAS_API_KEY")
        );
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    };
    let (status, _, body) = h.raw(
        "gorgias",
        "POST",
        "/api/tickets",
        &[("Authorization", auth)],
        Some(serde_json::json!({"subject": "no messages"})),
    );
    assert_eq!(status, 400, "{body}");
    let (context, transcript) = fixtures();
    let first = h
        .runtime
        .block_on(
            h.backend
                .hand_off("gorgias", &ticket(&context, &transcript, None, false)),
        )
        .expect("a ticket");
    let again = h
        .runtime
        .block_on(
            h.backend
                .hand_off("gorgias", &ticket(&context, &transcript, None, true)),
        )
        .expect("found");
    assert_eq!(first, again);
    assert_eq!(h.journal().executions.get("gorgias ticket"), Some(&1));
    // A message to the customer through Gorgias.
    let sent = h.ok(
        "gorgias.message",
        &[("message", text("Your order has been updated."))],
    );
    assert_eq!(sent, serde_json::Value::Bool(true));
}

#[test]
fn kustomer_answers_404_for_an_unknown_email_and_the_customer_is_made() {
    let h = harness("");
    let (status, _, _) = h.raw(
        "kustomer",
        "GET",
        "/v1/customers/email=maya@example.com",
        &[(
            "Authorization",
            format!("Bearer {}", h.credential("KUSTOMER_API_KEY")),
        )],
        None,
    );
    assert_eq!(status, 404);
    let (context, transcript) = fixtures();
    let made = h
        .runtime
        .block_on(h.backend.hand_off(
            "kustomer",
            &ticket(&context, &transcript, Some("maya@example.com"), false),
        ))
        .expect("a conversation");
    let again = h
        .runtime
        .block_on(h.backend.hand_off(
            "kustomer",
            &ticket(&context, &transcript, Some("maya@example.com"), true),
        ))
        .expect("found");
    assert_eq!(
        made, again,
        "the resend found the conversation by its externalId"
    );
    assert_eq!(
        h.requests("kustomer", "/v1/customers"),
        1 + 1 + 1 + 2,
        "404, made, found, found and its list"
    );
}

#[test]
fn zendesk_answers_201_and_keeps_each_idempotency_key() {
    let h = harness("");
    let (context, transcript) = fixtures();
    let first = h
        .runtime
        .block_on(h.backend.hand_off(
            "zendesk",
            &ticket(&context, &transcript, Some("maya@example.com"), false),
        ))
        .expect("a ticket");
    let again = h
        .runtime
        .block_on(h.backend.hand_off(
            "zendesk",
            &ticket(&context, &transcript, Some("maya@example.com"), true),
        ))
        .expect("the same");
    assert_eq!(first, again);
    assert_eq!(h.journal().executions.get("zendesk ticket"), Some(&1));
    let entries: Vec<u16> = h
        .journal()
        .requests
        .iter()
        .filter(|e| e.platform == "zendesk")
        .map(|e| e.status)
        .collect();
    assert_eq!(entries, [201, 201]);
}

#[test]
fn a_kustomer_tag_the_double_does_not_know_is_refused() {
    let h = harness("");
    let bearer = format!("Bearer {}", h.credential("KUSTOMER_API_KEY"));
    let (status, _, body) = h.raw(
        "kustomer",
        "POST",
        "/v1/customers",
        &[("Authorization", bearer.clone())],
        Some(serde_json::json!({"name": "x", "emails": [{"type": "home", "email": "x@example.com"}]})),
    );
    assert_eq!(status, 201, "{body}");
    let customer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let (status, _, body) = h.raw(
        "kustomer",
        "POST",
        "/v1/conversations",
        &[("Authorization", bearer)],
        Some(serde_json::json!({"customer": customer["data"]["id"], "tags": ["keel_handoff"]})),
    );
    assert_eq!(status, 400, "a tag name is not a tag id: {body}");
}

#[test]
fn zendesk_messages_are_public_comments_and_a_resend_reads_the_comments_first() {
    let h = harness("");
    // A ticket from a catalog tool (`zendesk.ticket`): its arguments as the context.
    let made = h.ok("zendesk.ticket", &[("order_id", text("1042"))]);
    let id = made["id"].as_str().expect("an id").to_string();
    let journal = h.journal();
    let record = journal.tickets.last().expect("a ticket");
    assert!(
        record.subject.contains("zendesk ticket") && record.text.contains("- order_id: \"1042\""),
        "{record:?}"
    );
    let args = [
        ("message", text("Your replacement ships tomorrow.")),
        ("ticket_id", text(&id)),
    ];
    let sent = h.call_with("zendesk.message", &args, "keel-message-key", false);
    assert!(matches!(sent, keel_runtime::ToolOutcome::Ok(_)), "{sent:?}");
    // The crash case: sent, no answer recorded; the resend finds the comment.
    let again = h.call_with("zendesk.message", &args, "keel-message-key", true);
    assert!(
        matches!(again, keel_runtime::ToolOutcome::Ok(_)),
        "{again:?}"
    );
    let journal = h.journal();
    assert_eq!(journal.executions.get("zendesk comment"), Some(&1));
    assert_eq!(h.requests("zendesk", "/comments.json"), 1);
    let (status, _, body) = h.raw(
        "zendesk",
        "GET",
        &format!("/api/v2/tickets/{id}/comments.json"),
        &[("Authorization", zendesk_auth(&h))],
        None,
    );
    assert_eq!(status, 200);
    let comments: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let bodies: Vec<&str> = comments["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|comment| comment["body"].as_str())
        .collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert_eq!(bodies[1], "Your replacement ships tomorrow.");
    assert_eq!(comments["comments"][1]["public"], true);
    // Without a ticket: a new ticket whose public comment goes to the customer.
    let alone = h.call_with(
        "zendesk.message",
        &[("message", text("We have news about your order."))],
        "keel-message-2",
        false,
    );
    assert!(
        matches!(alone, keel_runtime::ToolOutcome::Ok(_)),
        "{alone:?}"
    );
    let journal = h.journal();
    let record = journal.tickets.last().expect("a ticket");
    assert_eq!(record.customer.as_deref(), Some("maya@example.com"));
    assert_eq!(record.text, "We have news about your order.");
}

#[test]
fn kustomer_messages_are_notes_and_a_resend_reads_the_notes_first() {
    let h = harness("");
    // Without a conversation: one is made (its externalId the key), then the note.
    let args = [("message", text("Your parcel is with the carrier again."))];
    let first = h.call_with("kustomer.message", &args, "keel-kmsg", false);
    assert!(
        matches!(first, keel_runtime::ToolOutcome::Ok(_)),
        "{first:?}"
    );
    let again = h.call_with("kustomer.message", &args, "keel-kmsg", true);
    assert!(
        matches!(again, keel_runtime::ToolOutcome::Ok(_)),
        "{again:?}"
    );
    let journal = h.journal();
    assert_eq!(
        journal.executions.get("kustomer ticket"),
        Some(&1),
        "one conversation"
    );
    assert_eq!(
        journal.executions.get("kustomer note"),
        Some(&1),
        "one note"
    );
    let record = journal.tickets.last().expect("the conversation");
    assert_eq!(record.external_id, "keel-kmsg");
    assert_eq!(record.text, "Your parcel is with the carrier again.");
    // On a given conversation.
    let on = [
        ("message", text("And it arrives Friday.")),
        ("conversation_id", text(&record.id)),
    ];
    let sent = h.call_with("kustomer.message", &on, "keel-kmsg-2", false);
    assert!(matches!(sent, keel_runtime::ToolOutcome::Ok(_)), "{sent:?}");
    let resent = h.call_with("kustomer.message", &on, "keel-kmsg-2", true);
    assert!(
        matches!(resent, keel_runtime::ToolOutcome::Ok(_)),
        "{resent:?}"
    );
    assert_eq!(h.journal().executions.get("kustomer note"), Some(&2));
    assert_eq!(h.requests("kustomer", "/notes"), 4, "2 posts and 2 lookups");
}

#[test]
fn a_kustomer_hand_off_whose_note_failed_gets_its_note_on_the_resend_and_no_second_conversation() {
    let h = harness("");
    let (context, transcript) = fixtures();
    h.faults(vec![keel_adapters::doubles::Fault {
        status: Some(503),
        ..crate::common::fault("kustomer", Some("POST"), "/v1/notes")
    }]);
    let failed = h.runtime.block_on(h.backend.hand_off(
        "kustomer",
        &ticket(&context, &transcript, Some("maya@example.com"), false),
    ));
    assert!(failed.is_err(), "the note failed: {failed:?}");
    let made = h
        .runtime
        .block_on(h.backend.hand_off(
            "kustomer",
            &ticket(&context, &transcript, Some("maya@example.com"), true),
        ))
        .expect("found, and the note added");
    let again = h
        .runtime
        .block_on(h.backend.hand_off(
            "kustomer",
            &ticket(&context, &transcript, Some("maya@example.com"), true),
        ))
        .expect("found, noted already");
    assert_eq!(made, again);
    let journal = h.journal();
    assert_eq!(journal.executions.get("kustomer ticket"), Some(&1));
    assert_eq!(journal.executions.get("kustomer note"), Some(&1));
    let record = journal.tickets.last().expect("the conversation");
    assert!(record.text.contains("Transcript:"), "{record:?}");
}

fn zendesk_auth(h: &crate::common::Harness) -> String {
    use base64::Engine;
    let pair = format!(
        "{}/token:{}",
        h.credential("ZENDESK_EMAIL"),
        h.credential("ZENDESK_API_TOKEN")
    );
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}
