//! The helpdesk doubles: Gorgias (`/api/tickets`, HTTP Basic
//! `user:api key`), Kustomer (`/v1/…`, Bearer, JSON:API envelopes) and
//! Zendesk (`/api/v2/tickets.json`, HTTP Basic `email/token:token`).
//!
//! Quirks reproduced: Gorgias refuses a ticket without `messages` (1 to
//! 500) and lists as `{"data", "meta": {"next_cursor"}}`; Kustomer's
//! `GET /v1/customers/email=…` is a 404 for an unknown email, every
//! answer is `{"data": {"type", "id", "attributes"}}`, a conversation's
//! `tags` are tag ids (an unknown id is a 400; the double knows
//! [`KUSTOMER_TAGS`]), and `GET /v1/conversations/{id}/notes` lists its
//! notes; Zendesk answers a
//! created ticket with `201 {"ticket", "audit"}` and keeps the answer of
//! each `Idempotency-Key` (`x-idempotency-lookup: hit` on a repeat, and a
//! 400 for the same key with another body), takes a comment by
//! `PUT /api/v2/tickets/{id}.json` (`200 {"ticket", "audit"}`) and lists
//! them at `GET /api/v2/tickets/{id}/comments.json`.

use super::{Req, Resp, State, TicketRecord, Tokens, check_auth};
use base64::Engine;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// The tags the Kustomer double knows: (name, id).
pub const KUSTOMER_TAGS: &[(&str, &str)] = &[("keel_handoff", "5e1a00000000000000000001")];

/// The helpdesk doubles' data.
#[derive(Clone, Debug, Default)]
pub struct Store {
    gorgias: Vec<Json>,
    kustomer_customers: Vec<Json>,
    kustomer_conversations: Vec<Json>,
    kustomer_notes: Vec<Json>,
    zendesk: Vec<Json>,
    /// Zendesk's comments: (ticket id, comment).
    zendesk_comments: Vec<(u64, Json)>,
    /// Zendesk's idempotency keys: key → (body, answer).
    zendesk_keys: BTreeMap<String, (Json, Json)>,
}

fn basic(user: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
    )
}

/// Answers one helpdesk request.
pub fn handle(state: &mut State, tokens: &Tokens, helpdesk: &str, request: &Req) -> Resp {
    match helpdesk {
        "gorgias" => gorgias(state, tokens, request),
        "kustomer" => kustomer(state, tokens, request),
        "zendesk" => zendesk(state, tokens, request),
        _ => Resp::json(404, &json!({"error": "no such helpdesk"})),
    }
}

fn record(state: &mut State, ticket: TicketRecord) {
    state.journal.executed(&ticket.helpdesk.clone(), "ticket");
    state.journal.tickets.push(ticket);
}

