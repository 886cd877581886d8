//! Numbers and dates in words: "three", "the 5th", "March 3",
//! "next Tuesday".

use super::{Words, lexicon_bits, may_be, same};
use crate::value::{Date, MONTHS};

/// [`NUMBER_WORDS`]' filter.
pub(super) const NUMBER_BITS: [u64; 4] = lexicon_bits(NUMBER_WORDS);

/// The number a number word names.
pub(super) fn number_word(word: &str) -> Option<usize> {
    if !may_be(&NUMBER_BITS, word) {
        return None;
    }
    NUMBER_WORDS.iter().position(|name| same(name, word))
}

pub(super) const NUMBER_WORDS: &[&str] = &[
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

pub(super) fn find_number<'a>(words: &'a Words<'_>) -> Option<(f64, &'a str)> {
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

pub(super) fn month_of(word: &str) -> Option<u32> {
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

pub(super) fn day_number(word: &str) -> Option<u32> {
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

pub(super) fn year_number(word: &str) -> Option<i32> {
    if word.len() == 4 && word.chars().all(|c| c.is_ascii_digit()) {
        word.parse().ok()
    } else {
        None
    }
}

pub(super) const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub(super) fn find_date(words: &Words, today: Date) -> Option<(Date, &'static str)> {
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
