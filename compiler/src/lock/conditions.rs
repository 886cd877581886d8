//! The conditions a sentence or its rewrite states, each with the words it
//! is about, so that [`super::check_rewrite`] can tell that a rewrite keeps
//! each of the sentence's conditions, not merely some condition.
//!
//! This is a reading of the text's words, not of its meaning: a condition
//! is a label before `:` or `→` at the start (`**Monthly**: …`,
//! `Not found: …`), a clause opened by `if`, `when`, `unless`, … up to the
//! next comma, colon, stop or `then`, or `otherwise`; `and` / `or` split a
//! condition into parts. A part's content is its words less filler (the
//! customer, pronouns, auxiliaries), polarity and the qualifiers checked
//! on their own, roughly stemmed (`declines` = `declined`); a `$path`
//! counts by its names (`offer_used` → `offer`, `used`), a quoted value by
//! its words.

use crate::syntax::{self, InlineKind, Item};
use std::collections::BTreeSet;

/// Words that open a condition's clause.
const OPENERS: &[&str] = &["if", "when", "whenever", "once", "unless", "should"];
/// Openers that open a condition only at a clause's start (`Once they
/// confirm, …`, `Should they decline, …`; not `ask once more`).
const OPENERS_AT_START: &[&str] = &["once", "should"];
/// A condition with nothing of its own to keep: the other case.
const OTHERWISE: &str = "otherwise";
/// Words that join the parts of one condition.
const JOINERS: &[&str] = &["and", "or"];
/// Marks that make the words before them a label condition
/// (`Not found: …`, `Delivered → …`).
const LABEL_MARKS: &[char] = &[':', '→', '–', '—'];
/// Marks that end a condition's clause.
const CLAUSE_ENDS: &[char] = &[',', ';', ':', '.', '?', '!', '→', '–', '—', '(', ')'];
/// Marks that may stand inside a label (markdown emphasis and code).
const LABEL_DECORATION: &[char] = &['*', '`', '_'];
/// The most words a label condition has.
const MAX_LABEL_WORDS: usize = 6;
/// First words of a directive written as a label, which is no condition
/// (`Ask: "…"`, `Note: …`).
const NOT_LABELS: &[&str] = &[
    "ask",
    "say",
    "tell",
    "note",
    "important",
    "example",
    "tip",
    "remember",
    "warning",
    "then",
    "next",
    "first",
    "finally",
    "step",
];
/// Words that carry no content of a condition: articles, pronouns, the
/// customer, auxiliaries, prepositions, saying.
const FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "it's",
    "they",
    "them",
    "their",
    "they're",
    "theirs",
    "he",
    "she",
    "him",
    "her",
    "his",
    "you",
    "your",
    "we",
    "us",
    "our",
    "i",
    "me",
    "my",
    "customer",
    "customers",
    "customer's",
    "shopper",
    "shopper's",
    "user",
    "user's",
    "caller",
    "client",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "must",
    "shall",
    "to",
    "of",
    "for",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "about",
    "as",
    "there",
    "here",
    "so",
    "also",
    "just",
    "say",
    "says",
    "said",
    "tell",
    "tells",
    "told",
    "answer",
    "answers",
    "answered",
    "reply",
    "replies",
    "replied",
];

/// A piece of text in order: a word, or a named value's words, or a mark.
#[derive(Clone, Debug)]
enum Token {
    /// A word, lowercase.
    Word(String),
    /// A `$path`, quoted value, number, `@tool` or `#Policy`: its words,
    /// and the value as written.
    Value(Vec<String>, String),
    /// Any other character.
    Mark(char),
}

/// One condition of a text.
#[derive(Clone, Debug, Default)]
pub(super) struct Condition {
    /// Its words as read (lowercase), for messages.
    pub(super) text: String,
    /// Its parts, split at `and` / `or`.
    pub(super) parts: Vec<Part>,
}

/// A part of a condition.
#[derive(Clone, Debug, Default)]
pub(super) struct Part {
    /// Its words as read (lowercase), for messages.
    pub(super) text: String,
    /// Its content words, stemmed; a part may have none (`otherwise`,
    /// `if they agree`).
    pub(super) words: BTreeSet<String>,
}