fn gorgias(state: &mut State, tokens: &Tokens, request: &Req) -> Resp {
    let expected = basic(tokens.get("GORGIAS_USER"), tokens.get("GORGIAS_API_KEY"));
    if !check_auth(request, "authorization", &expected) {
        return Resp::json(401, &json!({"error": {"msg": "Unauthorized"}}));
    }
    match (request.method.as_str(), request.path.trim_end_matches('/')) {
        ("GET", "/api/tickets") => {
            let external = request.param("external_id");
            let data: Vec<Json> = state
                .helpdesks
                .gorgias
                .iter()
                .filter(|ticket| external.is_none_or(|id| ticket["external_id"] == id))
                .cloned()
                .collect();
            Resp::json(
                200,
                &json!({"data": data, "meta": {"prev_cursor": null, "next_cursor": null}}),
            )
        }
        ("POST", "/api/tickets") => {
            let body = &request.body;
            let messages = body["messages"].as_array().cloned().unwrap_or_default();
            if messages.is_empty() || messages.len() > 500 {
                return Resp::json(
                    400,
                    &json!({"error": {"msg": "Invalid request", "data": {"messages": ["Shorter than minimum length 1."]}}}),
                );
            }
            if messages
                .iter()
                .any(|message| message["sender"].is_null() || message["channel"].is_null())
            {
                return Resp::json(
                    400,
                    &json!({"error": {"msg": "Invalid request", "data": {"messages": {"0": {"sender": ["Missing data for required field."]}}}}}),
                );
            }
            let id = 4_000 + state.helpdesks.gorgias.len() as u64;
            let ticket = json!({
                "id": id,
                "uri": format!("/api/tickets/{id}/"),
                "external_id": body["external_id"],
                "subject": body["subject"],
                "status": body["status"].as_str().unwrap_or("open"),
                "channel": body["channel"],
                "customer": body["customer"],
                "tags": body["tags"],
                "messages": messages,
            });
            state.helpdesks.gorgias.push(ticket.clone());
            let text = messages
                .iter()
                .filter_map(|message| message["body_text"].as_str())
                .collect::<Vec<_>>()
                .join("\n");
            record(
                state,
                TicketRecord {
                    helpdesk: "gorgias".to_string(),
                    id: id.to_string(),
                    external_id: body["external_id"].as_str().unwrap_or_default().to_string(),
                    customer: body["customer"]["email"].as_str().map(str::to_string),
                    subject: body["subject"].as_str().unwrap_or_default().to_string(),
                    text,
                    tags: body["tags"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|tag| tag["name"].as_str().map(str::to_string))
                        .collect(),
                },
            );
            Resp::json(201, &ticket)
        }
        _ => Resp::json(404, &json!({"error": {"msg": "Not found"}})),
    }
}

fn envelope(kind: &str, id: &str, attributes: Json) -> Json {
    json!({"data": {"type": kind, "id": id, "attributes": attributes}})
}

