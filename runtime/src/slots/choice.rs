//! Choosing: an option of an offer or an item of a list, by position,
//! by its words or by its id; declining and "none of them".

use super::{
    Answer, Understood, Words, find_date, first_phrase, items, lexicon_bit, may_be, number_word,
    one_of, phrase_keys, same, stem, stop_word, unclear, understood,
};
use crate::value::{Date, Value};

/// [`ORDINALS`]' filter.
pub(super) const ORDINAL_BITS: [u64; 4] = {
    let mut bits = [0u64; 4];
    let mut index = 0;
    while index < ORDINALS.len() {
        let bit = lexicon_bit(ORDINALS[index].0.as_bytes());
        bits[bit / 64] |= 1 << (bit % 64);
        index += 1;
    }
    bits
};

pub(super) const ORDINALS: &[(&str, usize)] = &[
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
pub(super) fn position<'a>(words: &'a Words<'_>, count: usize) -> Option<(usize, &'a str)> {
    if count > 0 && words.phrase("most recent").is_some() {
        return Some((0, "most recent"));
    }
    // The first position the reply names; none when it names two that
    // differ ("1. Email 2. Name and zip code" pasted back, "1 or 2?").
    let mut found: Option<(usize, &str)> = None;
    for (index, word) in words.iter().enumerate() {
        let Some(at) = position_of(words, index, word, count) else {
            continue;
        };
        match found {
            None => found = Some((at, word)),
            Some((first, _)) if first != at => return None,
            Some(_) => {}
        }
    }
    found
}

/// The position (from 0) word `index` of the reply names, if any.
fn position_of(words: &Words, index: usize, word: &str, count: usize) -> Option<usize> {
    if let Some(&(_, position)) = Some(word)
        .filter(|word| may_be(&ORDINAL_BITS, word))
        .and_then(|word| ORDINALS.iter().find(|(name, _)| same(name, word)))
    {
        if position <= count {
            return Some(position - 1);
        }
    }
    if matches!(word, "last" | "latter" | "bottom") && count > 0 {
        return Some(count - 1);
    }
    if matches!(word, "latest" | "newest" | "top" | "former") && count > 0 {
        return Some(0);
    }
    let digits = word.trim_start_matches('#');
    let number =
        if !digits.is_empty() && digits.len() <= 2 && digits.chars().all(|c| c.is_ascii_digit()) {
            digits.parse::<usize>().ok()
        } else {
            // "two", "number two", "option 3": a bare number word, not the
            // "one" of "the blue one".
            let previous = if index == 0 { "" } else { words.get(index - 1) };
            number_word(word).filter(|_| {
                words.len() == 1 || matches!(previous, "number" | "option" | "no" | "order")
            })
        };
    number
        .filter(|number| (1..=count).contains(number))
        .map(|number| number - 1)
}

/// Whether a record's field is one of its ids: an id field ([`ID_FIELDS`]),
/// a `name` only when its value is one token (`#1042`). A `name` made of words
/// ("Linen duvet cover, queen, sage") describes the record: its words pick
/// it as any item's words do.
pub(crate) fn is_id(name: &str, value: &Value) -> bool {
    one_of(ID_FIELDS, name)
        && (name != "name"
            || match value {
                Value::Text(text) => !text.trim().as_bytes().contains(&b' '),
                _ => true,
            })
}

/// Whether some item's id is a number of exactly as many digits as
/// `digits` (which are all digits).
fn shaped_as_id(digits: &str, items: &[Value]) -> bool {
    items.iter().any(|item| {
        ids(item).any(|id| {
            let id = id.trim_start_matches('#');
            id.len() == digits.len() && id.bytes().all(|byte| byte.is_ascii_digit())
        })
    })
}

/// Whether two records are the same record: they share an id
/// ([`ID_FIELDS`]).
pub(crate) fn same_record(left: &Value, right: &Value) -> bool {
    std::ptr::eq(left, right) || ids(left).any(|id| ids(right).any(|other| other == id))
}

/// Fields that identify a record, most specific first.
pub(crate) const ID_FIELDS: &[&str] = &["increment_id", "order_number", "number", "name", "id"];

