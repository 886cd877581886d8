//! A policy's short answers to questions customers ask in the middle of a
//! flow: the `Answers` section.
//!
//! ```text
//! ## Answers
//! - Shipping time / delivery time: Standard shipping takes 3–5 business days.
//! - Returns: You can return an unused item within 30 days of delivery.
//! - How much does express shipping cost? Express shipping is $15.
//!
//! Answers: shipping takes 3–5 business days.
//! ```
//!
//! The section is a heading or a paragraph named `Answers` (or `FAQ`,
//! `Common questions`, `Frequently asked questions`, `Quick answers`)
//! with one entry per sub-item, or a paragraph `Answers: …` holding one
//! entry itself. An entry is `topic: answer` (topics separated by `/`,
//! `,` or `or`), `question? answer`, or a sentence whose subject — the
//! words before its verb — is the topic ("shipping takes 3–5 days").
//!
//! At run time a reply that is a question is answered with the entry whose
//! topic it names (every word of one of the entry's topics is in the
//! question; the entry naming the most words wins, and a tie answers
//! nothing); keel then asks its pending question again. An answer is fixed
//! text: it reads no value and calls no tool, so it changes nothing the
//! verifier proves. Words are compared by [`topic_words`], which the
//! runtime uses on the question too.

use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Answer;
use crate::syntax::{Document, Item, MarkerKind};

/// Names of the section (compared without case or a trailing colon).
const SECTION_NAMES: &[&str] = &[
    "answers",
    "short answers",
    "quick answers",
    "faq",
    "faqs",
    "common questions",
    "frequently asked questions",
    "answers to common questions",
];

/// Words a question is made of that say nothing about its topic.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "am", "an", "and", "any", "are", "at", "be", "can", "could", "did", "do", "does",
    "much", "many", "for", "from", "get", "going", "has", "have", "how", "i", "if", "in", "is",
    "it", "its", "me", "my", "of", "on", "or", "our", "please", "should", "so", "that", "the",
    "there", "this", "to", "us", "was", "we", "what", "when", "where", "which", "who", "why",
    "will", "with", "would", "you", "your",
];

/// Words that end a sentence's subject: verbs and the adverbs before
/// them ("shipping *takes* 3 days", "refunds *usually* reach …").
const SUBJECT_ENDS: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "be",
    "take",
    "takes",
    "cost",
    "costs",
    "can",
    "cannot",
    "will",
    "must",
    "may",
    "might",
    "should",
    "ship",
    "ships",
    "arrive",
    "arrives",
    "reach",
    "reaches",
    "go",
    "goes",
    "come",
    "comes",
    "get",
    "gets",
    "has",
    "have",
    "run",
    "runs",
    "last",
    "lasts",
    "need",
    "needs",
    "apply",
    "applies",
    "start",
    "starts",
    "expire",
    "expires",
    "appear",
    "appears",
    "show",
    "shows",
    "usually",
    "normally",
    "typically",
    "always",
    "never",
    "only",
];

/// Splits the answers section off `document`: the document without it,
/// and its entries. Entries that cannot be read are reported.
pub fn split(document: &Document, diagnostics: &mut Vec<Diagnostic>) -> (Document, Vec<Answer>) {
    let mut answers = Vec::new();
    if !document.items.iter().any(holds_section) {
        return (document.clone(), answers);
    }
    let items = without_sections(&document.items, &mut answers, diagnostics);
    let rest = Document {
        source: document.source,
        front_matter: document.front_matter.clone(),
        items,
    };
    (rest, answers)
}

/// Whether `item` is or holds an answers section.
fn holds_section(item: &Item) -> bool {
    section_of(item).is_some() || item.children.iter().any(holds_section)
}

/// `items` with every answers section taken out (at any depth: a
/// paragraph after the last step is that step's sub-item), its entries
/// read into `answers`.
fn without_sections(
    items: &[Item],
    answers: &mut Vec<Answer>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Item> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        match section_of(item) {
            Some(inline) => {
                if let Some(text) = inline {
                    read_entry(&text, item, answers, diagnostics);
                }
                for child in &item.children {
                    read_entry(&child.plain_text(), child, answers, diagnostics);
                }
            }
            None if item.children.iter().any(holds_section) => {
                let mut item = item.clone();
                item.children = without_sections(&item.children, answers, diagnostics);
                kept.push(item);
            }
            None => kept.push(item.clone()),
        }
    }
    kept
}

