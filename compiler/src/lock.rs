//! The lock file (`POLICY.lock` beside the policy): for each sentence the
//! rules do not read, the rewrite an LLM proposed in keel's reference
//! phrasing (`docs/policy-language.md`), frozen for review.
//!
//! A rewrite is text, read by the same rules as the policy: compiling with
//! a lock puts each accepted rewrite in place of its sentence (its pieces
//! point into the original sentence's span), reads the policy again, and
//! marks what the rewrite became as extracted by an LLM. The compiler never
//! asks a model: `keel compile --llm` does, and freezes only rewrites that
//! pass [`check_rewrite`] (names and conditions, below) and [`accept`]
//! (the rules read the rewrite, and it adds no error). [`check_rewrite`]
//! runs again every time the lock is read.
//!
//! Each entry is keyed by [`key`]: the SHA-256 of the normalised sentence
//! and the model id, so editing a sentence or changing the model makes its
//! entry stale instead of silently reusing it. The file is JSON, entries
//! sorted by key, written by [`Lock::to_text`]; the same lock always gives
//! the same bytes.

use crate::diagnostic::{Diagnostic, codes};
use crate::ir;
use crate::source::Span;
use crate::syntax::{self, Document, Inline, InlineKind, Item};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Version of the lock format (1 held JSON statements, 2 holds rewrites).
pub const LOCK_VERSION: u32 = 2;

/// The longest rewrite kept, in characters.
pub const MAX_REWRITE: usize = 400;

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

/// One frozen rewrite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LockEntry {
    /// The sentence as written in the policy.
    pub sentence: String,
    /// The sentence in keel's reference phrasing, as the LLM rewrote it.
    pub rewrite: String,
}

/// A sentence the rules do not read (a `K0101` or `K0119` error lies in
/// it), with what a model needs to rewrite it: its step, and the steps
/// around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    /// The sentence, as written (wrapped lines joined).
    pub sentence: String,
    /// Where it is.
    pub span: Span,
    /// Its step's label (`4.2`).
    pub step: String,
    /// Its step's own text.
    pub item: String,
    /// The enclosing step's text, if any.
    pub parent: Option<String>,
    /// The step before, at the same level, if any.
    pub before: Option<String>,
    /// The step after, at the same level, if any.
    pub after: Option<String>,
    /// What the rules said about it (the diagnostics' messages).
    pub why: Vec<String>,
}

/// A sentence the lock rewrote: what `keel check` shows side by side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewritten {
    /// The sentence's span.
    pub span: Span,
    /// Its step's label.
    pub step: String,
    /// The sentence as written.
    pub original: String,
    /// The rewrite read in its place (if it was accepted).
    pub rewrite: String,
    /// Whether the rewrite was read in its place, or why not.
    pub outcome: Result<(), String>,
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
        let version = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|value| value.get("keel_lock").and_then(serde_json::Value::as_u64));
        if let Some(version) = version.filter(|&version| version != u64::from(LOCK_VERSION)) {
            return Err(format!(
                "lock format {version} is not the supported {LOCK_VERSION} (format 1 held JSON statements; format 2 holds rewrites): run `keel compile --llm` again"
            ));
        }
        let lock: Lock =
            serde_json::from_str(text).map_err(|error| format!("not a keel lock file: {error}"))?;
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

    /// Freezes a rewrite.
    pub fn insert(&mut self, sentence: &str, rewrite: &str) {
        self.entries.insert(
            key(sentence, &self.model),
            LockEntry {
                sentence: sentence.to_string(),
                rewrite: rewrite.to_string(),
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

mod check;
mod conditions;

pub use check::{check_rewrite, known_variables};

// ---------------------------------------------------------------------
// Finding sentences, putting rewrites in their place.
// ---------------------------------------------------------------------

/// One sentence of an item: the range of its pieces and its span.
#[derive(Clone, Debug)]
struct Sentence {
    pieces: std::ops::Range<usize>,
    span: Span,
}

/// An item's sentences: its pieces split after `.`, `?` or `!` that a
/// space or the end follows.
fn sentences_of(item: &Item) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let pieces = &item.text;
    for (index, piece) in pieces.iter().enumerate() {
        if start.is_none() && piece.kind != InlineKind::Space {
            start = Some(index);
        }
        let ends = matches!(piece.kind, InlineKind::Symbol('.' | '?' | '!'))
            && pieces
                .get(index + 1)
                .is_none_or(|next| next.kind == InlineKind::Space);
        if let (true, Some(first)) = (ends || index + 1 == pieces.len(), start) {
            if let (Some(head), Some(tail)) = (pieces.get(first), pieces.get(index)) {
                out.push(Sentence {
                    pieces: first..index + 1,
                    span: head.span.join(tail.span),
                });
            }
            start = None;
        }
    }
    out
}

/// The text of pieces, as written.
fn text_of(pieces: &[Inline]) -> String {
    syntax::plain_text(pieces).trim().to_string()
}

/// Where an item sits: itself, its parent and its neighbours.
struct Place<'d> {
    item: &'d Item,
    parent: Option<&'d Item>,
    before: Option<&'d Item>,
    after: Option<&'d Item>,
}

/// Every item of the document with its place, in document order.
fn places(document: &Document) -> Vec<Place<'_>> {
    let mut out = Vec::new();
    let mut stack: Vec<(&[Item], Option<&Item>)> = vec![(&document.items, None)];
    while let Some((items, parent)) = stack.pop() {
        for (index, item) in items.iter().enumerate() {
            out.push(Place {
                item,
                parent,
                before: index.checked_sub(1).and_then(|before| items.get(before)),
                after: items.get(index + 1),
            });
            stack.push((&item.children, Some(item)));
        }
    }
    out.sort_by_key(|place| place.item.span.start);
    out
}

