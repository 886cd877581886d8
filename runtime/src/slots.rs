//! Slot filling by rules: a customer's free-text reply → a value of the
//! ask's type, a choice, or "unclear".
//!
//! Every answer carries the rule that decided it and the text it matched,
//! which the engine keeps as evidence for `keel explain`. The rules are
//! deliberately conservative: a reply that could mean two things is
//! unclear, and the customer is asked again.

mod confirmation;
mod email;
mod items;
mod person;
mod phrases;
mod repair;

pub use confirmation::ReadBack;
use repair::Questions;
pub use repair::Repair;

use crate::event::Snippet;
use crate::value::{Date, MONTHS, Value};
use std::borrow::Cow;

/// What is being asked.
#[derive(Clone, Copy, Debug)]
pub enum Question<'a> {
    /// An email address.
    Email,
    /// Free text.
    Text,
    /// A person's name.
    Name,
    /// A zip or postal code.
    PostalCode,
    /// A number.
    Number,
    /// A date (relative words resolve against `today`).
    Date,
    /// Yes or no; the prompt's wording lets "it was delivered" count as yes.
    YesNo {
        /// The question as sent.
        prompt: &'a str,
    },
    /// A confirmation: a yes/no question whose `yes` leads to a write or
    /// destructive call. Only an explicit yes to what it reads back counts
    /// (see [`ReadBack`]).
    Confirm(&'a ReadBack<'a>),
    /// One of the literal options, or "no" to decline them all.
    Options(&'a [&'a str]),
    /// One item of a list.
    Item(&'a [Value]),
    /// One or more items of a list.
    Items(&'a [Value]),
}

/// What the reply meant.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The customer asked for a person.
    Human,
    /// A typed value (email, text, number, date).
    Value(Value),
    /// Yes.
    Yes,
    /// No.
    No,
    /// The option at this index.
    Option(usize),
    /// None of the options, thanks.
    Decline,
    /// The list item at this index.
    Item(usize),
    /// These list items, by index in the list's order.
    Items(Vec<usize>),
    /// The item is not in the list.
    NoneOfThem,
    /// Not an answer: the customer steers the conversation (see [`Repair`]).
    Repair(Repair),
    /// Not understood.
    Unclear,
}

/// An answer with the rule that gave it and what it matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Understood {
    /// The meaning.
    pub answer: Answer,
    /// The rule's name.
    pub rule: &'static str,
    /// The part of the reply it matched.
    pub matched: Snippet,
}

fn understood(answer: Answer, rule: &'static str, matched: &str) -> Understood {
    Understood {
        answer,
        rule,
        matched: Snippet::new(matched),
    }
}

fn unclear() -> Understood {
    understood(Answer::Unclear, "unclear", "")
}

/// Reads a reply.
pub fn understand(question: Question<'_>, reply: &str, today: Date) -> Understood {
    if let Question::Email = question {
        if let Some(found) = email::read(reply) {
            // A reply that is its one address and nothing else asks for
            // nobody (most replies here: read without copying them).
            if found.rule == "email" && found.matched.as_str().len() == reply.trim().len() {
                return found;
            }
            // "agent please. order 1036, lee@example.com": the request for a
            // person wins (but not the "human" of human@example.com).
            let rest = email::without_addresses(reply);
            if let Some(matched) = asks_for_human(&Words::new(&rest)) {
                return understood(Answer::Human, "human", matched);
            }
            return found;
        }
    }
    let words = Words::new(reply);
    if let Some(matched) = asks_for_human(&words) {
        return understood(Answer::Human, "human", matched);
    }
    let repair = repair::repair(&words);
    let repaired = |(intent, phrase): (Repair, &str)| {
        understood(Answer::Repair(intent), intent.name(), phrase)
    };
    match question {
        // A confirmation reads its own refusals ("never mind" is a no);
        // what it leaves unclear may still be a repair or a question.
        Question::Confirm(read_back) => {
            let read = confirmation::confirm(reply, read_back);
            match (&read.answer, repair) {
                (
                    Answer::Unclear,
                    Some(found @ (Repair::StartOver | Repair::Repeat | Repair::SomethingElse, _)),
                ) => repaired(found),
                (Answer::Unclear, _) if read.rule == "confirm-question" => understood(
                    Answer::Repair(Repair::Question),
                    Repair::Question.name(),
                    reply.trim(),
                ),
                _ => read,
            }
        }
        // "Yes" or "no" first decides; otherwise a repair phrase does. A
        // reply that corrects itself counts by its last part ("no wait,
        // yes, they came on Tuesday").
        Question::YesNo { prompt } => match (repair::corrected_tail(&words, false), repair) {
            (Some((tail, _)), _) => {
                let read = yes_no(&Words::new(tail), prompt);
                if matches!(read.answer, Answer::Yes | Answer::No) {
                    understood(read.answer, "self-corrected", tail.trim())
                } else {
                    yes_no(&words, prompt)
                }
            }
            (None, Some(found)) if !plain_yes_or_no(words.get(0)) => repaired(found),
            (None, _) => {
                let read = yes_no(&words, prompt);
                if read.rule == "question" {
                    understood(
                        Answer::Repair(Repair::Question),
                        Repair::Question.name(),
                        reply.trim(),
                    )
                } else {
                    read
                }
            }
        },
        Question::Options(options) => {
            repair::pick(&words, repair, Questions::NeverPick, |words, _| {
                choose_option(words, options)
            })
        }
        Question::Item(items) => repair::pick(
            &words,
            repair,
            Questions::PickByName,
            |words, deliberate| choose_item(words, items, today, deliberate),
        ),
        Question::Items(items) => match repair {
            Some(found) => repaired(found),
            None if repair::is_question(&words) => understood(
                Answer::Repair(Repair::Question),
                Repair::Question.name(),
                reply.trim(),
            ),
            None => items::choose_items(reply, items, today),
        },
        Question::Email => match (email::spelled(&words), repair) {
            (Some(found), _) => found,
            (None, Some(found)) => repaired(found),
            (None, None) if repair::is_question(&words) => understood(
                Answer::Repair(Repair::Question),
                Repair::Question.name(),
                reply.trim(),
            ),
            (None, None) => unclear(),
        },
        Question::Text => {
            let text = reply.trim();
            if text.is_empty() {
                unclear()
            } else {
                understood(Answer::Value(Value::text(text)), "text", text)
            }
        }
        Question::Name => match person::find_name(reply) {
            Some(name) => understood(Answer::Value(Value::text(name)), "name", name),
            None => unclear(),
        },
        Question::PostalCode => match person::find_postal_code(reply) {
            Some(code) => understood(Answer::Value(Value::text(code)), "postal-code", code),
            None => unclear(),
        },
        Question::Number => match find_number(&words) {
            Some((number, matched)) => {
                understood(Answer::Value(Value::Number(number)), "number", matched)
            }
            None => unclear(),
        },
        Question::Date => match find_date(&words, today) {
            Some((date, rule)) => understood(Answer::Value(Value::Date(date)), rule, &date.iso()),
            None => unclear(),
        },
    }
}