/// `Some(text after "Answers:")` when `item` opens the answers section
/// (`Some(None)`: the section's entries are its sub-items).
fn section_of(item: &Item) -> Option<Option<String>> {
    if !matches!(item.marker, MarkerKind::Heading(_) | MarkerKind::Paragraph) {
        return None;
    }
    let text = item.plain_text();
    let trimmed = text.trim();
    let name = trimmed.trim_end_matches(':').trim().to_lowercase();
    if SECTION_NAMES.contains(&name.as_str()) {
        return Some(None);
    }
    let (head, rest) = trimmed.split_once(':')?;
    let head = head.trim().to_lowercase();
    (SECTION_NAMES.contains(&head.as_str()) && !rest.trim().is_empty())
        .then(|| Some(rest.trim().to_string()))
}

/// Reads one entry (`topic: answer`, `question? answer`, or a sentence
/// whose subject is its topic).
fn read_entry(
    text: &str,
    item: &Item,
    answers: &mut Vec<Answer>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let bad = |message: String, hint: &str| {
        Diagnostic::error(codes::BAD_ANSWER, message)
            .at(item.span)
            .hint(hint.to_string())
    };
    let names_value = text
        .split('$')
        .skip(1)
        .any(|after| after.starts_with(|c: char| c.is_alphabetic() || c == '_'));
    if text.contains('@') || names_value {
        diagnostics.push(bad(
            format!("the answer \"{text}\" names a tool or a value"),
            "an answer is fixed text keel says as written; a step of the procedure can look things up (docs/policy-language.md, “Answers”)",
        ));
        return;
    }
    let (topics, said) = if let Some((question, said)) = split_question(text) {
        (vec![question.to_string()], said)
    } else if let Some((topic, said)) = text.split_once(": ") {
        (split_topics(topic), said.trim())
    } else {
        (subject(text).into_iter().collect(), text)
    };
    let (names, topics): (Vec<String>, Vec<Vec<String>>) = topics
        .into_iter()
        .map(|topic| {
            let words = topic_words(&topic);
            (topic, words)
        })
        .filter(|(_, words)| !words.is_empty())
        .unzip();
    if topics.is_empty() || said.is_empty() {
        diagnostics.push(bad(
            format!("keel cannot tell which questions \"{text}\" answers"),
            "write the topic first: `- Shipping time: Standard shipping takes 3–5 business days.` (docs/policy-language.md, “Answers”)",
        ));
        return;
    }
    answers.push(Answer {
        names,
        topics,
        text: said.to_string(),
        span: item.span,
    });
}

/// `How long does shipping take? It takes 3 days.` → the question and
/// the answer.
fn split_question(text: &str) -> Option<(&str, &str)> {
    let (question, said) = text.split_once("? ")?;
    let said = said.trim();
    (!said.is_empty()).then_some((question, said))
}

/// `Shipping time / delivery time, or postage` → each topic.
fn split_topics(topic: &str) -> Vec<String> {
    topic
        .split(['/', ','])
        .flat_map(|part| part.split(" or "))
        .map(|part| part.trim().to_string())
        .filter(|part| !part.is_empty())
        .collect()
}

/// The words before a sentence's verb: "Standard shipping takes 3 days"
/// → "Standard shipping".
fn subject(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let end = words.iter().position(|word| {
        let word = word.to_lowercase();
        SUBJECT_ENDS.contains(&word.trim_matches(|c: char| !c.is_alphanumeric()))
    })?;
    (end > 0).then(|| words[..end].join(" "))
}

/// The words of `text` that can name a topic, each reduced to a stem
/// (`Shipping` and `shipped` → `ship`, `returns` → `return`), function
/// words left out. The runtime compares a customer's question with an
/// entry's topics through this same function.
pub fn topic_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|word| word.trim_matches('\'').to_lowercase())
        .filter(|word| !word.is_empty())
    {
        let word = word.split('\'').next().unwrap_or_default().to_string();
        if word.is_empty() || FUNCTION_WORDS.contains(&word.as_str()) {
            continue;
        }
        let stem = stem(&word);
        if !words.contains(&stem) {
            words.push(stem);
        }
    }
    words
}

