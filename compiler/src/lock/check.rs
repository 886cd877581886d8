//! Checking a rewrite against its sentence and the catalog: it names
//! nothing new and keeps every condition ([`check_rewrite`]).

use super::conditions::conditions;
use super::{MAX_REWRITE, normalise};
use crate::catalog::{Catalog, Effect, Type};
use crate::syntax::{self, Document, InlineKind, Item};
use std::collections::BTreeSet;

/// Words of the negative: the rewrite must keep the sentence's polarity.
const NEGATIVE_WORDS: &[&str] = &[
    "no", "not", "never", "nothing", "none", "nobody", "without", "cannot", "can't", "don't",
    "doesn't", "didn't", "isn't", "aren't", "wasn't", "won't", "haven't", "hasn't", "decline",
    "declines", "declined", "refuse", "refuses", "refused", "reject", "rejects", "rejected",
    "false",
];
/// Words of the affirmative answer: kept if the sentence has one.
const AFFIRMATIVE_WORDS: &[&str] = &[
    "yes",
    "accept",
    "accepts",
    "accepted",
    "agree",
    "agrees",
    "agreed",
    "confirm",
    "confirms",
    "confirmed",
];
/// Qualifiers a rewrite must keep, word for word, when the sentence has them.
const KEPT_WORDS: &[&str] = &[
    "only", "unless", "except", "until", "before", "after", "within", "least", "most", "more",
    "less", "than", "still", "again", "twice", "each", "every", "any", "all", "both", "either",
];

/// What a text names, as keel's grammar reads it.
#[derive(Debug, Default)]
struct Named {
    words: Vec<String>,
    tools: BTreeSet<String>,
    policies: BTreeSet<String>,
    /// `$a.b.c` as written.
    paths: BTreeSet<Vec<String>>,
    literals: BTreeSet<String>,
    numbers: BTreeSet<String>,
}

fn named(text: &str) -> Named {
    let (document, _) = syntax::parse(crate::source::SourceId::default(), text);
    let mut out = Named::default();
    let mut stack: Vec<&Item> = document.items.iter().collect();
    while let Some(item) = stack.pop() {
        stack.extend(item.children.iter());
        for piece in &item.text {
            match &piece.kind {
                InlineKind::Word(word) => out.words.push(word.to_lowercase().replace('’', "'")),
                InlineKind::Number(number) => {
                    out.numbers.insert(number.clone());
                }
                InlineKind::Symbol(_) => {}
                InlineKind::Tool { name, args } => {
                    out.tools.insert(name.clone());
                    for arg in args {
                        if let syntax::ArgValue::Var(path) = &arg.value {
                            out.paths.insert(path.clone());
                        }
                    }
                }
                InlineKind::Policy(name) => {
                    out.policies.insert(crate::machine::normalise_name(name));
                }
                InlineKind::Var(path) => {
                    out.paths.insert(path.clone());
                }
                InlineKind::Literal(literal) => {
                    out.literals.insert(literal.clone());
                    // `$vars` inside a quoted question count too.
                    for word in literal.split(|c: char| c.is_whitespace() || c == '?') {
                        if let Some(path) = word.strip_prefix('$') {
                            let path: Vec<String> = path
                                .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_')
                                .split('.')
                                .map(str::to_string)
                                .collect();
                            out.paths.insert(path);
                        }
                    }
                    out.words.extend(
                        literal
                            .split(|c: char| !c.is_alphanumeric() && c != '\'')
                            .filter(|word| !word.is_empty())
                            .map(str::to_lowercase),
                    );
                }
                InlineKind::Space => {}
            }
        }
    }
    out
}