/// What a message steers the conversation to, whatever the question: a
/// person, or a repair (`Answer::Human` or `Answer::Repair`), with the
/// words that say so.
pub(crate) fn steer(reply: &str) -> Option<(Answer, &'static str)> {
    let without = email::without_addresses(reply);
    let words = Words::new(&without);
    if let Some(matched) = asks_for_human(&words) {
        return Some((Answer::Human, matched));
    }
    repair::repair(&words).map(|(intent, phrase)| (Answer::Repair(intent), phrase))
}

/// Whether a message is only thanks or a goodbye.
pub(crate) fn is_courtesy(reply: &str) -> bool {
    const COURTESY: &[&str] = &[
        "thanks",
        "thank",
        "you",
        "thx",
        "ty",
        "great",
        "perfect",
        "ok",
        "okay",
        "cool",
        "bye",
        "goodbye",
        "cheers",
        "awesome",
        "so",
        "much",
        "a",
        "lot",
        "that's",
        "all",
        "good",
        "got",
        "it",
        "alright",
        "nice",
        "wonderful",
        "appreciate",
        "appreciated",
        "helpful",
    ];
    let words = Words::new(reply);
    words.len() > 0 && words.iter().all(|word| COURTESY.contains(&word))
}

/// A plain yes or no word ("yes", "nope"), which answers a yes/no question
/// before any repair phrase after it ("no, never mind the rest").
fn plain_yes_or_no(word: &str) -> bool {
    matches!(
        word,
        "yes" | "yeah" | "yep" | "yup" | "no" | "nope" | "nah" | "sure" | "ok" | "okay"
    )
}

/// The reply, lower-cased and split into words.
struct Words<'a> {
    text: Cow<'a, str>,
    words: Spans,
    /// A one-pass prefilter: a bit for each word's first two bytes (see
    /// [`key`]); a phrase or word whose bit is clear is not in the reply.
    keys: u64,
}

/// The prefilter bit of a word or phrase: its first two bytes (a space
/// standing in for the second when the first word has one byte).
#[inline]
const fn key(bytes: &[u8]) -> u64 {
    let (first, second) = match bytes {
        [] => (0, b' '),
        [only] => (*only, b' '),
        [first, second, ..] => (*first, *second),
    };
    1 << (((first as u32).wrapping_mul(31) ^ (second as u32).wrapping_mul(7)) % 64)
}

/// The [`key`] of each phrase of a list (of at most 64), at compile time.
const fn phrase_keys(phrases: &[&str]) -> [u64; 64] {
    assert!(
        phrases.len() <= 64,
        "a phrase list has more than 64 phrases"
    );
    let mut keys = [0u64; 64];
    let mut index = 0;
    while index < phrases.len() {
        keys[index] = key(phrases[index].as_bytes());
        index += 1;
    }
    keys
}

/// The first phrase of the list in the reply; `keys` are the list's
/// [`phrase_keys`], so most phrases are turned away by one test.
fn first_phrase(
    words: &Words,
    phrases: &'static [&'static str],
    keys: &[u64; 64],
) -> Option<&'static str> {
    phrases
        .iter()
        .zip(keys)
        .find(|&(phrase, &key)| words.keys & key != 0 && words.phrase(phrase).is_some())
        .map(|(phrase, _)| *phrase)
}

/// Word boundaries: up to 16 inline, more in a vector.
struct Spans {
    inline: [(usize, usize); 16],
    len: usize,
    spill: Vec<(usize, usize)>,
}

impl Spans {
    fn new() -> Spans {
        Spans {
            inline: [(0, 0); 16],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, span: (usize, usize)) {
        if self.spill.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = span;
                self.len += 1;
                return;
            }
            self.spill.extend_from_slice(&self.inline);
        }
        self.spill.push(span);
    }

    fn as_slice(&self) -> &[(usize, usize)] {
        if self.spill.is_empty() {
            self.inline.get(..self.len).unwrap_or_default()
        } else {
            &self.spill
        }
    }
}

