//! Carrier vocabulary: the catalog's table of plain, reassuring words for
//! carrier statuses and exception codes (EasyPost `status` and
//! `status_detail` values, AfterShip tags and subtags).
//!
//! A field of type `carrier_code` holds a raw code; a message shows it only
//! as `$path.phrase`, which the runtime renders with [`phrase_for`]: the
//! table's phrase, else the phrase of the code's AfterShip tag
//! (`Exception_099` → `Exception`), else the table's `fallback` — never the
//! code. The verifier flags a message that interpolates the raw code
//! (`K0316 raw-carrier-code`).
//!
//! ```toml
//! [carrier]
//! fallback = "the carrier has sent an update we are checking"
//! [carrier.phrases]
//! in_transit = "on its way"
//! Exception_017 = "held up by extreme weather — your parcel is safe"
//! ```

use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The field name that turns a `carrier_code` path into its plain words.
pub const PHRASE: &str = "phrase";

/// The phrase for a code nobody mapped, when the catalog gives none.
pub const DEFAULT_FALLBACK: &str =
    "the carrier has sent an update we are still checking — your parcel is being looked after";

/// The catalog's carrier vocabulary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vocabulary {
    /// Code → plain phrase.
    pub phrases: BTreeMap<String, String>,
    /// The phrase for a code the table does not hold.
    pub fallback: Option<String>,
    /// Where the table is declared.
    pub span: Option<Span>,
}

/// `[carrier]` as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVocabulary {
    #[serde(default)]
    fallback: Option<String>,
    #[serde(default)]
    phrases: BTreeMap<String, String>,
}

impl Vocabulary {
    /// Reads a `[carrier]` table: every phrase must be plain words — it may
    /// not contain a code of the table (a customer would see the code).
    pub(crate) fn read(raw: RawVocabulary, span: Span, diagnostics: &mut Vec<Diagnostic>) -> Self {
        let bad = |message: String| {
            Diagnostic::error(codes::BAD_CATALOG, message)
                .at(span)
                .hint("write what the code means for the customer, in plain words")
        };
        let mut phrases = BTreeMap::new();
        for (code, phrase) in &raw.phrases {
            if phrase.trim().is_empty() {
                diagnostics.push(bad(format!(
                    "the carrier code `{code}` has an empty phrase"
                )));
                continue;
            }
            if let Some(shown) = shows_code(phrase, raw.phrases.keys()) {
                diagnostics.push(bad(format!(
                    "the phrase for `{code}` shows the raw carrier code `{shown}`"
                )));
                continue;
            }
            phrases.insert(code.clone(), phrase.trim().to_string());
        }
        let fallback =
            raw.fallback
                .and_then(|fallback| match shows_code(&fallback, raw.phrases.keys()) {
                    Some(shown) => {
                        diagnostics.push(bad(format!(
                            "the fallback phrase shows the raw carrier code `{shown}`"
                        )));
                        None
                    }
                    None => Some(fallback.trim().to_string()),
                });
        Vocabulary {
            phrases,
            fallback,
            span: Some(span),
        }
    }

    /// Merges another catalog's table: a code mapped twice differently is
    /// an error.
    pub(crate) fn merge(&mut self, other: Vocabulary, diagnostics: &mut Vec<Diagnostic>) {
        for (code, phrase) in other.phrases {
            match self.phrases.get(&code) {
                Some(existing) if *existing != phrase => diagnostics.push(
                    Diagnostic::error(
                        codes::BAD_CATALOG,
                        format!("the carrier code `{code}` has two different phrases"),
                    )
                    .at(other
                        .span
                        .unwrap_or_else(|| Span::new(Default::default(), 0, 0)))
                    .note(self.span, "the other table"),
                ),
                Some(_) => {}
                None => {
                    self.phrases.insert(code, phrase);
                }
            }
        }
        if self.fallback.is_none() {
            self.fallback = other.fallback;
        }
        if self.span.is_none() {
            self.span = other.span;
        }
    }

    /// The fallback phrase in force.
    pub fn fallback_phrase(&self) -> &str {
        self.fallback.as_deref().unwrap_or(DEFAULT_FALLBACK)
    }
}

/// A code of `codes` that `phrase` shows as a word, if any.
fn shows_code<'c>(phrase: &str, codes: impl Iterator<Item = &'c String>) -> Option<&'c str> {
    let words: Vec<&str> = phrase
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .collect();
    codes
        .map(String::as_str)
        // A single plain word (`delivered`) may be said; a code with an
        // underscore or a capital inside (`in_transit`, `InTransit`) may not.
        .filter(|code| code.contains('_') || code.chars().skip(1).any(char::is_uppercase))
        .find(|code| words.contains(code))
}

/// The plain words for `code`: the table's phrase, else the phrase of its
/// AfterShip tag (`Exception_099` → `Exception`), else `fallback`. The
/// flag says whether the table (or the tag) mapped it; an unmapped code is
/// never returned.
pub fn phrase_for<'a>(
    phrases: &'a BTreeMap<String, String>,
    fallback: &'a str,
    code: &str,
) -> (&'a str, bool) {
    if let Some(phrase) = phrases.get(code.trim()) {
        return (phrase, true);
    }
    let tag = code.trim().split('_').next().unwrap_or_default();
    if tag != code.trim() {
        if let Some(phrase) = phrases.get(tag) {
            return (phrase, true);
        }
    }
    (fallback, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> BTreeMap<String, String> {
        [
            ("in_transit", "on its way"),
            ("Exception", "held up on the way"),
            (
                "Exception_017",
                "held up by extreme weather — your parcel is safe",
            ),
        ]
        .into_iter()
        .map(|(code, phrase)| (code.to_string(), phrase.to_string()))
        .collect()
    }

    #[test]
    fn codes_map_to_phrases_subtags_fall_back_to_tags_then_to_the_fallback() {
        let table = table();
        assert_eq!(phrase_for(&table, "fb", "in_transit"), ("on its way", true));
        assert_eq!(
            phrase_for(&table, "fb", "Exception_017"),
            ("held up by extreme weather — your parcel is safe", true)
        );
        assert_eq!(
            phrase_for(&table, "fb", "Exception_099"),
            ("held up on the way", true)
        );
        assert_eq!(phrase_for(&table, "fb", "Terminal_43"), ("fb", false));
        assert_eq!(phrase_for(&table, "fb", ""), ("fb", false));
    }

    #[test]
    fn a_phrase_that_shows_a_code_is_refused() {
        let raw = RawVocabulary {
            fallback: Some("status in_transit".to_string()),
            phrases: [
                ("in_transit".to_string(), "it is in_transit".to_string()),
                (
                    "delivered".to_string(),
                    "delivered to your door".to_string(),
                ),
            ]
            .into_iter()
            .collect(),
        };
        let mut diagnostics = Vec::new();
        let vocabulary =
            Vocabulary::read(raw, Span::new(Default::default(), 0, 0), &mut diagnostics);
        assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
        assert_eq!(vocabulary.phrases.len(), 1);
        assert_eq!(vocabulary.fallback_phrase(), DEFAULT_FALLBACK);
    }
}