/// Whether a diagnostic says the rules could not read some words.
fn is_unread(diagnostic: &Diagnostic) -> bool {
    diagnostic.is_error()
        && (diagnostic.code == codes::UNRECOGNISED_SENTENCE
            || diagnostic.code == codes::UNREAD_WORDS)
}

/// The sentences of `document` in which an unread-words error lies, in
/// document order, each once.
pub fn unread_sentences(document: &Document, diagnostics: &[Diagnostic]) -> Vec<Unread> {
    let mut found: BTreeMap<u32, Unread> = BTreeMap::new();
    let places = places(document);
    // Each item's sentences and text, made once: an item may hold
    // thousands of unread sentences (20,000 numbered lines, most of them
    // one step's continuation), and remaking them per sentence was
    // quadratic.
    let mut sentences_at: BTreeMap<usize, Vec<Sentence>> = BTreeMap::new();
    let mut texts: BTreeMap<*const Item, String> = BTreeMap::new();
    let mut text = |item: &Item| -> String {
        texts
            .entry(std::ptr::from_ref(item))
            .or_insert_with(|| item.plain_text())
            .clone()
    };
    for diagnostic in diagnostics
        .iter()
        .filter(|diagnostic| is_unread(diagnostic))
    {
        let Some(span) = diagnostic
            .span
            .filter(|span| span.source == document.source)
        else {
            continue;
        };
        // The last place (in document order) whose text holds the span:
        // places are sorted by start, so from the last starting at or
        // before it, backwards.
        let after = places.partition_point(|place| place.item.span.start <= span.start);
        let Some((index, place)) = places[..after]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, place)| span.start <= place.item.span.end)
        else {
            continue;
        };
        let sentences = sentences_at
            .entry(index)
            .or_insert_with(|| sentences_of(place.item));
        let Some(sentence) = sentences
            .iter()
            .find(|sentence| sentence.span.start <= span.start && span.start < sentence.span.end)
            .or_else(|| sentences.first())
        else {
            continue;
        };
        let entry = found.entry(sentence.span.start).or_insert_with(|| Unread {
            sentence: text_of(
                place
                    .item
                    .text
                    .get(sentence.pieces.clone())
                    .unwrap_or_default(),
            ),
            span: sentence.span,
            step: place.item.label.clone(),
            item: text(place.item),
            parent: place.parent.map(&mut text),
            before: place.before.map(&mut text),
            after: place.after.map(&mut text),
            why: Vec::new(),
        });
        entry.why.push(diagnostic.message.clone());
    }
    found.into_values().collect()
}

/// Puts `rewrite` in place of the sentence at `span`: its pieces, read by
/// keel's grammar, with their spans laid proportionally over the
/// sentence's, so every diagnostic and state points at the sentence.
/// False if no sentence of `document` has that span.
pub fn substitute(document: &mut Document, span: Span, rewrite: &str) -> bool {
    let (parsed, _) = syntax::parse(span.source, rewrite.trim());
    let mut pieces: Vec<Inline> = Vec::new();
    let mut stack: Vec<&Item> = parsed.items.iter().rev().collect();
    while let Some(item) = stack.pop() {
        if !pieces.is_empty() {
            pieces.push(Inline {
                kind: InlineKind::Space,
                span: item.span,
            });
        }
        pieces.extend(item.text.iter().cloned());
        stack.extend(item.children.iter().rev());
    }
    let written = u64::try_from(rewrite.trim().len())
        .unwrap_or(u64::MAX)
        .max(1);
    let length = u64::from(span.end.saturating_sub(span.start));
    let place = |offset: u32| {
        let scaled = u64::from(offset).min(written) * length / written;
        // At most `length`, so it fits: the sentence's own offsets are u32.
        span.start + u32::try_from(scaled).unwrap_or(0)
    };
    for piece in &mut pieces {
        piece.span = Span {
            source: span.source,
            start: place(piece.span.start),
            end: place(piece.span.end),
        };
    }
    let mut stack: Vec<&mut Item> = document.items.iter_mut().collect();
    while let Some(item) = stack.pop() {
        if item.span.start <= span.start && span.end <= item.span.end {
            if let Some(sentence) = sentences_of(item)
                .into_iter()
                .find(|sentence| sentence.span == span)
            {
                item.text.splice(sentence.pieces, pieces);
                return true;
            }
        }
        stack.extend(item.children.iter_mut());
    }
    false
}