impl<'a> Words<'a> {
    fn new(reply: &'a str) -> Words<'a> {
        let mut words = Spans::new();
        let text = match Words::split_ascii(reply, &mut words) {
            Some(text) => text,
            None => {
                words = Spans::new();
                Words::split_unicode(reply, &mut words)
            }
        };
        let bytes = text.as_bytes();
        let mut keys = 0;
        for &(start, end) in words.as_slice() {
            keys |= key(bytes.get(start..end).unwrap_or_default());
        }
        Words { text, words, keys }
    }

    /// Plain ASCII replies, byte by byte, in one pass: the words are where
    /// they would be after lower-casing (which keeps letters letters) and
    /// turning backquotes into quotes. `None` for any other reply.
    fn split_ascii(reply: &'a str, words: &mut Spans) -> Option<Cow<'a, str>> {
        let bytes = reply.as_bytes();
        let mut start = None;
        let mut change = false;
        // Quotes around a word are not part of it ("'yes'"), inside they are ("didn't").
        let mut push = |mut begin: usize, mut end: usize| {
            while begin < end && matches!(bytes[begin], b'\'' | b'`') {
                begin += 1;
            }
            while end > begin && matches!(bytes[end - 1], b'\'' | b'`') {
                end -= 1;
            }
            if begin < end {
                words.push((begin, end));
            }
        };
        for (index, &byte) in bytes.iter().enumerate() {
            if !byte.is_ascii() {
                return None;
            }
            change |= byte.is_ascii_uppercase() || byte == b'`';
            let part_of_word = byte.is_ascii_alphanumeric() || matches!(byte, b'\'' | b'`' | b'#');
            match (part_of_word, start) {
                (true, None) => start = Some(index),
                (false, Some(begin)) => {
                    push(begin, index);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(begin) = start {
            push(begin, bytes.len());
        }
        if !change {
            return Some(Cow::Borrowed(reply));
        }
        let mut text = reply.to_ascii_lowercase();
        if text.contains('`') {
            text = text.replace('`', "'");
        }
        Some(Cow::Owned(text))
    }

    /// Any other reply: lower-cased character by character, typographic
    /// quotes made plain.
    fn split_unicode(reply: &str, words: &mut Spans) -> Cow<'a, str> {
        let mut text = String::with_capacity(reply.len());
        for character in reply.chars() {
            match character {
                '’' | '‘' | '`' => text.push('\''),
                '“' | '”' => text.push('"'),
                other => text.extend(other.to_lowercase()),
            }
        }
        let mut start = None;
        let mut push = |begin: usize, end: usize, text: &str| {
            let word = &text[begin..end];
            let trimmed = word.trim_matches('\'');
            if !trimmed.is_empty() {
                let offset = word.len() - word.trim_start_matches('\'').len();
                words.push((begin + offset, begin + offset + trimmed.len()));
            }
        };
        for (index, character) in text.char_indices() {
            let part_of_word = character.is_alphanumeric() || character == '\'' || character == '#';
            match (part_of_word, start) {
                (true, None) => start = Some(index),
                (false, Some(begin)) => {
                    push(begin, index, &text);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(begin) = start {
            push(begin, text.len(), &text);
        }
        Cow::Owned(text)
    }

    fn len(&self) -> usize {
        self.words.as_slice().len()
    }

    /// The (lower-cased) text after word `index`.
    fn text_after(&self, index: usize) -> &str {
        self.words
            .as_slice()
            .get(index)
            .and_then(|&(_, end)| self.text.get(end..))
            .unwrap_or_default()
    }

    fn get(&self, index: usize) -> &str {
        self.words
            .as_slice()
            .get(index)
            .map_or("", |&(start, end)| &self.text[start..end])
    }

    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.words
            .as_slice()
            .iter()
            .map(|&(start, end)| &self.text[start..end])
    }

    /// The word's bytes (no char-boundary checks: spans are boundaries).
    fn bytes_at(&self, index: usize) -> &[u8] {
        self.words
            .as_slice()
            .get(index)
            .and_then(|&(start, end)| self.text.as_bytes().get(start..end))
            .unwrap_or_default()
    }

    fn has(&self, word: &str) -> bool {
        if self.keys & key(word.as_bytes()) == 0 {
            return false;
        }
        let text = self.text.as_bytes();
        self.words
            .as_slice()
            .iter()
            .any(|&(start, end)| text.get(start..end) == Some(word.as_bytes()))
    }

    /// Finds a phrase of whole words; returns the index of its first word.
    fn phrase(&self, phrase: &str) -> Option<usize> {
        self.phrase_from(phrase, 0)
    }

    /// [`Words::phrase`], starting at word `from`.
    fn phrase_from(&self, phrase: &str, from: usize) -> Option<usize> {
        if self.keys & key(phrase.as_bytes()) == 0 {
            return None;
        }
        let (first, rest) = match phrase.bytes().position(|byte| byte == b' ') {
            Some(space) => (&phrase[..space], &phrase[space + 1..]),
            None => (phrase, ""),
        };
        (from..self.len()).find(|&start| {
            self.bytes_at(start) == first.as_bytes()
                && (phrase.len() == first.len()
                    || rest
                        .split(' ')
                        .enumerate()
                        .all(|(offset, part)| self.get(start + 1 + offset) == part))
        })
    }
}

/// `left == right`, comparing short words byte by byte (no `memcmp` call).
#[inline]
fn same(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .as_bytes()
            .iter()
            .zip(right.as_bytes())
            .all(|(left, right)| left == right)
}

/// `list.contains(&word)`, with [`same`].
#[inline]
fn one_of(list: &[&str], word: &str) -> bool {
    list.iter().any(|entry| same(entry, word))
}

/// A word's bit in a word list's filter ([`lexicon_bits`]): its length and
/// first and last bytes.
const fn lexicon_bit(bytes: &[u8]) -> usize {
    let (first, last) = match bytes {
        [] => (0, 0),
        [first, .., last] => (*first as usize, *last as usize),
        [only] => (*only as usize, *only as usize),
    };
    (first.wrapping_mul(31) ^ last.wrapping_mul(7) ^ bytes.len().wrapping_mul(131)) % 256
}

/// The filter bits of `words`, computed at compile time.
const fn lexicon_bits(words: &[&str]) -> [u64; 4] {
    let mut bits = [0u64; 4];
    let mut index = 0;
    while index < words.len() {
        let bit = lexicon_bit(words[index].as_bytes());
        bits[bit / 64] |= 1 << (bit % 64);
        index += 1;
    }
    bits
}

/// Whether `word` may be one of the words whose bits these are (when
/// not, it surely is not: most words of a reply are turned away here
/// rather than compared with every entry).
#[inline]
fn may_be(bits: &[u64; 4], word: &str) -> bool {
    let bit = lexicon_bit(word.as_bytes());
    bits.get(bit / 64)
        .is_some_and(|set| set >> (bit % 64) & 1 == 1)
}

const HUMAN_WORDS: &[&str] = &[
    "human",
    "agent",
    "representative",
    "rep",
    "operator",
    "humans",
    "agents",
    "supervisor",
    "manager",
];

/// [`HUMAN_PHRASES`]' keys.
const HUMAN_PHRASE_KEYS: [u64; 64] = phrase_keys(HUMAN_PHRASES);

const HUMAN_PHRASES: &[&str] = &[
    "real person",
    "live person",
    "actual person",
    "a person",
    "talk to someone",
    "speak to someone",
    "speak with someone",
    "talk with someone",
    "talk to somebody",
    "speak to somebody",
    "customer service",
    "customer support",
    "support team",
    "someone real",
];

/// Words one of which every human request contains: the phrases are
/// only tried when one is present, which keeps ordinary replies cheap.
const HUMAN_KEYS: &[&str] = &[
    "person", "someone", "somebody", "service", "support", "real",
];

fn asks_for_human(words: &Words) -> Option<&'static str> {
    let word_hit = HUMAN_WORDS.iter().find(|word| words.has(word));
    let key_hit = word_hit.is_none() && words.iter().any(|word| one_of(HUMAN_KEYS, word));
    if word_hit.is_none() && !key_hit {
        return None;
    }
    let negated = words.phrase("don't need").is_some()
        || words.phrase("do not need").is_some()
        || words.phrase("no need").is_some()
        || words.phrase("don't want").is_some();
    if negated {
        return None;
    }
    if let Some(word) = word_hit {
        return Some(word);
    }
    first_phrase(words, HUMAN_PHRASES, &HUMAN_PHRASE_KEYS)
}

/// [`NUMBER_WORDS`]' filter.
const NUMBER_BITS: [u64; 4] = lexicon_bits(NUMBER_WORDS);

/// The number a number word names.
fn number_word(word: &str) -> Option<usize> {
    if !may_be(&NUMBER_BITS, word) {
        return None;
    }
    NUMBER_WORDS.iter().position(|name| same(name, word))
}

const NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

fn find_number<'a>(words: &'a Words<'_>) -> Option<(f64, &'a str)> {
    for word in words.iter() {
        let digits = word.trim_start_matches('#');
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            if let Ok(number) = digits.parse::<f64>() {
                return Some((number, word));
            }
        }
        if let Some(position) = number_word(word) {
            return Some((position as f64, word));
        }
    }
    // Decimals such as "2.5" are split at the dot by the tokenizer.
    None
}

fn month_of(word: &str) -> Option<u32> {
    // The months a first letter may begin, in the calendar's order.
    let candidates: &[u32] = match word.as_bytes().first().map(u8::to_ascii_lowercase) {
        _ if word.len() < 3 => &[],
        Some(b'j') => &[1, 6, 7],
        Some(b'f') => &[2],
        Some(b'm') => &[3, 5],
        Some(b'a') => &[4, 8],
        Some(b's') => &[9],
        Some(b'o') => &[10],
        Some(b'n') => &[11],
        Some(b'd') => &[12],
        _ => &[],
    };
    candidates.iter().copied().find(|&month| {
        MONTHS.get(month as usize - 1).is_some_and(|name| {
            name.as_bytes()
                .get(..word.len())
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case(word.as_bytes()))
        })
    })
}

fn day_number(word: &str) -> Option<u32> {
    let digits = word
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    if digits.is_empty() || digits.len() > 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|day| (1..=31).contains(day))
}

fn year_number(word: &str) -> Option<i32> {
    if word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()) {
        word.parse().ok()
    } else {
        None
    }
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn find_date(words: &Words, today: Date) -> Option<(Date, &'static str)> {
    // ISO dates and slashes survive tokenisation only in the raw text
    // (and need digits).
    let digits = words.text.bytes().any(|byte| byte.is_ascii_digit());
    let tokens = if digits { words.text.as_ref() } else { "" };
    for token in tokens
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|token| !token.is_empty())
    {
        let token = token.trim_matches(|c: char| !c.is_ascii_digit());
        if let Some(date) = Date::parse_iso(token) {
            return Some((date, "date-iso"));
        }
        let mut parts = token.split('/');
        if let (Some(first), Some(second), Some(third), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            if let (Ok(first), Ok(second), Ok(third)) = (
                first.parse::<u32>(),
                second.parse::<u32>(),
                third.parse::<u32>(),
            ) {
                let numbers = [first, second, third];
                let year = if numbers[2] < 100 {
                    2000 + numbers[2] as i32
                } else {
                    numbers[2] as i32
                };
                // Day first when it cannot be a month; US order otherwise.
                let (month, day) = if numbers[0] > 12 {
                    (numbers[1], numbers[0])
                } else {
                    (numbers[0], numbers[1])
                };
                if let Some(date) = Date::from_ymd(year, month, day) {
                    return Some((date, "date-slashes"));
                }
            }
        }
    }
    if words.has("today") {
        return Some((today, "date-relative"));
    }
    if words.has("yesterday") {
        return Some((today.plus_days(-1), "date-relative"));
    }
    if words.has("tomorrow") {
        return Some((today.plus_days(1), "date-relative"));
    }
    if let Some(ago) = words.phrase("days ago") {
        if ago > 0 {
            if let Some((count, _)) = find_number(&Words::new(words.get(ago - 1))) {
                return Some((today.plus_days(-(count as i32)), "date-relative"));
            }
        }
    }
    for (index, word) in words.iter().enumerate() {
        // Month names and weekdays have three letters or more.
        if word.len() < 3 {
            continue;
        }
        if let Some(month) = month_of(word) {
            // "3 March 2026", "March 3rd, 2026", "the 3rd of March".
            let before = if index >= 2 && words.get(index - 1) == "of" {
                index - 2
            } else {
                index.wrapping_sub(1)
            };
            let day = day_number(words.get(index + 1))
                .map(|day| (day, index + 2))
                .or_else(|| day_number(words.get(before)).map(|day| (day, index + 1)));
            if let Some((day, after)) = day {
                let year = year_number(words.get(after)).unwrap_or(today.ymd().0);
                if let Some(date) = Date::from_ymd(year, month, day) {
                    return Some((date, "date-words"));
                }
            }
        }
        if let Some(weekday) = Some(word)
            .filter(|word| word.ends_with("day"))
            .and_then(|word| WEEKDAYS.iter().position(|name| same(name, word)))
        {
            // The most recent such day ("last Monday", "on Friday").
            let mut back = (today.weekday() as i32 - weekday as i32).rem_euclid(7);
            if back == 0 && words.get(index.wrapping_sub(1)) == "last" {
                back = 7;
            }
            return Some((today.plus_days(-back), "date-weekday"));
        }
    }
    None
}

