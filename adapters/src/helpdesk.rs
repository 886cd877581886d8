//! Hand-offs to helpdesks, and messages to the customer through one.
//!
//! Every hand-off — an `escalate` state the policy wrote, or one keel
//! added (the customer asked for a human, a reply stayed unclear, a tool
//! failed) — becomes a ticket with the reason, tags, what the conversation
//! collected and its transcript ([`Ticket`]):
//!
//! | helpdesk | calls | found again after a crash by |
//! |---|---|---|
//! | Gorgias | `POST /api/tickets` (the transcript as the customer's message, reason and context as an internal note), HTTP Basic `user:api key` | `GET /api/tickets?external_id=<key>` |
//! | Kustomer | `GET /v1/customers/email=<email>` (404: `POST /v1/customers`), `POST /v1/conversations` (tags are Kustomer tag ids: the names `[handoff.kustomer_tags]` maps go in `tags`, and every name in `custom.keelTagsStr`), `POST /v1/notes`, `Authorization: Bearer` | the customer's conversations' `externalId`, then that conversation's notes (the note is posted if it is missing) |
//! | Zendesk | `POST /api/v2/tickets.json` with an internal comment, HTTP Basic `email/token:token` | its `Idempotency-Key` header: a resend answers the first ticket |
//!
//! Which helpdesk: the backend file's `[handoff.policies]` entry for the
//! policy, else the helpdesk the policy's catalog already talks to (a tool
//! whose adapter is `gorgias.…`), else `[handoff] helpdesk`.
//!
//! The catalog's helpdesk operations:
//!
//! | adapter | arguments | calls | a resend looks for |
//! |---|---|---|---|
//! | `gorgias.message` | `message` | a closed ticket holding one outgoing email to the customer | the ticket's `external_id` |
//! | `zendesk.message` | `message`, `ticket_id`? | on a ticket: `PUT /api/v2/tickets/{id}.json` with a public comment; without one, a ticket whose public comment goes to the customer | the ticket's comments (`GET …/tickets/{id}/comments.json`) holding the same text; the `Idempotency-Key` |
//! | `kustomer.message` | `message`, `conversation_id`? | `POST /v1/notes` on the conversation; without one, a new conversation (its `externalId` the key) and the note | the conversation's notes (`GET /v1/conversations/{id}/notes`) holding the same text |
//! | `gorgias.ticket`, `zendesk.ticket`, `kustomer.conversation` | any | a ticket as a hand-off makes one: the tool's name as the reason, its arguments as the context | as a hand-off |
//!
//! Each answers `true` (a message) or `{"id": …}` (a ticket).

use crate::backend::{Backend, Context, Failure, Outcome, Platform, json_of, text_arg};
use crate::config::HELPDESKS;
use crate::fields::{id_text, url_with};
use crate::wire::{Kind, Request};
use base64::Engine;
use keel_runtime::{ToolCall, Value};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// Who said a line of the transcript.
pub type Line = (&'static str, String);

/// A hand-off to send.
#[derive(Clone, Debug)]
pub struct Ticket<'a> {
    /// The policy (machine) name.
    pub policy: &'a str,
    /// Why.
    pub reason: &'a str,
    /// The queue the policy named (`agent` by default).
    pub queue: &'a str,
    /// What the conversation collected.
    pub context: &'a BTreeMap<String, Value>,
    /// The conversation so far: `("customer" | "bot", text)`.
    pub transcript: &'a [Line],
    /// The idempotency key, and whether this is a resend.
    pub call: Context,
}

/// A ticket made.
#[derive(Clone, Debug, PartialEq)]
pub struct Created {
    /// The helpdesk.
    pub helpdesk: &'static str,
    /// Its id there.
    pub id: String,
}

/// The helpdesk for `policy`: the backend file's per-policy entry, the
/// helpdesk its catalog names (`adapters`), or the default.
pub fn helpdesk_for<'a>(
    backend: &'a Backend,
    policy: &str,
    adapters: impl Iterator<Item = &'a str>,
) -> Option<&'static str> {
    let known = |name: &str| HELPDESKS.iter().copied().find(|helpdesk| *helpdesk == name);
    let handoff = &backend.file().handoff;
    if let Some(name) = handoff.policies.get(policy) {
        return known(name);
    }
    let named = adapters
        .filter_map(|adapter| adapter.split_once('.').map(|(platform, _)| platform))
        .find_map(known)
        .filter(|name| backend.has(name));
    named.or_else(|| handoff.helpdesk.as_deref().and_then(known))
}

