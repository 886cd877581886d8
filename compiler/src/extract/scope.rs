//! What is in scope at a step: variables bound so far, and lookups over
//! their fields by the words a sentence uses ("the tracking number").

use super::lexicon::{self, Class};
use crate::catalog::{Catalog, Type};
use crate::ir::Path;

/// The variables visible at a point, most recently bound last.
pub(crate) struct Scope<'a> {
    pub(crate) bindings: Vec<(String, Type)>,
    pub(crate) catalog: &'a Catalog,
}

/// The content words of a phrase.
pub(crate) fn content_words<'w>(words: &[&'w str]) -> Vec<&'w str> {
    words
        .iter()
        .copied()
        .filter(|word| !lexicon::is(word, Class::Stopword))
        .collect()
}

/// A crude singular: `orders` → `order`, `addresses` → `address`.
pub(crate) fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("sses") {
        return format!("{stem}ss");
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if word.ends_with("ss") {
        return word.to_string();
    }
    word.strip_suffix('s').unwrap_or(word).to_string()
}

/// Same word, or two words of five letters or more sharing their first four
/// (`shipment` ~ `shipping`). Counted in characters: words may be any script.
fn word_matches(word: &str, part: &str) -> bool {
    let (word, part) = (singular(word), singular(part));
    let stem = |text: &str| text.chars().take(4).collect::<String>();
    word == part
        || (word.chars().count() >= 5 && part.chars().count() >= 5 && stem(&word) == stem(&part))
}

impl Scope<'_> {
    /// The record type behind a binding, if any.
    fn record_of(ty: &Type) -> Option<&str> {
        match ty.required() {
            Type::Record(name) => Some(name),
            _ => None,
        }
    }

    /// The field (or variable) the words best name, optionally of a wanted kind.
    pub(crate) fn find_field(
        &self,
        words: &[&str],
        want: &dyn Fn(&Type) -> bool,
    ) -> Option<(Path, Type)> {
        let words = content_words(words);
        if words.is_empty() {
            return None;
        }
        let mut best: Option<(usize, usize, Path, Type)> = None;
        for (recency, (name, ty)) in self.bindings.iter().enumerate().rev() {
            let mut candidates: Vec<(Path, Type, String)> =
                vec![(Path::var(name), ty.clone(), name.clone())];
            if let Some(record) =
                Scope::record_of(ty).and_then(|record| self.catalog.types.get(record))
            {
                for (field, field_type) in &record.fields {
                    candidates.push((
                        Path::var(name).field(field),
                        field_type.clone(),
                        field.clone(),
                    ));
                }
            }
            for (path, candidate_type, field_name) in candidates {
                if !want(&candidate_type) {
                    continue;
                }
                let parts: Vec<&str> = field_name.split('_').collect();
                let score = parts
                    .iter()
                    .filter(|part| words.iter().any(|word| word_matches(word, part)))
                    .count();
                if score == 0 {
                    continue;
                }
                // More matched parts wins; then fewer unmatched parts; then recency.
                let unmatched = parts.len() - score;
                let better = match &best {
                    None => true,
                    Some((best_score, best_unmatched, _, _)) => {
                        score > *best_score || (score == *best_score && unmatched < *best_unmatched)
                    }
                };
                if better {
                    best = Some((score, unmatched, path, candidate_type));
                }
                let _ = recency;
            }
        }
        best.map(|(_, _, path, ty)| (path, ty))
    }

    /// The most recent binding of a record type named by `noun` (`order`).
    pub(crate) fn record_var(&self, noun: &str) -> Option<(String, String)> {
        let noun = singular(noun);
        self.bindings.iter().rev().find_map(|(name, ty)| {
            let record = Scope::record_of(ty)?;
            // `gift_card_id` names a `GiftCard` whatever the variable is called.
            (record.to_lowercase() == noun
                || super::calls::snake(record) == noun
                || singular(name) == noun)
                .then(|| (name.clone(), record.to_string()))
        })
    }

    /// The field that identifies a record to a customer (`id`, `number`, `name`).
    pub(crate) fn id_field(&self, record: &str) -> Option<String> {
        let fields = &self.catalog.types.get(record)?.fields;
        ["number", "order_number", "increment_id", "id", "name"]
            .iter()
            .find(|field| fields.contains_key(**field))
            .map(|field| field.to_string())
    }

    /// The most recent list binding whose name or item type the words name.
    pub(crate) fn list_var(&self, words: &[&str]) -> Option<(String, Type)> {
        let words = content_words(words);
        let lists: Vec<&(String, Type)> = self
            .bindings
            .iter()
            .rev()
            .filter(|(_, ty)| matches!(ty.required(), Type::List(_)))
            .collect();
        let named = lists.iter().find(|(name, ty)| {
            let item = match ty.required() {
                Type::List(item) => Scope::record_of(item).unwrap_or("").to_lowercase(),
                _ => String::new(),
            };
            words.iter().any(|word| {
                word_matches(word, name) || (!item.is_empty() && word_matches(word, &item))
            })
        });
        named.or(lists.first()).map(|binding| (*binding).clone())
    }

    /// Whether a variable is bound.
    pub(crate) fn has(&self, name: &str) -> Option<&Type> {
        self.bindings
            .iter()
            .rev()
            .find(|(bound, _)| bound == name)
            .map(|(_, ty)| ty)
    }

    /// The type of a path, if it resolves.
    pub(crate) fn path_type(&self, path: &[String]) -> Option<Type> {
        let root = self.has(path.first()?)?;
        self.catalog.field_type(root, &path[1..])
    }

    /// Enum fields in scope whose domain holds every value (matched without
    /// regard to case); deduplicated by path, most recent binding first.
    pub(crate) fn enum_fields_with(&self, values: &[String]) -> Vec<(Path, Vec<String>)> {
        let mut found: Vec<(Path, Vec<String>)> = Vec::new();
        for (name, ty) in self.bindings.iter().rev() {
            let record = Scope::record_of(ty).or(match ty.required() {
                Type::List(_) => None,
                _ => None,
            });
            let Some(record) = record.and_then(|record| self.catalog.types.get(record)) else {
                continue;
            };
            for (field, field_type) in &record.fields {
                let Some(domain) = field_type.domain() else {
                    continue;
                };
                let holds_all = values.iter().all(|value| {
                    domain
                        .iter()
                        .any(|allowed| allowed.eq_ignore_ascii_case(value.trim()))
                });
                let path = Path::var(name).field(field);
                if holds_all && !found.iter().any(|(known, _)| *known == path) {
                    found.push((path, domain.to_vec()));
                }
            }
        }
        found
    }

    /// Every enum field in scope with its domain (for did-you-mean).
    pub(crate) fn all_enum_fields(&self) -> Vec<(Path, Vec<String>)> {
        let mut found: Vec<(Path, Vec<String>)> = Vec::new();
        for (name, ty) in self.bindings.iter().rev() {
            let Some(record) =
                Scope::record_of(ty).and_then(|record| self.catalog.types.get(record))
            else {
                continue;
            };
            for (field, field_type) in &record.fields {
                if let Some(domain) = field_type.domain() {
                    let path = Path::var(name).field(field);
                    if !found.iter().any(|(known, _)| *known == path) {
                        found.push((path, domain.to_vec()));
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_any_script_compare_without_panicking() {
        assert!(word_matches("shipment", "shipping"));
        assert!(word_matches("ééééé", "éééééa"));
    }

    #[test]
    fn singular_forms() {
        assert_eq!(singular("orders"), "order");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("deliveries"), "delivery");
        assert_eq!(singular("status"), "statu");
    }
}