const YES_WORDS: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "yup",
    "ya",
    "yea",
    "yess",
    "y",
    "sure",
    "ok",
    "okay",
    "k",
    "correct",
    "right",
    "affirmative",
    "absolutely",
    "definitely",
    "indeed",
    "certainly",
    "confirm",
    "confirmed",
    "please",
    "totally",
    "exactly",
    "aye",
    "true",
    "👍",
];

const NO_WORDS: &[&str] = &[
    "nothing", "no", "nope", "nah", "n", "nay", "negative", "never", "not", "false", "nooo", "noo",
];

/// [`UNSURE_PHRASES`]' keys.
const UNSURE_PHRASE_KEYS: [u64; 64] = phrase_keys(UNSURE_PHRASES);

const UNSURE_PHRASES: &[&str] = &[
    "not sure",
    "don't know",
    "do not know",
    "idk",
    "maybe",
    "no idea",
    "dunno",
    "perhaps",
    "not certain",
    "can't remember",
    "no clue",
];

/// [`YES_PHRASES`]' keys.
const YES_PHRASE_KEYS: [u64; 64] = phrase_keys(YES_PHRASES);

const YES_PHRASES: &[&str] = &[
    "of course",
    "go ahead",
    "do it",
    "i do",
    "i did",
    "it did",
    "it was",
    "it is",
    "it has",
    "i think so",
    "that's right",
    "sounds good",
    "got it",
    "received it",
    "i have",
];

