//! The read-back as the confirmation reader compares a reply with it: the
//! numbers, amounts, dates and words it shows, the shown record's own words
//! and position, and the words only other records have.

use super::ReadBack;
use super::lexicon::ACTIONS;
use super::tokens::{Token, tokenize};
use crate::value::{MONTHS, Value};

/// The read-back as the reader compares with it.
pub(super) struct Context<'a> {
    /// The question's words (lower case).
    prompt_words: Vec<String>,
    /// The numbers the question shows (ids, days, years).
    prompt_numbers: Vec<String>,
    /// The amounts the question shows, in cents.
    prompt_amounts: Vec<i64>,
    /// Ids of the shown records.
    ids: Vec<String>,
    /// Words of the shown records' text fields.
    record_words: Vec<String>,
    /// Words only other records have.
    other_words: Vec<String>,
    /// The action words the question's verb allows.
    pub(super) actions: Vec<&'static str>,
    read_back: &'a ReadBack<'a>,
}

impl<'a> Context<'a> {
    pub(super) fn new(read_back: &'a ReadBack<'a>) -> Context<'a> {
        let mut prompt_words = Vec::new();
        let mut prompt_numbers = Vec::new();
        let mut prompt_amounts = Vec::new();
        for token in tokenize(read_back.text) {
            match token {
                Token::Word(word) => prompt_words.push(word),
                Token::Number(number) => prompt_numbers.push(number),
                Token::Money(amount) => prompt_amounts.push(amount),
                Token::Emoji(_) | Token::Mark(_) => {}
            }
        }
        let mut ids = Vec::new();
        let mut record_words = Vec::new();
        for record in &read_back.records {
            collect_record(record, &mut ids, &mut record_words, &mut prompt_amounts);
        }
        let mut other_words = Vec::new();
        for record in &read_back.others {
            let mut other_ids = Vec::new();
            let mut words = Vec::new();
            let mut amounts = Vec::new();
            collect_record(record, &mut other_ids, &mut words, &mut amounts);
            other_words.extend(
                words
                    .into_iter()
                    .filter(|word| !record_words.contains(word) && !prompt_words.contains(word)),
            );
        }
        let actions = ACTIONS
            .iter()
            .filter(|(verb, _)| prompt_words.iter().any(|word| stem(word) == stem(verb)))
            .flat_map(|(_, words)| words.iter().copied())
            .collect();
        Context {
            prompt_words,
            prompt_numbers,
            prompt_amounts,
            ids,
            record_words,
            other_words,
            actions,
            read_back,
        }
    }

    /// Whether a number in the reply is one the question shows: an id of the
    /// shown record (or its last three or more digits), or a number of the
    /// question's text (the day, the year).
    pub(super) fn number_agrees(&self, number: &str) -> bool {
        let digits = number.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        self.prompt_numbers.iter().any(|shown| {
            shown.trim_start_matches('0') == digits
                || (number.len() >= 3 && shown.len() > number.len() && shown.ends_with(number))
        }) || self.ids.iter().any(|id| {
            let id_digits: String = id.chars().filter(char::is_ascii_digit).collect();
            id_digits == number
                || (number.len() >= 3
                    && id_digits.len() > number.len()
                    && id_digits.ends_with(number))
        }) || self
            .prompt_amounts
            .iter()
            .any(|amount| amount % 100 == 0 && number.parse::<i64>().ok() == Some(amount / 100))
    }

    pub(super) fn money_agrees(&self, amount: i64) -> bool {
        self.prompt_amounts.contains(&amount)
    }

    /// Where a word not in the lexicon belongs.
    pub(super) fn place(&self, word: &str) -> Place {
        if let Some(position) = ordinal(word) {
            return if Some(position) == self.read_back.position {
                Place::Position
            } else {
                Place::OtherRecord
            };
        }
        if MONTHS
            .iter()
            .any(|month| month.eq_ignore_ascii_case(word) || month_abbreviation(month, word))
        {
            return if self.prompt_words.iter().any(|shown| shown == word)
                || self.prompt_words.iter().any(|shown| {
                    MONTHS.iter().any(|month| {
                        month.eq_ignore_ascii_case(shown) && month_abbreviation(month, word)
                    })
                }) {
                Place::Readback
            } else {
                Place::OtherRecord
            };
        }
        if self.record_words.iter().any(|known| same_word(known, word)) {
            return Place::Record;
        }
        if self.other_words.iter().any(|known| same_word(known, word)) {
            return Place::OtherRecord;
        }
        if self.prompt_words.iter().any(|shown| same_word(shown, word)) {
            return Place::Readback;
        }
        Place::Unknown
    }
}

/// Where a word of the reply belongs.
pub(super) enum Place {
    /// A word of the shown record (its item, its status).
    Record,
    /// The shown record's position ("the first one").
    Position,
    /// A word of the question.
    Readback,
    /// A word, position or date of another record.
    OtherRecord,
    /// Nothing the rules know.
    Unknown,
}

/// The shown record's ids, words and amounts.
fn collect_record(
    record: &Value,
    ids: &mut Vec<String>,
    words: &mut Vec<String>,
    amounts: &mut Vec<i64>,
) {
    let Value::Record(fields) = record else {
        return;
    };
    for (name, value) in fields.iter() {
        match value {
            Value::Text(text) if crate::slots::ID_FIELDS.contains(&name.as_ref()) => {
                ids.push(text.to_ascii_lowercase());
            }
            Value::Text(text) if !name.contains("tracking") && !name.contains("email") => {
                for token in tokenize(text) {
                    if let Token::Word(word) = token {
                        if word.len() >= 3 && !COMMON.contains(&word.as_str()) {
                            words.push(word);
                        }
                    }
                }
            }
            Value::Money(money) => amounts.push(money.minor),
            Value::List(items) => {
                for item in items.iter() {
                    if let Value::Record(_) = item {
                        let mut nested_ids = Vec::new();
                        collect_record(item, &mut nested_ids, words, amounts);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Words too common to tell records apart.
const COMMON: &[&str] = &[
    "the", "and", "for", "with", "set", "pack", "order", "item", "items",
];

/// "first" → 1, "2nd" → 2, "last" is not a position here (it needs the count).
fn ordinal(word: &str) -> Option<usize> {
    const ORDINALS: &[&str] = &[
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    if let Some(index) = ORDINALS.iter().position(|name| *name == word) {
        return Some(index + 1);
    }
    if matches!(
        word,
        "last" | "latest" | "newest" | "oldest" | "top" | "bottom" | "latter" | "former"
    ) {
        return Some(usize::MAX);
    }
    let digits = word
        .strip_suffix("st")
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))?;
    digits.parse().ok()
}

fn month_abbreviation(month: &str, word: &str) -> bool {
    word.len() == 3
        && month
            .get(..3)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(word))
}

/// Two words are the same, allowing a plural or a doubled letter.
fn same_word(known: &str, word: &str) -> bool {
    known == word || stem(known) == stem(word) || squeeze(known) == squeeze(word)
}

fn stem(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.len() >= 3 {
                return base;
            }
        }
    }
    word
}

/// The word with runs of one letter made single ("yesss" → "yes").
pub(super) fn squeeze(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for character in word.chars() {
        if !out.ends_with(character) {
            out.push(character);
        }
    }
    out
}