fn kustomer(state: &mut State, tokens: &Tokens, request: &Req) -> Resp {
    let expected = format!("Bearer {}", tokens.get("KUSTOMER_API_KEY"));
    if !check_auth(request, "authorization", &expected) {
        return Resp::json(
            401,
            &json!({"errors": [{"status": 401, "code": "unauthorized", "title": "Unauthorized"}]}),
        );
    }
    let not_found = || {
        Resp::json(
            404,
            &json!({"errors": [{"status": 404, "code": "not_found", "title": "Not Found"}]}),
        )
    };
    let store = &mut state.helpdesks;
    let path = request.path.trim_end_matches('/');
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["v1", "customers", lookup]) if lookup.starts_with("email=") => {
            let email = lookup.trim_start_matches("email=");
            match store.kustomer_customers.iter().find(|customer| {
                customer["data"]["attributes"]["emails"][0]["email"]
                    .as_str()
                    .is_some_and(|known| known.eq_ignore_ascii_case(email))
            }) {
                Some(customer) => Resp::json(200, customer),
                None => not_found(),
            }
        }
        ("POST", ["v1", "customers"]) => {
            let id = format!("5f{:022x}", store.kustomer_customers.len() + 1);
            let customer = envelope("customer", &id, request.body.clone());
            store.kustomer_customers.push(customer.clone());
            Resp::json(201, &customer)
        }
        ("GET", ["v1", "customers", id, "conversations"]) => {
            let data: Vec<Json> = store
                .kustomer_conversations
                .iter()
                .filter(|conversation| conversation["attributes"]["customer"] == *id)
                .cloned()
                .collect();
            Resp::json(
                200,
                &json!({"data": data, "meta": {"pageSize": 100, "page": 1}}),
            )
        }
        ("POST", ["v1", "conversations"]) => {
            let Some(customer) = request.body["customer"].as_str() else {
                return Resp::json(
                    400,
                    &json!({"errors": [{"status": 400, "code": "invalid", "title": "customer is required"}]}),
                );
            };
            if !store
                .kustomer_customers
                .iter()
                .any(|known| known["data"]["id"] == customer)
            {
                return not_found();
            }
            let mut tag_names = Vec::new();
            match &request.body["tags"] {
                Json::Null => {}
                Json::Array(tags) => {
                    for tag in tags {
                        match KUSTOMER_TAGS
                            .iter()
                            .find(|(_, id)| tag.as_str() == Some(*id))
                        {
                            Some((name, _)) => tag_names.push((*name).to_string()),
                            None => {
                                return Resp::json(
                                    400,
                                    &json!({"errors": [{"status": 400, "code": "invalid", "title": format!("tag {tag} does not exist")}]}),
                                );
                            }
                        }
                    }
                }
                _ => {
                    return Resp::json(
                        400,
                        &json!({"errors": [{"status": 400, "code": "invalid", "title": "tags must be an array of tag ids"}]}),
                    );
                }
            }
            let id = format!("6a{:022x}", store.kustomer_conversations.len() + 1);
            let conversation = envelope("conversation", &id, request.body.clone());
            store
                .kustomer_conversations
                .push(conversation["data"].clone());
            let email = store
                .kustomer_customers
                .iter()
                .find(|known| known["data"]["id"] == customer)
                .and_then(|known| known["data"]["attributes"]["emails"][0]["email"].as_str())
                .map(str::to_string);
            record(
                state,
                TicketRecord {
                    helpdesk: "kustomer".to_string(),
                    id: id.clone(),
                    external_id: request.body["externalId"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    customer: email,
                    subject: request.body["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    text: String::new(),
                    tags: tag_names,
                },
            );
            Resp::json(201, &conversation)
        }
        ("POST", ["v1", "notes"]) => {
            let conversation = request.body["conversation"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let body = request.body["body"].as_str().unwrap_or_default();
            if body.is_empty() || body.chars().count() > 10_240 {
                return Resp::json(
                    400,
                    &json!({"errors": [{"status": 400, "code": "invalid", "title": "body must be 1 to 10240 characters"}]}),
                );
            }
            let Some(ticket) = state
                .journal
                .tickets
                .iter_mut()
                .find(|ticket| ticket.helpdesk == "kustomer" && ticket.id == conversation)
            else {
                return not_found();
            };
            ticket.text.push_str(body);
            let id = format!("7b{:022x}", state.helpdesks.kustomer_notes.len() + 1);
            let note = envelope("note", &id, request.body.clone());
            state.helpdesks.kustomer_notes.push(note["data"].clone());
            state.journal.executed("kustomer", "note");
            Resp::json(201, &note)
        }
        ("GET", ["v1", "conversations", id, "notes"]) => {
            let data: Vec<Json> = store
                .kustomer_notes
                .iter()
                .filter(|note| note["attributes"]["conversation"] == *id)
                .cloned()
                .collect();
            Resp::json(200, &json!({"data": data}))
        }
        _ => not_found(),
    }
}

fn zendesk(state: &mut State, tokens: &Tokens, request: &Req) -> Resp {
    let expected = basic(
        &format!("{}/token", tokens.get("ZENDESK_EMAIL")),
        tokens.get("ZENDESK_API_TOKEN"),
    );
    if !check_auth(request, "authorization", &expected) {
        return Resp::json(401, &json!({"error": "Couldn't authenticate you"}));
    }
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", "/api/v2/tickets.json") => {
            let key = request.header("idempotency-key").map(str::to_string);
            if let Some(key) = &key {
                if let Some((body, answer)) = state.helpdesks.zendesk_keys.get(key) {
                    if *body != request.body {
                        return Resp::json(
                            400,
                            &json!({"error": "IdempotentRequestError", "description": "The idempotency key was already used with a different request"}),
                        );
                    }
                    return Resp::json(201, answer).with("x-idempotency-lookup", "hit".to_string());
                }
            }
            let ticket = &request.body["ticket"];
            let comment = ticket["comment"]["body"]
                .as_str()
                .or_else(|| ticket["comment"]["html_body"].as_str());
            let Some(comment) = comment else {
                return Resp::json(
                    422,
                    &json!({"error": "RecordInvalid", "description": "Record validation errors", "details": {"base": [{"description": "Description: cannot be blank", "error": "BlankValue"}]}}),
                );
            };
            let id = 9_000 + state.helpdesks.zendesk.len() as u64;
            let created = json!({
                "id": id,
                "url": format!("https://keel.zendesk.com/api/v2/tickets/{id}.json"),
                "subject": ticket["subject"],
                "status": "new",
                "priority": ticket["priority"],
                "type": ticket["type"],
                "tags": ticket["tags"],
                "external_id": ticket["external_id"],
                "requester_id": 700 + state.helpdesks.zendesk.len() as u64,
            });
            let answer = json!({"ticket": created, "audit": {"id": id * 10, "ticket_id": id, "events": [{"type": "Comment", "body": comment, "public": ticket["comment"]["public"]}]}});
            state.helpdesks.zendesk.push(created);
            let first = json!({"id": id * 100, "type": "Comment", "body": comment, "public": ticket["comment"]["public"].as_bool().unwrap_or(true), "author_id": 700});
            state.helpdesks.zendesk_comments.push((id, first));
            if let Some(key) = key {
                state
                    .helpdesks
                    .zendesk_keys
                    .insert(key, (request.body.clone(), answer.clone()));
            }
            record(
                state,
                TicketRecord {
                    helpdesk: "zendesk".to_string(),
                    id: id.to_string(),
                    external_id: ticket["external_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    customer: ticket["requester"]["email"].as_str().map(str::to_string),
                    subject: ticket["subject"].as_str().unwrap_or_default().to_string(),
                    text: comment.to_string(),
                    tags: ticket["tags"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|tag| tag.as_str().map(str::to_string))
                        .collect(),
                },
            );
            Resp::json(201, &answer).with("x-idempotency-lookup", "miss".to_string())
        }
        (method @ ("PUT" | "GET"), path) if path.starts_with("/api/v2/tickets/") => {
            let rest = path.trim_start_matches("/api/v2/tickets/");
            let (id, listing) = match (method, rest.strip_suffix("/comments.json")) {
                ("GET", Some(id)) => (id, true),
                ("PUT", None) => (rest.trim_end_matches(".json"), false),
                _ => ("", false),
            };
            let Some(id) = id
                .parse::<u64>()
                .ok()
                .filter(|id| state.helpdesks.zendesk.iter().any(|t| t["id"] == *id))
            else {
                return Resp::json(
                    404,
                    &json!({"error": "RecordNotFound", "description": "Not found"}),
                );
            };
            if listing {
                let comments: Vec<Json> = state
                    .helpdesks
                    .zendesk_comments
                    .iter()
                    .filter(|(ticket, _)| *ticket == id)
                    .map(|(_, comment)| comment.clone())
                    .collect();
                let count = comments.len();
                return Resp::json(
                    200,
                    &json!({"comments": comments, "next_page": null, "previous_page": null, "count": count}),
                );
            }
            let comment = &request.body["ticket"]["comment"];
            let Some(body) = comment["body"]
                .as_str()
                .or_else(|| comment["html_body"].as_str())
            else {
                return Resp::json(
                    422,
                    &json!({"error": "RecordInvalid", "description": "Record validation errors"}),
                );
            };
            let number = state.helpdesks.zendesk_comments.len() as u64 + 1;
            state.helpdesks.zendesk_comments.push((
                id,
                json!({"id": id * 100 + number, "type": "Comment", "body": body, "public": comment["public"].as_bool().unwrap_or(true), "author_id": 700}),
            ));
            state.journal.executed("zendesk", "comment");
            if let Some(ticket) = state
                .journal
                .tickets
                .iter_mut()
                .find(|ticket| ticket.helpdesk == "zendesk" && ticket.id == id.to_string())
            {
                ticket.text.push('\n');
                ticket.text.push_str(body);
            }
            let ticket = state
                .helpdesks
                .zendesk
                .iter()
                .find(|ticket| ticket["id"] == id)
                .cloned()
                .unwrap_or_default();
            Resp::json(
                200,
                &json!({"ticket": ticket, "audit": {"id": id * 10 + number, "ticket_id": id, "events": [{"type": "Comment", "body": body, "public": comment["public"]}]}}),
            )
        }
        _ => Resp::json(
            404,
            &json!({"error": "InvalidEndpoint", "description": "Not found"}),
        ),
    }
}
