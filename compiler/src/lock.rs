//! The lock file (`POLICY.lock` beside the policy): what an LLM said about
//! the sentences the rules did not understand, frozen for review.
//!
//! Each entry is keyed by [`key`]: the SHA-256 of the normalised sentence
//! and the model id, so editing a sentence or changing the model makes
//! its entry stale instead of silently reusing it. With the lock present
//! compiling needs no network: the compiler reads entries, never asks.
//!
//! An entry's `statement` is one IR statement in the small JSON shape that
//! [`statement_schema`] describes (the schema sent to the LLM, with the
//! catalog's tools as an enum) and [`read_statement`] checks: unknown
//! tools or arguments, literals outside an argument's enum domain and
//! malformed shapes are rejected with a reason, both before an answer is
//! frozen and every time the lock is read.
//!
//! The file is JSON, entries sorted by key, written by [`Lock::to_text`];
//! the same lock always gives the same bytes.

use crate::catalog::{Catalog, Type};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Version of the lock format.
pub const LOCK_VERSION: u32 = 1;

/// The kinds of statement an LLM may propose.
pub const KINDS: [&str; 7] = [
    "ask",
    "ask_yes_no",
    "say",
    "call",
    "escalate",
    "end",
    "note",
];

/// A lock file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    /// [`LOCK_VERSION`].
    pub keel_lock: u32,
    /// The model every entry was asked of (part of each key).
    pub model: String,
    /// Entries by key.
    pub entries: BTreeMap<String, LockEntry>,
}

/// One frozen answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LockEntry {
    /// The sentence as written in the policy.
    pub sentence: String,
    /// The statement the LLM proposed (see [`statement_schema`]).
    pub statement: Value,
}

/// A sentence the rules did not understand and the lock did not answer:
/// what `keel compile --llm` sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    /// The sentence (the action phrase, its condition already split off).
    pub sentence: String,
    /// Where it is.
    pub span: crate::source::Span,
}

/// A statement read from a lock entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LlmStatement {
    /// Ask for a value: what to ask for (`the order number`).
    Ask(String),
    /// Ask a yes/no question.
    AskYesNo(String),
    /// Tell the customer something.
    Say(String),
    /// Call a catalog tool, with literal arguments (others come from context).
    Call {
        /// The tool.
        tool: String,
        /// Literal arguments by name.
        args: BTreeMap<String, String>,
    },
    /// Hand off to a person, with the reason.
    Escalate(String),
    /// End the conversation with an outcome (`resolved`, `kept`, …).
    End(String),
    /// A remark for reviewers, no behaviour.
    Note(String),
}

impl Lock {
    /// An empty lock for `model`.
    pub fn new(model: &str) -> Lock {
        Lock {
            keel_lock: LOCK_VERSION,
            model: model.to_string(),
            entries: BTreeMap::new(),
        }
    }

    /// Parses a lock file.
    pub fn parse(text: &str) -> Result<Lock, String> {
        let lock: Lock =
            serde_json::from_str(text).map_err(|error| format!("not a keel lock file: {error}"))?;
        if lock.keel_lock != LOCK_VERSION {
            return Err(format!(
                "lock format {} is not the supported {LOCK_VERSION}",
                lock.keel_lock
            ));
        }
        for (key, entry) in &lock.entries {
            let expected = self::key(&entry.sentence, &lock.model);
            if *key != expected {
                return Err(format!(
                    "the entry for “{}” has key {key}, but the sentence and model give {expected}",
                    entry.sentence
                ));
            }
        }
        Ok(lock)
    }

    /// The entry for `sentence`, if frozen.
    pub fn get(&self, sentence: &str) -> Option<(String, &LockEntry)> {
        let key = key(sentence, &self.model);
        self.entries.get(&key).map(|entry| (key, entry))
    }

    /// Freezes an answer.
    pub fn insert(&mut self, sentence: &str, statement: Value) {
        self.entries.insert(
            key(sentence, &self.model),
            LockEntry {
                sentence: sentence.to_string(),
                statement,
            },
        );
    }