/// A value's comparable form: lowercase, `_` and `-` as spaces.
fn plain(text: &str) -> String {
    text.to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names a policy may use without the sentence naming them: the
/// variables written anywhere in its text, and those its catalog's tools
/// bind by default (`Order` → `order`, `[Order]` → `orders`).
pub fn known_variables(document: &Document, catalog: &Catalog) -> BTreeSet<String> {
    let mut known: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<&Item> = document.items.iter().collect();
    while let Some(item) = stack.pop() {
        stack.extend(item.children.iter());
        for piece in &item.text {
            if let InlineKind::Var(path) = &piece.kind {
                known.extend(path.first().cloned());
            }
        }
    }
    let snake = |name: &str| {
        let mut out = String::new();
        for (index, c) in name.chars().enumerate() {
            if c.is_uppercase() && index > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        out
    };
    for (name, tool) in &catalog.tools {
        known.insert(match tool.returns.required() {
            Type::Record(record) => snake(record),
            Type::List(item) => match item.required() {
                Type::Record(record) => format!("{}s", snake(record)),
                _ => format!("{name}_result"),
            },
            _ => format!("{name}_result"),
        });
    }
    known.insert(crate::trigger::EVENT_VAR.to_string());
    known
}

/// Checks a rewrite against its sentence and the catalog. It must be one
/// short line that is not the sentence again, and it may name only what the
/// sentence or the catalog names, keeping all the sentence has:
///
/// * every `@tool`, `#Policy`, `$path`, quoted value and number the sentence
///   names is in the rewrite; a tool it adds is a catalog tool that only
///   reads (a write or destructive call must be written in the sentence); a
///   `#Policy`, number or short quoted value (four words at most: a status,
///   an option) it adds must be in the sentence's words; a `$variable` it
///   adds is one the policy has (`known`), and each field is a catalog
///   field or written in the sentence;
/// * each of the sentence's conditions is kept: a label (`**Monthly**: …`,
///   `Not found: …`, `Delivered → …`), a clause opened by `if`, `when`,
///   `unless`, … and each of its `and` / `or` parts shares a word with a
///   condition of the rewrite, and the rewrite has as many conditions
///   (counting its parts) as the sentence ([`keeps_each_condition`]); it
///   has as many negatives (`no`, `not`, `declines`, `false`, …) as the
///   sentence, and at least as many yeses (`yes`, `accepts`) and of each
///   qualifier (`only`, `still`, `before`, `within`, `any`, …).
///
/// These are necessary, not sufficient: a rewrite that passes is still
/// marked for review, and [`accept`] also requires that the rules read it.
pub fn check_rewrite(
    sentence: &str,
    rewrite: &str,
    catalog: &Catalog,
    known: &BTreeSet<String>,
) -> Result<(), String> {
    let rewrite = rewrite.trim();
    if rewrite.is_empty() {
        return Err("the rewrite is empty".to_string());
    }
    if rewrite.chars().count() > MAX_REWRITE {
        return Err(format!(
            "the rewrite is longer than {MAX_REWRITE} characters"
        ));
    }
    if rewrite.contains('\n') {
        return Err("the rewrite is more than one line".to_string());
    }
    if normalise(rewrite) == normalise(sentence) {
        return Err("the rewrite is the sentence unchanged".to_string());
    }
    let before = named(sentence);
    let after = named(rewrite);
    let plain_sentence = plain(sentence);
    // What the sentence names, the rewrite keeps.
    if let Some(tool) = before.tools.difference(&after.tools).next() {
        return Err(format!("the rewrite drops @{tool}"));
    }
    if let Some(policy) = before.policies.difference(&after.policies).next() {
        return Err(format!("the rewrite drops #{policy}"));
    }
    if let Some(path) = before.paths.difference(&after.paths).next() {
        return Err(format!("the rewrite drops ${}", path.join(".")));
    }
    for literal in &before.literals {
        let kept = after
            .literals
            .iter()
            .any(|other| plain(other) == plain(literal))
            || plain(rewrite).contains(&plain(literal));
        if !kept {
            return Err(format!("the rewrite drops \"{literal}\""));
        }
    }
    if let Some(number) = before.numbers.difference(&after.numbers).next() {
        return Err(format!("the rewrite drops the number {number}"));
    }
    // What the rewrite adds, the sentence or the catalog names.
    for tool in after.tools.difference(&before.tools) {
        match catalog.tools.get(tool) {
            None => {
                return Err(format!(
                    "the rewrite names @{tool}, which the catalog does not declare"
                ));
            }
            Some(declared) if declared.effect != Effect::Read => {
                return Err(format!(
                    "the rewrite adds a {} call, @{tool}, that the sentence does not write",
                    declared.effect.as_str()
                ));
            }
            Some(_) => {}
        }
    }
    if let Some(policy) = after.policies.difference(&before.policies).next() {
        return Err(format!(
            "the rewrite names #{policy}, which the sentence does not"
        ));
    }
    if let Some(number) = after.numbers.difference(&before.numbers).next() {
        return Err(format!(
            "the rewrite adds the number {number}, which the sentence does not have"
        ));
    }
    for literal in &after.literals {
        let short = literal.split_whitespace().count() <= 4;
        if short && !plain_sentence.contains(&plain(literal)) {
            return Err(format!(
                "the rewrite names \"{literal}\", which the sentence does not"
            ));
        }
    }
    let fields: BTreeSet<&str> = catalog
        .types
        .values()
        .flat_map(|record| record.fields.keys().map(String::as_str))
        .chain(std::iter::once(crate::vocabulary::PHRASE))
        .collect();
    let written_fields: BTreeSet<&str> = before
        .paths
        .iter()
        .flat_map(|path| path.iter().skip(1).map(String::as_str))
        .collect();
    for path in after.paths.difference(&before.paths) {
        let Some(root) = path.first() else {
            continue;
        };
        let written_root = before.paths.iter().any(|other| other.first() == Some(root));
        if !written_root && !known.contains(root) {
            return Err(format!(
                "the rewrite names ${root}, which the policy does not have"
            ));
        }
        for field in path.iter().skip(1) {
            if !fields.contains(field.as_str()) && !written_fields.contains(field.as_str()) {
                return Err(format!(
                    "the rewrite names the field `{field}` (${}), which no catalog type has",
                    path.join(".")
                ));
            }
        }
    }
    // Each of the sentence's conditions is kept, with its polarity, its
    // answers and its qualifiers, as many times as the sentence has them.
    keeps_each_condition(sentence, rewrite)?;
    let count = |named: &Named, is: &dyn Fn(&str) -> bool| {
        named.words.iter().filter(|word| is(word.as_str())).count()
    };
    let negative = |word: &str| NEGATIVE_WORDS.contains(&word) || word.ends_with("n't");
    match (count(&before, &negative), count(&after, &negative)) {
        (0, 0) => {}
        (_, 0) => {
            return Err(
                "the rewrite drops the sentence's negative (no, not, declines, …)".to_string(),
            );
        }
        (0, _) => {
            return Err(
                "the rewrite adds a negative (no, not, declines, …) the sentence does not have"
                    .to_string(),
            );
        }
        (written, read) if written != read => {
            return Err(format!(
                "the sentence has {written} negatives (no, not, declines, …), the rewrite {read}"
            ));
        }
        _ => {}
    }
    let affirmative = |word: &str| AFFIRMATIVE_WORDS.contains(&word);
    match (count(&before, &affirmative), count(&after, &affirmative)) {
        (written, read) if read >= written => {}
        (_, 0) => return Err("the rewrite drops the sentence's yes".to_string()),
        (written, read) => {
            return Err(format!(
                "the sentence has {written} yeses (yes, accepts, confirms, …), the rewrite {read}"
            ));
        }
    }
    for word in KEPT_WORDS {
        let is = |other: &str| other == *word;
        match (count(&before, &is), count(&after, &is)) {
            (written, read) if read >= written => {}
            (_, 0) => return Err(format!("the rewrite drops “{word}”")),
            (written, read) => {
                return Err(format!(
                    "the sentence has “{word}” {written} times, the rewrite {read}"
                ));
            }
        }
    }
    Ok(())
}

/// Whether `rewrite` keeps each condition of `sentence`
/// ([`conditions`]): every part of each of the sentence's conditions
/// shares a word with the rewrite's conditions (`**Monthly**: if …` needs
/// `monthly` in a condition of the rewrite, not just an `if`), and the
/// rewrite has at least as many conditions, counting each `and` / `or`
/// part, as the sentence has conditions (so an `otherwise` or an `if they
/// agree`, which have no words of their own, are counted).
fn keeps_each_condition(sentence: &str, rewrite: &str) -> Result<(), String> {
    let checked: &[&[&str]] = &[NEGATIVE_WORDS, AFFIRMATIVE_WORDS, KEPT_WORDS];
    let written = conditions(sentence, checked);
    let read = conditions(rewrite, checked);
    let read_words: BTreeSet<&String> = read
        .iter()
        .flat_map(|condition| &condition.parts)
        .flat_map(|part| &part.words)
        .collect();
    for condition in &written {
        let dropped = condition.parts.iter().find(|part| {
            !part.words.is_empty() && !part.words.iter().any(|word| read_words.contains(word))
        });
        if let Some(part) = dropped {
            return Err(if read.is_empty() {
                "the rewrite drops the sentence's condition".to_string()
            } else if condition.parts.len() > 1 {
                format!(
                    "the rewrite drops “{}” of the condition “{}”",
                    part.text, condition.text
                )
            } else {
                format!("the rewrite drops the condition “{}”", condition.text)
            });
        }
    }
    let parts: usize = read.iter().map(|condition| condition.parts.len()).sum();
    if parts < written.len() {
        return Err(if parts == 0 {
            "the rewrite drops the sentence's condition".to_string()
        } else {
            format!(
                "the sentence has {} conditions ({}), the rewrite {parts}",
                written.len(),
                written
                    .iter()
                    .map(|condition| format!("“{}”", condition.text))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    }
    Ok(())
}
