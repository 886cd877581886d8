//! Compile-time extraction: a sentence the compiler's rules did not
//! understand, the IR statement's JSON schema and the catalog go to the
//! LLM; the answer is checked by the compiler
//! ([`keel_compiler::lock::read_statement`]) before it is frozen in the
//! lock file. The compiler itself never asks: it only reads the lock.

use crate::client::{ChatRequest, Client, Message};
use crate::error::Error;
use keel_compiler::catalog::Catalog;
use keel_compiler::lock::{self, LlmStatement};
use serde_json::Value;

/// What the model is told about statements.
pub const SYSTEM_PROMPT: &str = "You turn one sentence of a customer-support procedure into one JSON statement for a state machine. \
Kinds: \"ask\" (text: what to ask the customer for, as a short noun phrase such as \"the order number\"), \
\"ask_yes_no\" (text: the yes/no question to ask), \"say\" (text: what to tell the customer), \
\"call\" (tool: one of the tools below; text: what it is for), \"escalate\" (text: why a person must take over), \
\"end\" (text: the outcome in one or two lowercase words, such as \"resolved\"), \
\"note\" (text: a remark for reviewers that changes nothing in the conversation). \
Set tool to \"\" unless kind is \"call\". Answer with JSON only.";

/// The tools as the prompt lists them: `- name(arg: type, …): description`.
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
            "- {name}({}) [{}]{description}",
            args.join(", "),
            tool.effect.as_str()
        ));
    }
    if lines.is_empty() {
        "(no tools)".to_string()
    } else {
        lines.join("\n")
    }
}

/// The request for one sentence.
pub fn request(sentence: &str, catalog: &Catalog) -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message::system(format!("{SYSTEM_PROMPT}\nTools:\n{}", tool_list(catalog))),
            Message::user(format!("Sentence: {sentence}")),
        ],
        schema_name: "statement".to_string(),
        schema: lock::statement_schema(catalog),
        max_tokens: 160,
    }
}

/// One extraction: the statement as answered, and whether the compiler
/// accepts it (the reason when it does not).
#[derive(Clone, Debug, PartialEq)]
pub struct Extracted {
    /// The sentence.
    pub sentence: String,
    /// The answer's JSON (schema-valid).
    pub statement: Value,
    /// The compiler's reading of it, or why it is rejected.
    pub checked: Result<LlmStatement, String>,
}

/// Asks for one sentence.
pub async fn extract(
    client: &Client,
    sentence: &str,
    catalog: &Catalog,
) -> Result<Extracted, Error> {
    let completion = client.complete(&request(sentence, catalog)).await?;
    let checked = lock::read_statement(&completion.value, catalog);
    Ok(Extracted {
        sentence: sentence.to_string(),
        statement: completion.value,
        checked,
    })
}