    /// The file's text: pretty JSON, entries sorted by key, a final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// A sentence with case, spacing, quotes and final punctuation normalised.
pub fn normalise(sentence: &str) -> String {
    let words: Vec<String> = sentence
        .split_whitespace()
        .map(|word| {
            word.replace(['’', '‘'], "'")
                .replace(['“', '”'], "\"")
                .to_lowercase()
        })
        .collect();
    words
        .join(" ")
        .trim_end_matches(['.', '!', ';', ',', ':'])
        .to_string()
}

/// The key of a sentence for a model: hex SHA-256 of
/// `normalise(sentence) + "\n" + model`.
pub fn key(sentence: &str, model: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(normalise(sentence).as_bytes());
    hasher.update(b"\n");
    hasher.update(model.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The JSON schema of one statement, with the catalog's tools as an enum
/// (`""` for statements that call nothing).
pub fn statement_schema(catalog: &Catalog) -> Value {
    let mut tools: Vec<&str> = vec![""];
    tools.extend(catalog.tools.keys().map(String::as_str));
    json!({
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": KINDS},
            "text": {"type": "string", "maxLength": 300},
            "tool": {"type": "string", "enum": tools},
            "args": {"type": "object", "additionalProperties": {"type": "string"}}
        },
        "required": ["kind", "text", "tool"],
        "additionalProperties": false
    })
}

/// Checks a proposed statement against the shape and the catalog.
pub fn read_statement(value: &Value, catalog: &Catalog) -> Result<LlmStatement, String> {
    let Some(fields) = value.as_object() else {
        return Err("the statement is not a JSON object".to_string());
    };
    for name in fields.keys() {
        if !matches!(name.as_str(), "kind" | "text" | "tool" | "args") {
            return Err(format!("the statement has an unexpected field `{name}`"));
        }
    }
    let text_of = |name: &str| -> Result<String, String> {
        match fields.get(name) {
            Some(Value::String(text)) => Ok(text.trim().to_string()),
            Some(_) => Err(format!("`{name}` is not a string")),
            None => Ok(String::new()),
        }
    };
    let kind = text_of("kind")?;
    let text = text_of("text")?;
    let tool = text_of("tool")?;
    if text.chars().count() > 300 {
        return Err("`text` is longer than 300 characters".to_string());
    }
    let args: BTreeMap<String, String> = match fields.get("args") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(args)) => args
            .iter()
            .map(|(name, value)| match value {
                Value::String(text) => Ok((name.clone(), text.clone())),
                other => Err(format!(
                    "argument `{name}` is not a string literal: {other}"
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`args` is not an object".to_string()),
    };
    if kind != "call" && (!tool.is_empty() || !args.is_empty()) {
        return Err(format!("a `{kind}` statement names a tool"));
    }
    let needs_text = |text: String| {
        if text.is_empty() {
            Err(format!("a `{kind}` statement needs a `text`"))
        } else {
            Ok(text)
        }
    };
    match kind.as_str() {
        "ask" => Ok(LlmStatement::Ask(needs_text(text)?)),
        "ask_yes_no" => Ok(LlmStatement::AskYesNo(needs_text(text)?)),
        "say" => Ok(LlmStatement::Say(needs_text(text)?)),
        "escalate" => Ok(LlmStatement::Escalate(needs_text(text)?)),
        "note" => Ok(LlmStatement::Note(needs_text(text)?)),
        "end" => {
            let outcome = if text.is_empty() {
                "ended".to_string()
            } else {
                text.to_lowercase().replace([' ', '-'], "_")
            };
            if outcome.len() > 40 || !outcome.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(format!("`{text}` is not an outcome name (lowercase words)"));
            }
            Ok(LlmStatement::End(outcome))
        }
        "call" => {
            let Some(declared) = catalog.tools.get(&tool) else {
                return Err(if tool.is_empty() {
                    "a `call` statement names no tool".to_string()
                } else {
                    format!("unknown tool `{tool}`: the catalog does not declare it")
                });
            };
            for (name, literal) in &args {
                let Some(declared_type) = declared.args.get(name) else {
                    return Err(format!("`@{tool}` has no argument `{name}`"));
                };
                if !literal_fits(literal, declared_type) {
                    return Err(format!(
                        "\"{literal}\" is outside the domain of `{name}` ({declared_type})"
                    ));
                }
            }
            Ok(LlmStatement::Call { tool, args })
        }
        other => Err(format!(
            "`{other}` is not a statement kind ({})",
            KINDS.join(", ")
        )),
    }
}

/// Whether a literal is a value of `expected` (an enum's domain, an email
/// address, a number, a date as YYYY-MM-DD); records and lists take no
/// literals.
fn literal_fits(literal: &str, expected: &Type) -> bool {
    let literal = literal.trim();
    match expected.required() {
        Type::String | Type::CarrierCode => true,
        Type::Enum(domain) => domain.iter().any(|allowed| allowed == literal),
        Type::Email => literal.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !literal.contains(char::is_whitespace)
        }),
        Type::Int => literal.parse::<i64>().is_ok(),
        Type::Number | Type::Money => literal.parse::<f64>().is_ok_and(f64::is_finite),
        Type::Bool => matches!(literal, "true" | "false"),
        Type::Date => {
            let parts: Vec<&str> = literal.split('-').collect();
            parts.len() == 3
                && parts.iter().zip([4, 2, 2]).all(|(part, width)| {
                    part.len() == width && part.bytes().all(|b| b.is_ascii_digit())
                })
        }
        Type::Record(_) | Type::List(_) | Type::Optional(_) => false,
    }
}