/// [`NO_PHRASES`]' keys.
const NO_PHRASE_KEYS: [u64; 64] = phrase_keys(NO_PHRASES);

const NO_PHRASES: &[&str] = &[
    "not really",
    "not yet",
    "no way",
    "i don't",
    "i do not",
    "don't think so",
    "never arrived",
    "never came",
    "never got",
    "hasn't",
    "haven't",
    "didn't",
    "wasn't",
    "isn't",
    "don't",
    "do not",
    "did not",
    "has not",
    "have not",
    "was not",
    "not received",
    "keep it",
    "changed my mind",
];

fn yes_no(words: &Words, prompt: &str) -> Understood {
    if words.text.contains('👍') {
        return understood(Answer::Yes, "yes-emoji", "👍");
    }
    if words.text.contains('👎') {
        return understood(Answer::No, "no-emoji", "👎");
    }
    if words.len() == 0 {
        return unclear();
    }
    let first = words.get(0);
    let first_yes = one_of(YES_WORDS, first);
    let first_no = one_of(NO_WORDS, first);
    // The common one-word answer, before any phrase is looked for.
    if words.len() == 1 && (first_yes || first_no) {
        return if first_yes {
            understood(Answer::Yes, "yes-word", first)
        } else {
            understood(Answer::No, "no-word", first)
        };
    }
    // A question back is no answer, unless it follows one ("yes, and
    // where is my refund?").
    if !first_yes && !first_no && words.text.contains('?') {
        return understood(Answer::Unclear, "question", first);
    }
    // "Sure, why not": a relaxed yes, not a negation.
    if let Some(at) = words.phrase("why not") {
        if at + 2 == words.len() && (at == 0 || one_of(YES_WORDS, words.get(0))) {
            return understood(Answer::Yes, "yes-why-not", "why not");
        }
    }
    if let Some(phrase) = first_phrase(words, UNSURE_PHRASES, &UNSURE_PHRASE_KEYS) {
        return understood(Answer::Unclear, "unsure", phrase);
    }
    // A leading "no"/"nope" decides ("no, it didn't arrive") unless a
    // plain yes follows ("no wait, yes"): both answers at once.
    if first_no {
        if words
            .iter()
            .skip(1)
            .any(|word| matches!(word, "yes" | "yeah" | "yep" | "yup"))
        {
            return understood(Answer::Unclear, "yes-and-no", first);
        }
        return understood(Answer::No, "no-word", first);
    }
    let no_phrase = first_phrase(words, NO_PHRASES, &NO_PHRASE_KEYS);
    // A leading "yes" decides unless a negation follows ("yeah no", "sure,
    // not yet"); a plain no after it is both answers ("yes and no").
    if first_yes {
        match words.iter().skip(1).find(|word| one_of(NO_WORDS, word)) {
            Some("no" | "nope" | "nah") => {
                return understood(Answer::Unclear, "yes-and-no", first);
            }
            None if no_phrase.is_none() => return understood(Answer::Yes, "yes-word", first),
            _ => {}
        }
    }
    if let Some(phrase) = no_phrase {
        return understood(Answer::No, "no-phrase", phrase);
    }
    if let Some(word) = words
        .iter()
        .find(|word| one_of(NO_WORDS, word) || word.ends_with("n't"))
    {
        return understood(Answer::No, "negation", word);
    }
    if let Some(phrase) = first_phrase(words, YES_PHRASES, &YES_PHRASE_KEYS) {
        return understood(Answer::Yes, "yes-phrase", phrase);
    }
    if let Some(word) = words.iter().find(|word| one_of(YES_WORDS, word)) {
        return understood(Answer::Yes, "yes-word", word);
    }
    // "It was delivered", "cancel it": the reply repeats the question's verb.
    let prompt_words = Words::new(prompt);
    for word in words.iter() {
        if word.len() >= 5
            && prompt_words.iter().any(|asked| {
                asked.len() >= 5 && stem(asked) == stem(word) && !STOP_WORDS.contains(&asked)
            })
        {
            return understood(Answer::Yes, "echo", word);
        }
    }
    unclear()
}

/// A crude stem: enough to match "delivered"/"deliver", "shoes"/"shoe".
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

/// [`STOP_WORDS`]' filter.
const STOP_BITS: [u64; 4] = lexicon_bits(STOP_WORDS);

/// `one_of(STOP_WORDS, word)`, filtered first.
fn stop_word(word: &str) -> bool {
    may_be(&STOP_BITS, word) && one_of(STOP_WORDS, word)
}

