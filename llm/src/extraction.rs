//! Compile-time canonicalisation: a sentence the compiler's rules do not
//! read goes to the LLM with the shapes the rules read
//! ([`keel_compiler::extract::reference::shapes`]), the catalog's tools and
//! record fields, and the sentence's step and the steps around it; the
//! model answers with the sentence rewritten in keel's reference phrasing.
//! The compiler decides whether the rewrite may be frozen
//! ([`keel_compiler::lock::accept`]): the rules must read it, and it may
//! name nothing new and drop no condition. The compiler itself never asks.

use crate::client::{ChatRequest, Client, Message};
use crate::error::Error;
use keel_compiler::catalog::Catalog;
use keel_compiler::extract::reference;
use keel_compiler::lock::{MAX_REWRITE, Unread};
use serde_json::{Value, json};

/// What the model is told.
pub const SYSTEM_PROMPT: &str = "You rewrite one sentence of a customer-support procedure so that keel, a compiler that reads only the fixed sentence shapes listed below, can read it. \
Keep the meaning exactly: keep every condition (if, when, unless, otherwise, yes, no, declines, only, still, …), every quoted value, every $variable, @tool and #Policy the sentence names, and every number. \
Add nothing the sentence does not say: use only the tools and fields listed, and no status or value the sentence does not name. \
Write one line, in the style of the examples. If you cannot rewrite it faithfully, answer with the sentence unchanged.";

/// The shapes as the prompt lists them: `- shape   e.g. example`.
pub fn shape_list() -> String {
    reference::shapes()
        .iter()
        .map(|shape| match shape.example {
            Some(example) => format!(
                "- {}  e.g. {}",
                shape.shape,
                example.trim().replace('\n', " / ")
            ),
            None => format!("- {}", shape.shape),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The tools as the prompt lists them: `- name(arg: type, …) [effect]: description`.
pub fn tool_list(catalog: &Catalog) -> String {
    let mut lines = Vec::new();
    for (name, tool) in &catalog.tools {
        let args: Vec<String> = tool
            .args
            .iter()
            .map(|(arg, kind)| match kind.domain() {
                Some(domain) => format!("{arg}: one of {}", domain.join("|")),
                None => format!("{arg}: {kind}"),
            })
            .collect();
        let description = if tool.description.is_empty() {
            String::new()
        } else {
            format!(": {}", tool.description)
        };
        lines.push(format!(
            "- @{name}({}) → {} [{}]{description}",
            args.join(", "),
            tool.returns,
            tool.effect.as_str()
        ));
    }
    if lines.is_empty() {
        "(no tools)".to_string()
    } else {
        lines.join("\n")
    }
}

/// The record types as the prompt lists them: `- Order: id, status ("a" | "b"), …`.
pub fn field_list(catalog: &Catalog) -> String {
    let lines: Vec<String> = catalog
        .types
        .values()
        .map(|record| {
            let fields: Vec<String> = record
                .fields
                .iter()
                .map(|(field, kind)| match kind.domain() {
                    Some(domain) => format!("{field} (\"{}\")", domain.join("\" | \"")),
                    None => format!("{field}: {kind}"),
                })
                .collect();
            format!("- {}: {}", record.name, fields.join(", "))
        })
        .collect();
    if lines.is_empty() {
        "(no types)".to_string()
    } else {
        lines.join("\n")
    }
}

/// The JSON schema of the answer: one rewrite.
pub fn rewrite_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "rewrite": {"type": "string", "maxLength": MAX_REWRITE}
        },
        "required": ["rewrite"],
        "additionalProperties": false
    })
}

/// The request for one sentence.
pub fn request(unread: &Unread, catalog: &Catalog) -> ChatRequest {
    let mut context = Vec::new();
    if let Some(parent) = &unread.parent {
        context.push(format!("The enclosing step: {parent}"));
    }
    if let Some(before) = &unread.before {
        context.push(format!("The step before: {before}"));
    }
    context.push(format!("The step ({}): {}", unread.step, unread.item));
    if let Some(after) = &unread.after {
        context.push(format!("The step after: {after}"));
    }
    ChatRequest {
        messages: vec![
            Message::system(format!(
                "{SYSTEM_PROMPT}\n\nShapes keel reads:\n{}\n\nTools:\n{}\n\nRecord types and fields ($name.field):\n{}",
                shape_list(),
                tool_list(catalog),
                field_list(catalog)
            )),
            Message::user(format!(
                "{}\n\nRewrite this sentence of step {}: {}",
                context.join("\n"),
                unread.step,
                unread.sentence
            )),
        ],
        schema_name: "rewrite".to_string(),
        schema: rewrite_schema(),
        max_tokens: 200,
    }
}

/// Asks for one sentence's rewrite; the answer as the model wrote it.
pub async fn rewrite(client: &Client, unread: &Unread, catalog: &Catalog) -> Result<String, Error> {
    let completion = client.complete(&request(unread, catalog)).await?;
    Ok(completion
        .value
        .get("rewrite")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string())
}