impl Condition {
    /// A condition opened by `word`, with one empty part.
    fn opened(word: &str) -> Condition {
        Condition {
            text: word.to_string(),
            parts: vec![Part::default()],
        }
    }
}

/// The text's pieces in order, as keel's grammar reads them.
fn tokens(text: &str) -> Vec<Token> {
    let (document, _) = syntax::parse(crate::source::SourceId::default(), text);
    let mut out = Vec::new();
    let mut stack: Vec<&Item> = document.items.iter().rev().collect();
    let split = |name: &str| -> Vec<String> {
        name.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    while let Some(item) = stack.pop() {
        stack.extend(item.children.iter().rev());
        for piece in &item.text {
            out.push(match &piece.kind {
                InlineKind::Space => continue,
                InlineKind::Word(word) => Token::Word(word.to_lowercase().replace('’', "'")),
                InlineKind::Number(number) => Token::Value(vec![number.clone()], number.clone()),
                InlineKind::Symbol(symbol) => Token::Mark(*symbol),
                InlineKind::Tool { name, .. } => Token::Value(split(name), format!("@{name}")),
                InlineKind::Policy(name) => Token::Value(split(name), format!("#{name}")),
                InlineKind::Var(path) => Token::Value(
                    path.iter().flat_map(|name| split(name)).collect(),
                    format!("${}", path.join(".")),
                ),
                InlineKind::Literal(literal) => {
                    Token::Value(split(literal), format!("\"{literal}\""))
                }
            });
        }
    }
    out
}

/// A word's rough stem: `declines`, `declined` and `decline` are one,
/// `shipped` is `ship`.
fn stem(word: &str) -> String {
    let word = word.trim_matches('\'');
    let mut stem = word.strip_suffix("'s").unwrap_or(word).to_string();
    for suffix in ["ing", "ed", "es", "s"] {
        if stem.len() > suffix.len() + 2 && stem.ends_with(suffix) {
            stem.truncate(stem.len() - suffix.len());
            break;
        }
    }
    if stem.len() > 3 && stem.ends_with('e') {
        stem.pop();
    }
    let chars: Vec<char> = stem.chars().collect();
    if let [.., before, last] = chars.as_slice() {
        if chars.len() > 3 && before == last && !"aeiou".contains(*last) {
            stem.pop();
        }
    }
    stem
}

/// Whether a word is content of a condition (not filler, not one of the
/// words checked on their own: `skip` holds polarity and qualifiers).
fn content(word: &str, skip: &[&[&str]]) -> bool {
    !FILLER.contains(&word)
        && !OPENERS.contains(&word)
        && !JOINERS.contains(&word)
        && word != OTHERWISE
        && !word.ends_with("n't")
        && !skip.iter().any(|list| list.contains(&word))
}

/// Adds a token to a condition being read.
fn push(condition: &mut Condition, token: &Token, skip: &[&[&str]]) {
    let (words, written): (Vec<&String>, &str) = match token {
        Token::Word(word) => (vec![word], word),
        Token::Value(words, written) => (words.iter().collect(), written),
        Token::Mark(_) => return,
    };
    let append = |text: &mut String| {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(written);
    };
    append(&mut condition.text);
    if matches!(token, Token::Word(word) if JOINERS.contains(&word.as_str())) {
        condition.parts.push(Part::default());
        return;
    }
    if let Some(part) = condition.parts.last_mut() {
        append(&mut part.text);
        for word in words.into_iter().filter(|word| content(word, skip)) {
            part.words.insert(stem(word));
        }
    }
}

/// The label condition at the start of the text (`**Monthly**: …`): up to
/// six words, no opener among them, no mark but emphasis before the label
/// mark, not a directive (`Ask: …`).
fn label(tokens: &[Token], skip: &[&[&str]]) -> Option<Condition> {
    let end = tokens
        .iter()
        .position(|token| matches!(token, Token::Mark(mark) if !LABEL_DECORATION.contains(mark)))?;
    if !matches!(tokens.get(end), Some(Token::Mark(mark)) if LABEL_MARKS.contains(mark)) {
        return None;
    }
    let words: Vec<&Token> = tokens
        .get(..end)?
        .iter()
        .filter(|token| !matches!(token, Token::Mark(_)))
        .collect();
    let first = match words.first()? {
        Token::Word(word) => Some(word.as_str()),
        _ => None,
    };
    let opens = |token: &&Token| matches!(token, Token::Word(word) if OPENERS.contains(&word.as_str()) || word == OTHERWISE);
    if words.len() > MAX_LABEL_WORDS
        || words.iter().any(opens)
        || first.is_some_and(|first| NOT_LABELS.contains(&first))
    {
        return None;
    }
    let mut condition = Condition::opened("");
    for token in words {
        push(&mut condition, token, skip);
    }
    Some(condition)
}

/// The conditions of a text, in order. `skip` lists the words that are
/// no condition's content because they are checked on their own
/// (polarity, qualifiers).
pub(super) fn conditions(text: &str, skip: &[&[&str]]) -> Vec<Condition> {
    let tokens = tokens(text);
    let mut out: Vec<Condition> = label(&tokens, skip).into_iter().collect();
    let mut open: Option<Condition> = None;
    let mut at_start = true;
    for token in &tokens {
        let word = match token {
            Token::Word(word) => {
                Some(word.as_str()).filter(|word| at_start || !OPENERS_AT_START.contains(word))
            }
            _ => None,
        };
        let ends = match (token, word) {
            (Token::Mark(mark), _) => CLAUSE_ENDS.contains(mark),
            (_, Some(word)) => word == "then" || word == OTHERWISE || OPENERS.contains(&word),
            _ => false,
        };
        at_start = ends
            || (at_start && matches!(token, Token::Mark(mark) if LABEL_DECORATION.contains(mark)));
        if ends {
            out.extend(open.take());
        }
        match word {
            Some(OTHERWISE) => out.push(Condition::opened(OTHERWISE)),
            Some(word) if OPENERS.contains(&word) => open = Some(Condition::opened(word)),
            _ if ends => {}
            _ => {
                if let Some(condition) = open.as_mut() {
                    push(condition, token, skip);
                }
            }
        }
    }
    out.extend(open);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, Vec<Vec<String>>)> {
        conditions(text, &[&["no", "not", "false", "yes"]])
            .into_iter()
            .map(|condition| {
                let parts = condition
                    .parts
                    .into_iter()
                    .map(|part| part.words.into_iter().collect())
                    .collect();
                (condition.text, parts)
            })
            .collect()
    }

    #[test]
    fn a_label_and_an_if_are_two_conditions() {
        let words = |list: &[&str]| list.iter().map(|word| word.to_string()).collect::<Vec<_>>();
        assert_eq!(
            read("**Monthly**: if $membership.offer_used is false, go to step 4."),
            vec![
                ("monthly".to_string(), vec![words(&["monthly"])]),
                (
                    "if $membership.offer_used is false".to_string(),
                    vec![words(&["membership", "offer", "used"])]
                ),
            ]
        );
    }

    #[test]
    fn and_splits_a_condition_into_parts() {
        let read = read("If the order is \"Shipped\" and the parcel is late, tell them.");
        assert_eq!(read.len(), 1);
        assert_eq!(
            read[0].1,
            vec![vec!["order", "ship"], vec!["lat", "parcel"]]
        );
    }

    #[test]
    fn directives_and_late_colons_are_no_labels() {
        assert!(read("Ask: \"Do you want to cancel?\"").is_empty());
        assert!(read("Tell them the order is on its way: it left today.").is_empty());
        assert_eq!(read("Not found: ask once more.").len(), 1);
        assert_eq!(read("Once they confirm, go on.").len(), 1);
        assert_eq!(read("Otherwise, route to an agent.").len(), 1);
    }

    #[test]
    fn stems_fold_inflections() {
        assert_eq!(stem("declines"), stem("declined"));
        assert_eq!(stem("decline"), stem("declined"));
        assert_eq!(stem("shipped"), stem("ship"));
        assert_eq!(stem("addresses"), stem("address"));
    }
}
