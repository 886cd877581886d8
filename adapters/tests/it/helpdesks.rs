//! Hand-offs: a ticket per helpdesk with the reason, tags, context and
//! transcript; Gorgias refusing a ticket without messages and found again
//! by external id; Kustomer's 404 for an unknown email and JSON:API
//! envelopes; Zendesk's 201 and its idempotency keys.

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
        if helpdesk != "kustomer" {
            assert!(
                record.tags.contains(&"keel_handoff".to_string()),
                "{record:?}"
            );
        }
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