/// The ticket's text: reason, queue, what was collected, the transcript.
pub fn body(ticket: &Ticket<'_>) -> String {
    let mut text = format!(
        "Handed off by keel ({}): {}\nQueue: {}\n",
        ticket.policy, ticket.reason, ticket.queue
    );
    if !ticket.context.is_empty() {
        text.push_str("\nWhat the conversation collected:\n");
        for (name, value) in ticket.context {
            text.push_str(&format!("- {name}: {}\n", value.to_json()));
        }
    }
    text.push_str("\nTranscript:\n");
    for (who, line) in ticket.transcript {
        text.push_str(&format!("{who}: {line}\n"));
    }
    text
}

fn subject(ticket: &Ticket<'_>) -> String {
    let mut subject = format!("keel hand-off: {}", ticket.reason);
    if subject.chars().count() > 150 {
        subject = subject.chars().take(149).collect::<String>() + "…";
    }
    subject
}

fn tags(backend: &Backend, ticket: &Ticket<'_>) -> Vec<String> {
    let mut tags = vec![
        "keel_handoff".to_string(),
        format!("policy_{}", ticket.policy),
    ];
    tags.extend(backend.file().handoff.tags.iter().cloned());
    tags.into_iter()
        .map(|tag| {
            tag.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect()
}

impl Backend {
    /// Sends a hand-off to `helpdesk`.
    pub async fn hand_off(&self, helpdesk: &str, ticket: &Ticket<'_>) -> Result<Created, String> {
        let outcome = match helpdesk {
            "gorgias" => gorgias_ticket(self, ticket).await,
            "kustomer" => kustomer_conversation(self, ticket).await,
            "zendesk" => zendesk_ticket(self, ticket).await,
            other => Err(Failure::Error(format!("`{other}` is not a helpdesk"))),
        };
        match outcome {
            Ok(id) => Ok(Created {
                helpdesk: HELPDESKS
                    .iter()
                    .copied()
                    .find(|known| *known == helpdesk)
                    .unwrap_or("helpdesk"),
                id,
            }),
            Err(Failure::Timeout) => Err(format!("{helpdesk}: no answer in time")),
            Err(Failure::Error(message)) => Err(message),
        }
    }
}

/// Performs a helpdesk operation named by a catalog tool.
pub(crate) async fn call(
    backend: &Backend,
    platform: &str,
    operation: &str,
    call: &ToolCall,
    context: &Context,
) -> Outcome {
    match (platform, operation) {
        ("gorgias", "message") => {
            gorgias_message(backend, &text_arg(call, "message")?, context).await
        }
        ("zendesk", "message") => {
            let ticket = call
                .args
                .get("ticket_id")
                .map(|_| text_arg(call, "ticket_id"));
            zendesk_message(
                backend,
                &text_arg(call, "message")?,
                ticket.transpose()?,
                context,
            )
            .await
        }
        ("kustomer", "message") => {
            let conversation = call
                .args
                .get("conversation_id")
                .map(|_| text_arg(call, "conversation_id"));
            kustomer_message(
                backend,
                &text_arg(call, "message")?,
                conversation.transpose()?,
                context,
            )
            .await
        }
        ("gorgias", "ticket") | ("zendesk", "ticket") | ("kustomer", "conversation") => {
            let args: BTreeMap<String, Value> = call
                .args
                .iter()
                .map(|(name, value)| (name.to_string(), value.clone()))
                .collect();
            let reason = call.tool.replace('_', " ");
            let transcript = Vec::new();
            let ticket = Ticket {
                policy: "keel",
                reason: &reason,
                queue: "agent",
                context: &args,
                transcript: &transcript,
                call: context.clone(),
            };
            let created = backend
                .hand_off(platform, &ticket)
                .await
                .map_err(Failure::Error)?;
            Ok(json!({"id": created.id}))
        }
        _ => Err(Failure::Error(format!(
            "keel has no adapter `{platform}.{operation}`"
        ))),
    }
}

fn basic(user: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
    format!("Basic {encoded}")
}

fn gorgias_auth(platform: &Platform, request: Request) -> Request {
    request.header("Authorization", basic(platform.user(), platform.token()))
}

/// A Gorgias ticket with this external id, if one exists.
async fn gorgias_find(
    backend: &Backend,
    platform: &Platform,
    key: &str,
) -> Result<Option<String>, Failure> {
    let url = url_with(&platform.url("/api/tickets"), &[("external_id", key)]);
    let reply = backend
        .send(&gorgias_auth(platform, Request::get("gorgias", url)))
        .await?;
    let json = json_of("gorgias", &reply, "the ticket list")?;
    Ok(json["data"]
        .as_array()
        .and_then(|tickets| tickets.first())
        .map(|ticket| id_text(&ticket["id"])))
}

async fn gorgias_create(
    backend: &Backend,
    platform: &Platform,
    body: Json,
) -> Result<String, Failure> {
    let request = gorgias_auth(
        platform,
        Request::send(
            "gorgias",
            "POST",
            platform.url("/api/tickets"),
            body,
            Kind::Write,
        ),
    );
    let reply = backend.send(&request).await?;
    let json = json_of("gorgias", &reply, "the ticket")?;
    Ok(id_text(&json["id"]))
}

async fn gorgias_ticket(backend: &Backend, ticket: &Ticket<'_>) -> Result<String, Failure> {
    let platform = backend.platform("gorgias")?;
    if ticket.call.resend {
        if let Some(id) = gorgias_find(backend, platform, &ticket.call.key).await? {
            return Ok(id);
        }
    }
    let transcript: String = ticket
        .transcript
        .iter()
        .map(|(who, line)| format!("{who}: {line}\n"))
        .collect();
    let note = json!({
        "channel": "internal-note", "via": "api", "from_agent": true,
        "sender": {"email": platform.user()},
        "body_text": body(ticket),
    });
    let mut messages = Vec::new();
    let mut customer = Json::Null;
    if let Some(email) = &ticket.call.email {
        customer = json!({"email": email});
        messages.push(json!({
            "channel": "api", "via": "api", "from_agent": false,
            "sender": {"email": email},
            "subject": subject(ticket),
            "body_text": transcript,
        }));
    }
    messages.push(note);
    let mut body = json!({
        "subject": subject(ticket),
        "channel": "api",
        "via": "api",
        "status": "open",
        "external_id": ticket.call.key,
        "tags": tags(backend, ticket).into_iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
        "messages": messages,
    });
    if !customer.is_null() {
        body["customer"] = customer;
    }
    gorgias_create(backend, platform, body).await
}

async fn gorgias_message(backend: &Backend, message: &str, context: &Context) -> Outcome {
    let platform = backend.platform("gorgias")?;
    let Some(email) = &context.email else {
        return Err(Failure::Error(
            "gorgias: the conversation has no customer email to send the message to".to_string(),
        ));
    };
    if context.resend
        && gorgias_find(backend, platform, &context.key)
            .await?
            .is_some()
    {
        return Ok(Json::Bool(true));
    }
    let body = json!({
        "customer": {"email": email},
        "subject": "About your order",
        "channel": "email",
        "via": "api",
        "status": "closed",
        "external_id": context.key,
        "messages": [{
            "channel": "email", "via": "api", "from_agent": true,
            "sender": {"email": platform.user()},
            "receiver": {"email": email},
            "subject": "About your order",
            "body_text": message,
        }],
    });
    gorgias_create(backend, platform, body).await?;
    Ok(Json::Bool(true))
}

fn bearer(platform: &Platform, request: Request) -> Request {
    request.header("Authorization", format!("Bearer {}", platform.token()))
}

async fn kustomer_conversation(backend: &Backend, ticket: &Ticket<'_>) -> Result<String, Failure> {
    let platform = backend.platform("kustomer")?;
    let customer = kustomer_customer(backend, platform, ticket).await?;
    if ticket.call.resend {
        if let Some(id) = kustomer_find(backend, platform, &customer, &ticket.call.key).await? {
            // The conversation got through; its note may not have.
            let text = body(ticket);
            if !kustomer_noted(backend, platform, &id, &text).await? {
                kustomer_note(backend, platform, &id, &text).await?;
            }
            return Ok(id);
        }
    }
    let names = tags(backend, ticket);
    let ids: Vec<&String> = names
        .iter()
        .filter_map(|name| backend.file().handoff.kustomer_tags.get(name))
        .collect();
    let mut conversation = json!({
        "customer": customer,
        "name": subject(ticket),
        "status": "open",
        "priority": 3,
        "direction": "in",
        "externalId": ticket.call.key,
        "custom": {
            "keelPolicyStr": ticket.policy,
            "keelQueueStr": ticket.queue,
            "keelTagsStr": names.join(","),
        },
    });
    if !ids.is_empty() {
        conversation["tags"] = json!(ids);
    }
    let id = kustomer_create(backend, platform, conversation).await?;
    kustomer_note(backend, platform, &id, &body(ticket)).await?;
    Ok(id)
}

/// Makes a conversation; its id.
async fn kustomer_create(
    backend: &Backend,
    platform: &Platform,
    conversation: Json,
) -> Result<String, Failure> {
    let request = bearer(
        platform,
        Request::send(
            "kustomer",
            "POST",
            platform.url("/v1/conversations"),
            conversation,
            Kind::Write,
        ),
    );
    let reply = backend.send(&request).await?;
    Ok(id_text(
        &json_of("kustomer", &reply, "the conversation")?["data"]["id"],
    ))
}

/// Adds an internal note to a conversation (at most 10,240 characters).
async fn kustomer_note(
    backend: &Backend,
    platform: &Platform,
    conversation: &str,
    text: &str,
) -> Result<(), Failure> {
    let text = note_text(text);
    let note = json!({"conversation": conversation, "body": text});
    let request = bearer(
        platform,
        Request::send(
            "kustomer",
            "POST",
            platform.url("/v1/notes"),
            note,
            Kind::Write,
        ),
    );
    backend.send(&request).await?;
    Ok(())
}

/// A note's text as Kustomer keeps it: at most 10,240 characters.
fn note_text(text: &str) -> String {
    if text.chars().count() > 10_240 {
        text.chars().take(10_239).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

/// Whether a conversation's notes hold this text already.
async fn kustomer_noted(
    backend: &Backend,
    platform: &Platform,
    conversation: &str,
    text: &str,
) -> Result<bool, Failure> {
    let url = platform.url(&format!("/v1/conversations/{conversation}/notes"));
    let reply = backend
        .send(&bearer(platform, Request::get("kustomer", url)))
        .await?;
    let json = json_of("kustomer", &reply, "the conversation's notes")?;
    let text = note_text(text);
    Ok(json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|note| note["attributes"]["body"].as_str() == Some(text.as_str())))
}

/// `kustomer.message`: a note on the conversation, or on a new one.
async fn kustomer_message(
    backend: &Backend,
    message: &str,
    conversation: Option<String>,
    context: &Context,
) -> Outcome {
    let platform = backend.platform("kustomer")?;
    let conversation = match conversation {
        Some(id) => id,
        None => {
            let ticket = Ticket {
                policy: "keel",
                reason: "message",
                queue: "agent",
                context: &BTreeMap::new(),
                transcript: &[],
                call: context.clone(),
            };
            let customer = kustomer_customer(backend, platform, &ticket).await?;
            let found = if context.resend {
                kustomer_find(backend, platform, &customer, &context.key).await?
            } else {
                None
            };
            match found {
                Some(id) => id,
                None => {
                    let conversation = json!({
                        "customer": customer,
                        "name": "About your order",
                        "status": "open",
                        "direction": "out",
                        "externalId": context.key,
                    });
                    kustomer_create(backend, platform, conversation).await?
                }
            }
        }
    };
    if context.resend && kustomer_noted(backend, platform, &conversation, message).await? {
        return Ok(Json::Bool(true));
    }
    kustomer_note(backend, platform, &conversation, message).await?;
    Ok(Json::Bool(true))
}

/// The customer's conversation with this external id, if any.
async fn kustomer_find(
    backend: &Backend,
    platform: &Platform,
    customer: &str,
    key: &str,
) -> Result<Option<String>, Failure> {
    let url = platform.url(&format!("/v1/customers/{customer}/conversations"));
    let reply = backend
        .send(&bearer(platform, Request::get("kustomer", url)))
        .await?;
    let json = json_of("kustomer", &reply, "the customer's conversations")?;
    Ok(json["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|conversation| conversation["attributes"]["externalId"].as_str() == Some(key))
        .map(|conversation| id_text(&conversation["id"])))
}

/// The Kustomer customer of the hand-off: found by email, or made.
async fn kustomer_customer(
    backend: &Backend,
    platform: &Platform,
    ticket: &Ticket<'_>,
) -> Result<String, Failure> {
    if let Some(email) = &ticket.call.email {
        let url = platform.url(&format!("/v1/customers/email={email}"));
        let reply = backend
            .send(&bearer(platform, Request::get("kustomer", url)))
            .await?;
        if reply.status != 404 {
            return Ok(id_text(
                &json_of("kustomer", &reply, "the customer")?["data"]["id"],
            ));
        }
    }
    let body = match &ticket.call.email {
        Some(email) => json!({"name": email, "emails": [{"type": "home", "email": email}]}),
        None => json!({"name": "keel chat visitor", "externalId": ticket.call.key}),
    };
    let request = bearer(
        platform,
        Request::send(
            "kustomer",
            "POST",
            platform.url("/v1/customers"),
            body,
            Kind::Write,
        ),
    );
    let reply = backend.send(&request).await?;
    Ok(id_text(
        &json_of("kustomer", &reply, "the new customer")?["data"]["id"],
    ))
}

async fn zendesk_ticket(backend: &Backend, ticket: &Ticket<'_>) -> Result<String, Failure> {
    let mut fields = json!({
        "subject": subject(ticket),
        "comment": {"body": body(ticket), "public": false},
        "tags": tags(backend, ticket),
        "external_id": ticket.call.key,
        "priority": "normal",
        "type": "question",
    });
    if let Some(email) = &ticket.call.email {
        fields["requester"] = json!({"name": email, "email": email});
    }
    zendesk_create(backend, fields, &ticket.call.key).await
}

fn zendesk_auth(platform: &Platform, request: Request) -> Request {
    request.header(
        "Authorization",
        basic(&format!("{}/token", platform.user()), platform.token()),
    )
}

/// Makes a ticket; its id. Zendesk keeps the first answer to a key: a
/// resend cannot make a second ticket.
async fn zendesk_create(backend: &Backend, fields: Json, key: &str) -> Result<String, Failure> {
    let platform = backend.platform("zendesk")?;
    let request = zendesk_auth(
        platform,
        Request::send(
            "zendesk",
            "POST",
            platform.url("/api/v2/tickets.json"),
            json!({"ticket": fields}),
            Kind::Write,
        ),
    )
    .header("Idempotency-Key", key.to_string());
    let reply = backend.send(&request).await?;
    Ok(id_text(
        &json_of("zendesk", &reply, "the ticket")?["ticket"]["id"],
    ))
}

/// `zendesk.message`: a public comment on the ticket (Zendesk emails it to
/// the requester), or a new ticket holding it.
async fn zendesk_message(
    backend: &Backend,
    message: &str,
    ticket: Option<String>,
    context: &Context,
) -> Outcome {
    let platform = backend.platform("zendesk")?;
    let Some(ticket) = ticket else {
        let Some(email) = &context.email else {
            return Err(Failure::Error(
                "zendesk: the conversation has no customer email to send the message to"
                    .to_string(),
            ));
        };
        let fields = json!({
            "subject": "About your order",
            "comment": {"body": message, "public": true},
            "requester": {"name": email, "email": email},
            "external_id": context.key,
            "status": "solved",
        });
        zendesk_create(backend, fields, &context.key).await?;
        return Ok(Json::Bool(true));
    };
    if !ticket.bytes().all(|byte| byte.is_ascii_digit()) || ticket.is_empty() {
        return Err(Failure::Error(format!(
            "zendesk: `{ticket}` is not a ticket id"
        )));
    }
    if context.resend {
        // A comment carries no key: the ticket's comments are read for this text.
        let url = platform.url(&format!("/api/v2/tickets/{ticket}/comments.json"));
        let reply = backend
            .send(&zendesk_auth(platform, Request::get("zendesk", url)))
            .await?;
        let json = json_of("zendesk", &reply, "the ticket's comments")?;
        let said = json["comments"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|comment| comment["body"].as_str() == Some(message));
        if said {
            return Ok(Json::Bool(true));
        }
    }
    let request = zendesk_auth(
        platform,
        Request::send(
            "zendesk",
            "PUT",
            platform.url(&format!("/api/v2/tickets/{ticket}.json")),
            json!({"ticket": {"comment": {"body": message, "public": true}}}),
            Kind::Write,
        ),
    );
    let reply = backend.send(&request).await?;
    json_of("zendesk", &reply, "the ticket")?;
    Ok(Json::Bool(true))
}
