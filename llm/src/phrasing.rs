//! Phrasing (off by default): the LLM may reword a templated message, and
//! [`guard`] decides whether the rewording may be sent. It must keep every
//! fact of the template unchanged — order ids, tracking numbers, amounts,
//! dates, email addresses, names — and add no number or id of its own;
//! otherwise the template text is sent. The guard is necessary, not
//! sufficient: it cannot see a changed meaning ("we issued a refund" →
//! "we received a refund"), which is why phrasing stays off by default.

use crate::client::{ChatRequest, Client, Message};
use keel_runtime::{MONTHS, Phraser, Phrasing};
use serde_json::json;

/// The instructions for a rewording.
pub const SYSTEM_PROMPT: &str = "Reword the support message below so it sounds friendly and natural. \
Keep its meaning. Copy every order number, tracking number, amount, date, email address and name exactly as written. \
Add no new facts, numbers or promises. Answer with JSON only.";

/// The facts of a message: every token with a digit (ids, tracking numbers,
/// amounts, days and years), email addresses, month and weekday names, and
/// capitalised words that do not start a sentence (names, products).
pub fn facts(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut sentence_start = true;
    for raw in text.split_whitespace() {
        let token = raw.trim_matches(|c: char| {
            matches!(
                c,
                ',' | '.' | '!' | '?' | ':' | ';' | '(' | ')' | '"' | '“' | '”' | '\''
            )
        });
        let starts = sentence_start;
        sentence_start = raw.ends_with(['.', '!', '?', ':']) || raw.ends_with(".\n");
        if token.is_empty() {
            continue;
        }
        let has_digit = token.chars().any(|c| c.is_ascii_digit());
        let is_email = token.contains('@');
        let is_month = MONTHS.contains(&token) || DAYS.contains(&token);
        let is_name = !starts
            && token.chars().next().is_some_and(char::is_uppercase)
            && token != "I"
            && !token.starts_with("I'");
        if has_digit || is_email || is_month || is_name {
            found.push(token.to_string());
        }
    }
    found
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Whether `phrased` may be sent instead of `template`: `Ok` with what was
/// checked, or `Err` with the first fact lost or added (or a question
/// turned into a statement, or the reverse).
pub fn guard(template: &str, phrased: &str) -> Result<String, String> {
    if phrased.trim().is_empty() {
        return Err("the rewording is empty".to_string());
    }
    // A question must stay a question (the customer's answer is read
    // against it), and a statement must not start asking.
    if template.contains('?') != phrased.contains('?') {
        return Err(if template.contains('?') {
            "the question is no longer a question".to_string()
        } else {
            "the statement became a question".to_string()
        });
    }
    let kept = facts(template);
    let tokens: Vec<String> = phrased
        .split_whitespace()
        .map(|raw| {
            raw.trim_matches(|c: char| {
                matches!(
                    c,
                    ',' | '.' | '!' | '?' | ':' | ';' | '(' | ')' | '"' | '“' | '”' | '\''
                )
            })
            .to_string()
        })
        .collect();
    for fact in &kept {
        if !tokens.iter().any(|token| token == fact) {
            return Err(format!("“{fact}” is missing or changed"));
        }
    }
    // Any fact of the rewording (a number, id, email, date or name) must
    // be one of the template's.
    for fact in facts(phrased) {
        if !kept.contains(&fact) {
            return Err(format!("“{fact}” is not in the template"));
        }
    }
    Ok(format!("{} fact(s) kept, nothing added", kept.len()))
}

/// The request for one message.
pub fn request(template: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message::system(SYSTEM_PROMPT),
            Message::user(format!("Message: {template}")),
        ],
        schema_name: "message".to_string(),
        schema: json!({
            "type": "object",
            "properties": {"message": {"type": "string", "maxLength": 600}},
            "required": ["message"],
            "additionalProperties": false
        }),
        max_tokens: 200,
    }
}

/// A [`Phraser`] backed by an OpenAI-compatible server.
#[derive(Debug)]
pub struct LlmPhraser {
    client: Client,
}

impl LlmPhraser {
    /// A phraser using `client`.
    pub fn new(client: Client) -> LlmPhraser {
        LlmPhraser { client }
    }

    /// Rewords `template` if the guard allows it; the template otherwise.
    pub async fn reword(&self, template: &str) -> Phrasing {
        let model = self.client.config().model.clone();
        let (phrased, verdict) = match self.client.complete(&request(template)).await {
            Ok(completion) => {
                let phrased = completion.value["message"]
                    .as_str()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let verdict = guard(template, &phrased);
                (Some(phrased), verdict)
            }
            Err(error) => (None, Err(format!("no rewording: {error}"))),
        };
        let (sent, accepted, verdict) = match (verdict, &phrased) {
            (Ok(why), Some(phrased)) => (phrased.clone(), true, why),
            (Ok(why), None) => (template.to_string(), false, why),
            (Err(why), _) => (template.to_string(), false, why),
        };
        Phrasing {
            template: template.to_string(),
            model,
            phrased,
            accepted,
            verdict,
            sent,
        }
    }
}

impl Phraser for LlmPhraser {
    fn phrase(&mut self, template: &str) -> impl std::future::Future<Output = Phrasing> {
        let template = template.to_string();
        async move { self.reword(&template).await }
    }
}