/// One of these (or a word ending in "n't") is in every phrase below.
pub(super) const NONE_KEYS: &[&str] = &[
    "none",
    "not",
    "neither",
    "different",
    "another",
    "other",
    "missing",
];

/// [`NONE_PHRASES`]' keys.
pub(super) const NONE_PHRASE_KEYS: [u64; 64] = phrase_keys(NONE_PHRASES);

pub(super) const NONE_PHRASES: &[&str] = &[
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
    "not here",
    "isn't here",
    "not in here",
    "neither",
    "none",
    "missing",
];

/// Picks one item of the list. `deliberate` reads references only: an id
/// or the item's own words (never a position, a date or a status word),
/// as a question that picks must name its item.
pub(super) fn choose_item(
    words: &Words,
    items: &[Value],
    today: Date,
    deliberate: bool,
) -> Understood {
    if words.len() == 0 {
        return unclear();
    }
    // An id the reply's words would split ("CP-2026-0288", "gc-901"),
    // whole in its text (which then has such a mark).
    let marked = words
        .text
        .bytes()
        .any(|byte| matches!(byte, b'-' | b'/' | b'.' | b'_'));
    if marked {
        let split_id = |item: &Value| {
            ids(item).any(|id| {
                id.len() >= 4
                    && id
                        .bytes()
                        .any(|byte| matches!(byte, b'-' | b'/' | b'.' | b'_'))
                    && contains_token(&words.text, id)
            })
        };
        if let Some(index) = items.iter().position(split_id) {
            return understood(Answer::Item(index), "item-id", words.get(0));
        }
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
        // A number the item shows: "the one ending 0932" (a card's last
        // four digits), "the Visa ending 4242".
        match number_holders(digits, items) {
            0 => {}
            holders if holders.count_ones() == 1 => {
                let only = holders.trailing_zeros() as usize;
                return understood(Answer::Item(only), "item-number", word);
            }
            // Several items show it: not an id of none of them.
            _ => continue,
        }
        // A part of several ids ("2026" of CP-2026-0288): theirs, but which?
        if items.iter().any(|item| {
            ids(item).any(|id| {
                id.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|part| part.eq_ignore_ascii_case(digits))
            })
        }) {
            continue;
        }
        if digits.chars().all(|c| c.is_ascii_digit())
            && digits.len() >= 3
            && (word.len() < 9 || shaped_as_id(digits, items))
            && items.iter().any(|item| ids(item).next().is_some())
        {
            // A number that is no order of theirs (in a list of records
            // with ids: "1000" may be how many pieces a puzzle has). A
            // long one counts when the list's ids are numbers of its
            // length ("100000309" among Magento's nine-digit increment ids);
            // other long numbers may be a phone or a tracking number.
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
    if let Some(found) = super::payment::paid_with(words, items) {
        return found;
    }
    // A date the item shows: the one it was placed on, else any of its
    // dates ("the one on 24 March": an open slot's date).
    if let Some((date, _)) = find_date(words, today) {
        if let Some(index) = dated(items, date) {
            // The item's own words decide with the date: "the linen shirt I
            // ordered yesterday" names the shirt by its words (a reference
            // that may also be read before its question is asked); words
            // naming another item than the date make the reply unclear.
            let named = choose_item(words, items, today, true);
            return match named.answer {
                Answer::Item(other) if other == index => named,
                Answer::Item(_) => understood(Answer::Unclear, "item-date-conflict", &date.iso()),
                _ => understood(Answer::Item(index), "item-date", &date.iso()),
            };
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

/// The items (at most 64) one of whose describing fields shows the number
/// `digits` as a whole number, or as the end of a longer one when it has
/// four digits or more ("ending 4242" of a card number); ids and tracking
/// numbers are not describing fields (see [`choose_item`]'s id rules).
fn number_holders(digits: &str, items: &[Value]) -> u64 {
    if items.len() > 64 || digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return 0;
    }
    let mut holders = 0u64;
    for (index, item) in items.iter().enumerate() {
        let Value::Record(fields) = item else {
            continue;
        };
        let shows = fields.iter().any(|(name, value)| {
            let Value::Text(text) = value else {
                return false;
            };
            !name_holds(name, "tracking")
                && !is_id(name, value)
                && text.split(|c: char| !c.is_ascii_digit()).any(|number| {
                    number == digits
                        || (digits.len() >= 4
                            && number.len() > digits.len()
                            && number.ends_with(digits))
                })
        });
        if shows {
            holders |= 1 << index;
        }
    }
    holders
}

/// Whether `text` (lower case) holds `token` (any case) with no letter or
/// digit either side.
fn contains_token(text: &str, token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    let bytes = text.as_bytes();
    text.match_indices(lower.as_str()).any(|(at, found)| {
        let before = at.checked_sub(1).and_then(|before| bytes.get(before));
        let after = bytes.get(at + found.len());
        !before.is_some_and(u8::is_ascii_alphanumeric)
            && !after.is_some_and(u8::is_ascii_alphanumeric)
    })
}

/// The one item placed on `date` (`created_at`), else the one item with
/// any date field (or ISO date text) on it.
fn dated(items: &[Value], date: Date) -> Option<usize> {
    let on = |value: &Value| match value {
        Value::Date(day) => *day == date,
        Value::Text(text) => Date::parse_iso(text) == Some(date),
        _ => false,
    };
    let only = |found: &mut dyn Iterator<Item = usize>| match (found.next(), found.next()) {
        (Some(index), None) => Some(index),
        _ => None,
    };
    let placed = only(
        &mut (0..items.len()).filter(|&index| items[index].field("created_at").is_some_and(on)),
    );
    placed.or_else(|| {
        only(&mut (0..items.len()).filter(|&index| match &items[index] {
            Value::Record(fields) => fields.iter().any(|(_, value)| on(value)),
            _ => false,
        }))
    })
}

/// The one item the reply's words point at (see [`holders_by_word`]);
/// with `fallback`, else the one item having all of them.
pub(super) fn only_holder(
    words: &Words,
    holders: &[u64; 16],
    items: &[Value],
    fallback: bool,
) -> Understood {
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
pub(super) fn every_word(words: &Words, items: &[Value]) -> Understood {
    match items::by_every_word(words, items) {
        Some((index, word)) => understood(Answer::Item(index), "item-every-word", word),
        None => unclear(),
    }
}

/// Whether the number `word` is followed by a word of some item's text
/// ("4 cups", "34 inch"): then it describes an item rather than counting.
pub(super) fn describes(words: &Words, word: &str, items: &[Value]) -> bool {
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
pub(super) fn holders_by_word(words: &Words, items: &[Value], statuses: bool) -> Option<[u64; 16]> {
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
        for (name, field) in fields.iter() {
            let Value::Text(value) = field else {
                continue;
            };
            if is_id(name, field) || name_holds(name, "tracking") {
                continue;
            }
            let status = name_holds(name, "status") || name_holds(name, "state");
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

/// Whether a field name holds `part` (`tracking_number` holds `tracking`).
/// A byte scan guarded by the first byte: on names this short it is
/// several times cheaper than `str::contains`, whose searcher is set up on
/// every call (the item matcher asks this of every field of every item).
pub(crate) fn name_holds(name: &str, part: &str) -> bool {
    let (name, part) = (name.as_bytes(), part.as_bytes());
    match part.first() {
        None => true,
        Some(&first) => name
            .windows(part.len())
            .any(|window| window.first() == Some(&first) && window == part),
    }
}

/// [`stem`] of the word in ASCII lower case, without lowering it.
pub(super) fn stem_ignoring_case(word: &str) -> &str {
    let cut = super::words::stem_length(word.as_bytes());
    word.get(..cut).unwrap_or(word)
}

/// An item's describing text (not its ids or tracking numbers), lower case.
pub(super) fn item_text(item: &Value) -> String {
    let mut text = String::new();
    if let Value::Record(fields) = item {
        for (name, value) in fields.iter() {
            if name_holds(name, "tracking") || is_id(name, value) {
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
pub(super) fn ids(item: &Value) -> impl Iterator<Item = &str> + '_ {
    let fields = match item {
        Value::Record(fields) => fields.as_ref(),
        _ => &[],
    };
    fields
        .iter()
        .filter(|(name, value)| is_id(name, value))
        .filter_map(|(_, value)| id_text(value))
}

pub(super) fn id_text(value: &Value) -> Option<&str> {
    match value {
        Value::Text(text) => Some(text),
        _ => None,
    }
}