const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "one", "ones", "order", "orders", "my", "i", "me", "want", "would", "like",
    "to", "about", "that", "this", "it", "is", "was", "please", "thanks", "thank", "you", "for",
    "with", "of", "on", "in", "and", "or", "which", "could", "can", "share", "your", "recent",
    "here", "are", "inquire", "cancel", "option", "just", "from", "placed", "item", "items",
    "mean", "think", "so", "be", "do", "did", "its", "it's", "i'd", "i'm", "im", "we", "our",
    "let's", "go", "take", "pick", "choose", "get", "have", "has", "number", "status", "check",
    "there", "what", "where",
];

/// [`ORDINALS`]' filter.
const ORDINAL_BITS: [u64; 4] = {
    let mut bits = [0u64; 4];
    let mut index = 0;
    while index < ORDINALS.len() {
        let bit = lexicon_bit(ORDINALS[index].0.as_bytes());
        bits[bit / 64] |= 1 << (bit % 64);
        index += 1;
    }
    bits
};

const ORDINALS: &[(&str, usize)] = &[
    ("first", 1),
    ("1st", 1),
    ("second", 2),
    ("2nd", 2),
    ("third", 3),
    ("3rd", 3),
    ("fourth", 4),
    ("4th", 4),
    ("fifth", 5),
    ("5th", 5),
    ("sixth", 6),
    ("6th", 6),
    ("seventh", 7),
    ("7th", 7),
    ("eighth", 8),
    ("8th", 8),
    ("ninth", 9),
    ("9th", 9),
    ("tenth", 10),
    ("10th", 10),
];

/// A position given as "the second one", "number 2", "option 3", "2", "two", "last".
fn position<'a>(words: &'a Words<'_>, count: usize) -> Option<(usize, &'a str)> {
    if count > 0 && words.phrase("most recent").is_some() {
        return Some((0, "most recent"));
    }
    for (index, word) in words.iter().enumerate() {
        if let Some(&(_, position)) = Some(word)
            .filter(|word| may_be(&ORDINAL_BITS, word))
            .and_then(|word| ORDINALS.iter().find(|(name, _)| same(name, word)))
        {
            if position <= count {
                return Some((position - 1, word));
            }
        }
        if matches!(word, "last" | "latter" | "bottom") && count > 0 {
            return Some((count - 1, word));
        }
        if matches!(word, "latest" | "newest" | "top" | "former") && count > 0 {
            return Some((0, word));
        }
        let digits = word.trim_start_matches('#');
        let number = if !digits.is_empty()
            && digits.len() <= 2
            && digits.chars().all(|c| c.is_ascii_digit())
        {
            digits.parse::<usize>().ok()
        } else {
            // "two", "number two", "option 3": a bare number word, not the
            // "one" of "the blue one".
            let previous = if index == 0 { "" } else { words.get(index - 1) };
            number_word(word).filter(|_| {
                words.len() == 1 || matches!(previous, "number" | "option" | "no" | "order")
            })
        };
        if let Some(number) = number {
            if (1..=count).contains(&number) {
                return Some((number - 1, word));
            }
        }
    }
    None
}

/// [`DECLINE_PHRASES`]' keys.
const DECLINE_PHRASE_KEYS: [u64; 64] = phrase_keys(DECLINE_PHRASES);

/// Refusals of every option that win over any label word in the reply.
const STRONG_DECLINES: &[&str] = &[
    "no thanks",
    "no thank you",
    "none of them",
    "none of those",
    "not interested",
    "no offers",
    "no offer",
    "no deals",
    "any offers",
    "any discounts",
    "skip the offers",
    "just cancel",
    "i'll pass",
];

const DECLINE_PHRASES: &[&str] = &[
    "no thanks",
    "no thank you",
    "none of them",
    "none of those",
    "none",
    "neither",
    "not interested",
    "just cancel",
    "want it cancelled",
    "want it canceled",
    "still want to cancel",
    "want to cancel",
    "cancel it",
    "cancel the order",
    "proceed with the cancellation",
    "go ahead and cancel",
    "no",
    "nope",
    "nah",
    "pass",
    "i'll pass",
];

fn choose_option(words: &Words, options: &[&str]) -> Understood {
    if words.len() == 0 {
        return unclear();
    }
    // The full label, longest first.
    let mut best: Option<(usize, usize)> = None;
    for (index, option) in options.iter().enumerate() {
        let label = Words::new(option);
        let phrase: Vec<&str> = label.iter().collect();
        if words.phrase(&phrase.join(" ")).is_some()
            && best.is_none_or(|(_, length)| phrase.len() > length)
        {
            best = Some((index, phrase.len()));
        }
    }
    if let Some((index, _)) = best {
        return understood(Answer::Option(index), "option-label", options[index]);
    }
    // "No offers, thanks", "not interested in the offers": a refusal of
    // them all, whatever label word it mentions.
    if let Some(phrase) = STRONG_DECLINES
        .iter()
        .find(|phrase| words.phrase(phrase).is_some())
    {
        return understood(Answer::Decline, "decline", phrase);
    }
    if let Some((index, word)) = position(words, options.len()) {
        return understood(Answer::Option(index), "option-number", word);
    }
    // A word only one label has ("the upgrade"), or the head word of one
    // label ("the discount" → "Discount Offer").
    let labels: Vec<Words> = options.iter().map(|option| Words::new(option)).collect();
    let mut chosen: Option<(usize, &str)> = None;
    let mut conflict = false;
    for word in words.iter() {
        if stop_word(word) || word.len() < 3 {
            continue;
        }
        let holders: Vec<usize> = (0..labels.len())
            .filter(|&index| {
                labels[index]
                    .iter()
                    .any(|label_word| stem(label_word) == stem(word))
            })
            .collect();
        let pick = match holders.as_slice() {
            [only] => Some(*only),
            [] => None,
            several => {
                let heads: Vec<usize> = several
                    .iter()
                    .copied()
                    .filter(|&index| stem(labels[index].get(0)) == stem(word))
                    .collect();
                if let [only] = heads.as_slice() {
                    Some(*only)
                } else {
                    None
                }
            }
        };
        if let Some(pick) = pick {
            match &chosen {
                Some((previous, _)) if *previous != pick => conflict = true,
                _ => chosen = Some((pick, word)),
            }
        }
    }
    if let (Some((index, word)), false) = (&chosen, conflict) {
        return understood(Answer::Option(*index), "option-word", word);
    }
    if let Some(phrase) = first_phrase(words, DECLINE_PHRASES, &DECLINE_PHRASE_KEYS) {
        return understood(Answer::Decline, "decline", phrase);
    }
    if options.len() == 1 && words.iter().any(|word| one_of(YES_WORDS, word)) {
        return understood(Answer::Option(0), "option-yes", words.get(0));
    }
    unclear()
}