/// A light stemmer: plural and verb endings off, a doubled final
/// consonant and a final `e` dropped (`shipping` → `ship`, `takes` →
/// `tak`, `take` → `tak`, `refunds` → `refund`).
fn stem(word: &str) -> String {
    let mut stem = word;
    for ending in ["ing", "ed", "es", "s"] {
        if let Some(rest) = stem.strip_suffix(ending) {
            if rest.chars().count() >= 3 && !(ending == "s" && rest.ends_with('s')) {
                stem = rest;
                break;
            }
        }
    }
    let mut stem = stem.to_string();
    let chars: Vec<char> = stem.chars().collect();
    if let [.., a, b] = chars.as_slice() {
        if a == b && !"aeiouls".contains(*b) && chars.len() > 3 {
            stem.pop();
        }
    }
    if stem.chars().count() > 3 && stem.ends_with('e') {
        stem.pop();
    }
    stem
}

/// Question phrases that name a topic word the question does not write:
/// "how long does shipping take?" asks about shipping *time*.
const IMPLIED: &[(&str, &str)] = &[
    ("how long", "time"),
    ("when", "time"),
    ("how soon", "time"),
    ("how much", "cost"),
    ("price", "cost"),
    ("fee", "cost"),
    ("charge", "cost"),
];

/// A question's words as [`topic_words`] gives them, with the topic words
/// its phrasing implies ([`IMPLIED`]).
pub fn question_words(question: &str) -> Vec<String> {
    let mut words = topic_words(question);
    // The question's words, lower case, one space apart and around: made
    // once, then each implying phrase is looked for in it.
    let written = format!(
        " {} ",
        question
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    );
    for (phrase, implied) in IMPLIED {
        if written.contains(&format!(" {phrase} ")) {
            let implied = stem(implied);
            if !words.contains(&implied) {
                words.push(implied);
            }
        }
    }
    words
}

/// The entry a question names: every word of one of its topics is among
/// the question's words; the entry naming the most words wins, and a tie
/// between two entries answers nothing (keel does not guess).
pub fn answer_for<'a>(answers: &'a [Answer], question: &str) -> Option<&'a Answer> {
    best_match(
        answers
            .iter()
            .map(|answer| (answer, answer.topics.as_slice())),
        question,
    )
}