/// Marks every statement read from a rewritten span as extracted by an
/// LLM; the rule that read it stays its evidence.
pub fn mark_rewritten(policy: &mut ir::Policy, spans: &[Span]) {
    if spans.is_empty() {
        return;
    }
    let within = |span: Span| {
        spans.iter().any(|rewritten| {
            rewritten.source == span.source
                && rewritten.start < span.end.max(span.start + 1)
                && span.start < rewritten.end
        })
    };
    let mut stack: Vec<&mut ir::Block> = vec![&mut policy.body];
    while let Some(block) = stack.pop() {
        for stmt in &mut block.0 {
            if within(stmt.origin.span) {
                stmt.origin.extracted_by = ir::ExtractedBy::Llm;
            }
            match &mut stmt.kind {
                ir::StmtKind::Ask(ask) => {
                    stack.extend(ask.yes.as_mut());
                    stack.extend(ask.no.as_mut());
                    stack.extend(ask.options.iter_mut());
                    stack.extend(ask.accepted.as_mut());
                    stack.extend(ask.not_found.as_mut());
                }
                ir::StmtKind::Call(call) => {
                    stack.extend(call.not_found.as_mut());
                    stack.extend(call.error.as_mut());
                }
                ir::StmtKind::Match(matching) => {
                    stack.extend(matching.cases.iter_mut().map(|case| &mut case.body));
                    stack.extend(matching.otherwise.as_mut());
                }
                ir::StmtKind::Check(check) => {
                    stack.extend(check.yes.as_mut());
                    stack.extend(check.no.as_mut());
                }
                ir::StmtKind::Retry(retry) => stack.extend(retry.exhausted.as_mut()),
                _ => {}
            }
        }
    }
}

/// Whether the rewrite of `sentence` may be frozen: it passes
/// [`check_rewrite`], and compiling with it in place (beside the rewrites
/// already `accepted`) leaves no unread words in the sentence and adds no
/// error anywhere that compiling without it does not have.
pub fn accept(
    policies: &[crate::Source],
    catalogs: &[crate::Source],
    accepted: &Lock,
    sentence: &Unread,
    rewrite: &str,
) -> Result<(), String> {
    let without = crate::compile_locked(policies, catalogs, Some(accepted));
    // The variables of every policy given: the sentence may be in any.
    let mut known = BTreeSet::new();
    for policy in policies {
        let (document, _) = syntax::parse(crate::source::SourceId::default(), &policy.text);
        known.extend(known_variables(&document, &without.catalog));
    }
    check_rewrite(&sentence.sentence, rewrite, &without.catalog, &known)?;
    let mut trial = accepted.clone();
    trial.insert(&sentence.sentence, rewrite);
    let with = crate::compile_locked(policies, catalogs, Some(&trial));
    let inside = |span: Option<Span>| {
        span.is_some_and(|span| {
            span.source == sentence.span.source
                && sentence.span.start <= span.start
                && span.start < sentence.span.end
        })
    };
    if let Some(still) = with.diagnostics.iter().find(|diagnostic| {
        diagnostic.is_error() && diagnostic.code.id.starts_with("K01") && inside(diagnostic.span)
    }) {
        return Err(format!(
            "the rules do not read the rewrite: {}",
            still.message
        ));
    }
    let errors = |compilation: &crate::Compilation| -> BTreeSet<ErrorKey> {
        compilation
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .map(|diagnostic| {
                (
                    diagnostic.code.id.to_string(),
                    diagnostic.span.map(|span| {
                        (
                            compilation.sources.name(span.source).to_string(),
                            span.start,
                        )
                    }),
                    diagnostic.message.clone(),
                )
            })
            .collect()
    };
    let before = errors(&without);
    if let Some((code, _, message)) = errors(&with).difference(&before).next() {
        return Err(format!(
            "with the rewrite in place, a new error: {code} {message}"
        ));
    }
    Ok(())
}

/// An error as compared before and after a rewrite: code, place, message.
type ErrorKey = (String, Option<(String, u32)>, String);

/// The diagnostic for a lock entry whose rewrite is not read in place.
pub(crate) fn rejected(sentence: &Unread, rewrite: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        codes::INVALID_LLM_STATEMENT,
        format!(
            "the lock file's rewrite of \"{}\" is rejected: {why}",
            sentence.sentence
        ),
    )
    .at(sentence.span)
    .note(None, format!("the rewrite: \"{rewrite}\""))
    .hint("delete its entry in the lock file (or run `keel compile --llm` again), or reword the sentence as docs/policy-language.md shows")
}