/// Whether two records are the same record: they share an id
/// ([`ID_FIELDS`]).
pub(crate) fn same_record(left: &Value, right: &Value) -> bool {
    std::ptr::eq(left, right) || ids(left).any(|id| ids(right).any(|other| other == id))
}

/// Fields that identify a record, most specific first.
pub(crate) const ID_FIELDS: &[&str] = &["increment_id", "order_number", "number", "name", "id"];

/// One of these (or a word ending in "n't") is in every phrase below.
const NONE_KEYS: &[&str] = &[
    "none",
    "not",
    "neither",
    "different",
    "another",
    "other",
    "missing",
];

/// [`NONE_PHRASES`]' keys.
const NONE_PHRASE_KEYS: [u64; 64] = phrase_keys(NONE_PHRASES);

const NONE_PHRASES: &[&str] = &[
    "none of them",
    "none of those",
    "none of these",
    "not there",
    "not listed",
    "not in the list",
    "not on the list",
    "not in that list",
    "not in this list",
    "not on that list",
    "not on this list",
    "not in there",
    "isn't there",
    "isn't listed",
    "isn't on",
    "isn't in",
    "not one of",
    "different order",
    "another order",
    "other order",
    "don't see",
    "can't see",
    "can't find",
    "neither",
    "none",
    "missing",
];

/// Picks one item of the list. `deliberate` reads references only: an id
/// or the item's own words (never a position, a date or a status word),
/// as a question that picks must name its item.
fn choose_item(words: &Words, items: &[Value], today: Date, deliberate: bool) -> Understood {
    if words.len() == 0 {
        return unclear();
    }
    // An id or order number: "#1042", "1042", "order 100001042".
    for word in words.iter() {
        let digits = word.trim_start_matches('#');
        if digits.len() < 3 || !digits.bytes().any(|byte| byte.is_ascii_digit()) {
            continue;
        }
        let exact = items.iter().position(|item| {
            ids(item).any(|id| id.trim_start_matches('#').eq_ignore_ascii_case(digits))
        });
        if let Some(index) = exact {
            return understood(Answer::Item(index), "item-id", word);
        }
        let suffix: Vec<usize> = (0..items.len())
            .filter(|&index| {
                ids(&items[index]).any(|id| id.len() > digits.len() && id.ends_with(digits))
            })
            .collect();
        if let [only] = suffix.as_slice() {
            return understood(Answer::Item(*only), "item-id-suffix", word);
        }
        if digits.chars().all(|c| c.is_ascii_digit())
            && digits.len() >= 3
            && word.len() < 9
            && items.iter().any(|item| ids(item).next().is_some())
        {
            // A number that is no order of theirs (in a list of records
            // with ids: "1000" may be how many pieces a puzzle has).
            return understood(Answer::NoneOfThem, "item-unknown-id", word);
        }
    }
    if deliberate {
        return match holders_by_word(words, items, false) {
            Some(holders) => only_holder(words, &holders, items, false),
            None => unclear(),
        };
    }
    let may_decline = words
        .iter()
        .any(|word| one_of(NONE_KEYS, word) || word.ends_with("n't"));
    if let Some(phrase) = may_decline
        .then(|| first_phrase(words, NONE_PHRASES, &NONE_PHRASE_KEYS))
        .flatten()
    {
        // "none" describes an item whose text says it ("connectivity: none").
        let describes = !phrase.contains(' ')
            && items.iter().any(|item| {
                item_text(item)
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|token| token == phrase)
            });
        if !describes {
            return understood(Answer::NoneOfThem, "item-none", phrase);
        }
    }
    // A date the order was placed on.
    if let Some((date, _)) = find_date(words, today) {
        let placed: Vec<usize> = (0..items.len())
            .filter(|&index| matches!(items[index].field("created_at"), Some(Value::Date(created)) if *created == date))
            .collect();
        if let [only] = placed.as_slice() {
            return understood(Answer::Item(*only), "item-date", &date.iso());
        }
    }
    if let Some((index, word)) = position(words, items.len()) {
        // "4 cups" describes an option; "4" or "number 4" is a position.
        if !describes(words, word, items) {
            return understood(Answer::Item(index), "item-position", word);
        }
    }
    // A word only one item has: "the shoes", "the delivered one".
    if let Some(holders) = holders_by_word(words, items, true) {
        return only_holder(words, &holders, items, true);
    }
    let texts: Vec<String> = items.iter().map(item_text).collect();
    let mut chosen: Option<(usize, &str)> = None;
    let mut conflict = false;
    for word in words.iter() {
        if word.len() < 3 || stop_word(word) {
            continue;
        }
        let wanted = stem(word);
        let mut holders = texts.iter().enumerate().filter(|(_, text)| {
            text.split(|c: char| !c.is_alphanumeric())
                .any(|candidate| !candidate.is_empty() && stem(candidate) == wanted)
        });
        if let (Some((only, _)), None) = (holders.next(), holders.next()) {
            match chosen {
                Some((previous, _)) if previous != only => conflict = true,
                _ => chosen = Some((only, word)),
            }
        }
    }
    match (chosen, conflict) {
        (Some((index, word)), false) => understood(Answer::Item(index), "item-word", word),
        _ => every_word(words, items),
    }
}