/// [`answer_for`] over any entries with their topics' words (the runtime
/// keeps them in the artifact's form).
pub fn best_match<'a, T, I>(entries: I, question: &str) -> Option<T>
where
    I: IntoIterator<Item = (T, &'a [Vec<String>])>,
{
    let question_words = question_words(question);
    let mut best: Option<(usize, T)> = None;
    let mut tied = false;
    for (entry, topics) in entries {
        let score = topics
            .iter()
            .filter(|topic| topic.iter().all(|word| question_words.contains(word)))
            .map(Vec::len)
            .max();
        let Some(score) = score else { continue };
        match &best {
            Some((top, _)) if score < *top => {}
            Some((top, _)) if score == *top => tied = true,
            _ => {
                best = Some((score, entry));
                tied = false;
            }
        }
    }
    if tied {
        None
    } else {
        best.map(|(_, entry)| entry)
    }
}

/// The example section the language reference shows, and questions to
/// ask it.
const REFERENCE_SECTION: &str = "## Answers\n\n- Shipping time / delivery time: Standard shipping takes 3–5 business days.\n- Shipping cost: Standard shipping is free on orders over $50.\n- How do I return an item? You can return an unused item within 30 days of delivery.\n- Refunds reach your card within 5–10 business days.\n";
const REFERENCE_QUESTIONS: &[&str] = &[
    "how long does shipping take?",
    "what's the shipping cost to Canada?",
    "when will my delivery arrive?",
    "how do I return an item?",
    "can I return it if it doesn't fit?",
    "when do refunds come through?",
    "do you sell gift cards?",
];

/// The language reference's section on `Answers` (generated: what the
/// example section reads as, and which entry answers each question).
pub fn reference_section() -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "## Answers\n\nA section named `Answers` (or `FAQ`, `Common questions`, `Frequently asked questions`, \
         `Quick answers`) is not procedure: each entry is fixed text keel says when a customer asks, in the \
         middle of the flow, a question that names the entry's topic; keel then asks its pending question \
         again (the reply still counts as one of the question's attempts, so conversations stay bounded). \
         An entry is `topic: answer` (several topics separated by `/`, `,` or `or`), `question? answer`, or \
         a sentence whose subject is its topic (`Answers: shipping takes 3–5 days.` is a section of one \
         entry). A question names a topic when it holds every word of it (function words left out, \
         endings ignored: `shipped` names `shipping`; `how long` and `when` name `time`, `how much`, `price` \
         and `fee` name `cost`); the entry naming the most words wins, and a tie answers nothing. An answer names no tool or `$value` (`K0130 bad-answer`). \
         A question no entry names is told \u{201c}I'm sorry, I can't answer that here.\u{201d}\n\n```markdown\n",
    );
    out.push_str(REFERENCE_SECTION);
    out.push_str("```\n\nreads as\n\n```\n");
    let mut sources = crate::source::SourceMap::default();
    let id = sources.add(crate::source::Source::new("answers.md", REFERENCE_SECTION));
    let (document, mut diagnostics) = crate::syntax::parse(id, REFERENCE_SECTION);
    let (_, answers) = split(&document, &mut diagnostics);
    for answer in &answers {
        let _ = writeln!(
            out,
            "topics {} (words: {}) -> \"{}\"",
            answer.names.join(" / "),
            answer
                .topics
                .iter()
                .map(|words| words.join(" "))
                .collect::<Vec<_>>()
                .join(" / "),
            answer.text
        );
    }
    for diagnostic in &diagnostics {
        let _ = writeln!(out, "{}: {}", diagnostic.code, diagnostic.message);
    }
    out.push_str("```\n\n| question | answered with |\n|---|---|\n");
    for question in REFERENCE_QUESTIONS {
        let said = answer_for(&answers, question).map_or("(not answered)".to_string(), |answer| {
            answer.names.join(" / ")
        });
        let _ = writeln!(out, "| {question} | {said} |");
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn read(text: &str) -> (Vec<Answer>, Vec<Diagnostic>, usize) {
        let mut sources = SourceMap::default();
        let id = sources.add(crate::source::Source::new("policy.md", text));
        let (document, mut diagnostics) = crate::syntax::parse(id, text);
        let (rest, answers) = split(&document, &mut diagnostics);
        (answers, diagnostics, rest.items.len())
    }

    #[test]
    fn a_section_of_labelled_entries_is_read_and_left_out_of_the_procedure() {
        let (answers, diagnostics, steps) = read(
            "1. Ask for the email.\n\n## Answers\n\n- Shipping time / delivery: Shipping takes 3–5 business days.\n- Returns: Within 30 days.\n- How much is express shipping? It is $15.\n",
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(steps, 1);
        let topics: Vec<_> = answers.iter().map(|a| a.topics.clone()).collect();
        assert_eq!(
            topics,
            vec![
                vec![
                    vec!["ship".to_string(), "tim".to_string()],
                    vec!["delivery".to_string()]
                ],
                vec![vec!["return".to_string()]],
                vec![vec!["express".to_string(), "ship".to_string()]],
            ]
        );
        assert_eq!(answers[2].text, "It is $15.");
    }

    #[test]
    fn a_one_line_section_takes_its_subject_as_the_topic() {
        let (answers, diagnostics, steps) =
            read("1. Ask for the email.\n\nAnswers: shipping takes 3–5 business days.\n");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(steps, 1);
        assert_eq!(answers[0].topics, vec![vec!["ship".to_string()]]);
        assert_eq!(answers[0].text, "shipping takes 3–5 business days.");
    }

    #[test]
    fn an_entry_without_a_topic_or_with_a_value_is_an_error() {
        let (answers, diagnostics, _) = read(
            "1. Ask for the email.\n\n## FAQ\n\n- We are happy to help.\n- Status: your order is $order.status.\n",
        );
        assert!(answers.is_empty());
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code.id).collect();
        assert_eq!(codes, vec!["K0130", "K0130"]);
    }

    #[test]
    fn the_entry_naming_most_words_wins_and_a_tie_answers_nothing() {
        let (answers, _, _) = read(
            "1. Ask.\n\n## Answers\n\n- Shipping: Shipping takes 3 days.\n- Shipping cost: Shipping is free.\n- Returns: 30 days.\n- Refunds: 5 days.\n",
        );
        let said = |question: &str| answer_for(&answers, question).map(|a| a.text.as_str());
        assert_eq!(
            said("how long does shipping take?"),
            Some("Shipping takes 3 days.")
        );
        assert_eq!(said("what does shipping cost?"), Some("Shipping is free."));
        assert_eq!(
            said("when will it be shipped?"),
            Some("Shipping takes 3 days.")
        );
        assert_eq!(said("can I get a refund or a return?"), None);
        assert_eq!(said("do you sell hats?"), None);
    }
}