/// The one item the reply's words point at (see [`holders_by_word`]);
/// with `fallback`, else the one item having all of them.
fn only_holder(words: &Words, holders: &[u64; 16], items: &[Value], fallback: bool) -> Understood {
    let mut chosen: Option<(usize, &str)> = None;
    let mut conflict = false;
    for (word, holders) in words.iter().zip(holders) {
        if holders.count_ones() == 1 {
            let only = holders.trailing_zeros() as usize;
            match chosen {
                Some((previous, _)) if previous != only => conflict = true,
                _ => chosen = Some((only, word)),
            }
        }
    }
    // Every word some item has must be one the chosen item has too:
    // "the black espresso one" is not the only espresso one if it is white.
    if let Some((index, _)) = chosen {
        conflict |= holders
            .iter()
            .take(words.len())
            .any(|set| *set != 0 && set & (1 << index) == 0);
    }
    match (chosen, conflict) {
        (Some((index, word)), false) => understood(Answer::Item(index), "item-word", word),
        _ if fallback => every_word(words, items),
        _ => unclear(),
    }
}

/// [`items::by_every_word`] as an answer.
fn every_word(words: &Words, items: &[Value]) -> Understood {
    match items::by_every_word(words, items) {
        Some((index, word)) => understood(Answer::Item(index), "item-every-word", word),
        None => unclear(),
    }
}

/// Whether the number `word` is followed by a word of some item's text
/// ("4 cups", "34 inch"): then it describes an item rather than counting.
fn describes(words: &Words, word: &str, items: &[Value]) -> bool {
    if !word
        .bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b'#')
    {
        return false;
    }
    let Some(at) = words.iter().position(|other| std::ptr::eq(other, word)) else {
        return false;
    };
    let next = words.get(at + 1);
    !next.is_empty()
        && !stop_word(next)
        && items.iter().any(|item| {
            item_text(item)
                .split(|c: char| !c.is_alphanumeric())
                .any(|token| token == next)
        })
}

/// For each of the reply's words (at most 16), the set of items (at most
/// 64) whose describing text has it, by stem; `None` when there are more
/// (the caller then compares texts one by one). Words too short or too
/// common to tell items apart hold no items.
///
/// A status ("Shipped") is matched by its own word only ("the shipped
/// one"), never by a stem ("shipping"), and only when `statuses` is set.
fn holders_by_word(words: &Words, items: &[Value], statuses: bool) -> Option<[u64; 16]> {
    let count = words.len();
    if count > 16 || items.len() > 64 {
        return None;
    }
    let mut wanted = [""; 16];
    let mut any = false;
    for (slot, word) in wanted.iter_mut().zip(words.iter()) {
        if word.len() >= 3 && !stop_word(word) {
            *slot = stem(word);
            any = true;
        }
    }
    let mut holders = [0u64; 16];
    if !any {
        return Some(holders);
    }
    for (index, item) in items.iter().enumerate() {
        let Value::Record(fields) = item else {
            continue;
        };
        for (name, value) in fields.iter() {
            let Value::Text(value) = value else {
                continue;
            };
            if ID_FIELDS.contains(&name.as_ref()) || name.contains("tracking") {
                continue;
            }
            let status = name.contains("status") || name.contains("state");
            if status && !statuses {
                continue;
            }
            for candidate in value.split(|c: char| !c.is_alphanumeric()) {
                if candidate.is_empty() {
                    continue;
                }
                if status {
                    for (word, set) in words.iter().zip(holders.iter_mut()).take(count) {
                        if candidate.eq_ignore_ascii_case(word) {
                            *set |= 1 << index;
                        }
                    }
                    continue;
                }
                let candidate = stem_ignoring_case(candidate);
                for (word, set) in wanted.iter().zip(holders.iter_mut()).take(count) {
                    // `wanted` is lower case, as the item text was made.
                    if !word.is_empty() && candidate.eq_ignore_ascii_case(word) {
                        *set |= 1 << index;
                    }
                }
            }
        }
    }
    Some(holders)
}

/// [`stem`] of the word in ASCII lower case, without lowering it.
fn stem_ignoring_case(word: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        let Some(cut) = word.len().checked_sub(suffix.len()) else {
            continue;
        };
        if word
            .as_bytes()
            .get(cut..)
            .is_some_and(|end| end.eq_ignore_ascii_case(suffix.as_bytes()))
        {
            if let Some(base) = word.get(..cut) {
                if base.len() >= 3 {
                    return base;
                }
            }
        }
    }
    word
}

/// An item's describing text (not its ids or tracking numbers), lower case.
fn item_text(item: &Value) -> String {
    let mut text = String::new();
    if let Value::Record(fields) = item {
        for (name, value) in fields.iter() {
            if ID_FIELDS.contains(&name.as_ref()) || name.contains("tracking") {
                continue;
            }
            if let Value::Text(value) = value {
                text.push_str(value);
                text.push(' ');
            }
        }
    }
    text.make_ascii_lowercase();
    text
}

/// The text of an item's id fields ([`ID_FIELDS`]), in one pass over its
/// fields (a record holds each name once).
fn ids(item: &Value) -> impl Iterator<Item = &str> + '_ {
    let fields = match item {
        Value::Record(fields) => fields.as_ref(),
        _ => &[],
    };
    fields
        .iter()
        .filter(|(name, _)| one_of(ID_FIELDS, name))
        .filter_map(|(_, value)| id_text(value))
}

fn id_text(value: &Value) -> Option<&str> {
    match value {
        Value::Text(text) => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_ymd(2026, 3, 10).unwrap_or(Date(0))
    }

    #[test]
    fn emails_inside_sentences() {
        let found = understand(
            Question::Email,
            "sure, it's Maya.Lopez@Example.com thanks!",
            today(),
        );
        assert_eq!(
            found.answer,
            Answer::Value(Value::text("maya.lopez@example.com"))
        );
    }

    #[test]
    fn yes_and_no() {
        let prompt = "Can you confirm that your order #1042 was delivered?";
        for (reply, answer) in [
            ("yep", Answer::Yes),
            ("sure thing", Answer::Yes),
            ("nope", Answer::No),
            ("not really", Answer::No),
            ("no, it didn't arrive", Answer::No),
            ("it was delivered", Answer::Yes),
            ("maybe", Answer::Unclear),
        ] {
            assert_eq!(
                understand(Question::YesNo { prompt }, reply, today()).answer,
                answer,
                "{reply}"
            );
        }
    }
}
