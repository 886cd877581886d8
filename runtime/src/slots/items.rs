//! Choices among a list's items by what they say: several items in one
//! reply ("the kettle and the lamp", "1 and 3", "all of them", "everything
//! but the pet bed"), and one item named by several of its words together
//! ("stainless steel, 4 cups, drip": the one option that has them all).

use super::{Answer, Understood, Words, choose_item, stem, unclear, understood};
use crate::value::{Date, Value};
use std::collections::BTreeSet;

/// Words that take every item.
const ALL: &[&str] = &["all", "everything", "every", "each"];

/// Words after which the items named are left out ("all but the lamp").
const EXCEPT: &[&str] = &[
    "except",
    "but",
    "besides",
    "excluding",
    "apart",
    "other",
    "without",
];

/// Words that join the items of a reply.
const JOINS: &[&str] = &["and", "plus", "also", "&"];

/// Several items of `items`: their indexes in the list's order.
pub(super) fn choose_items(reply: &str, items: &[Value], today: Date) -> Understood {
    let words = Words::new(reply);
    if words.len() == 0 || items.is_empty() {
        return unclear();
    }
    let every = words.iter().any(|word| ALL.contains(&word))
        || (items.len() == 2 && words.iter().any(|word| word == "both"));
    if every {
        // "all of them except the lamp": what follows the exception is left out.
        let except = (0..words.len()).find(|&index| EXCEPT.contains(&words.get(index)));
        let mut chosen: Vec<usize> = (0..items.len()).collect();
        if let Some(at) = except {
            let rest: Vec<&str> = (at + 1..words.len())
                .map(|index| words.get(index))
                .collect();
            let Some((left_out, _)) = named(&rest.join(" "), items, today) else {
                return unclear();
            };
            chosen.retain(|index| !left_out.contains(index));
            if chosen.is_empty() {
                return unclear();
            }
        }
        return understood(Answer::Items(chosen), "items-all", "all");
    }
    match named(&reply.to_lowercase(), items, today) {
        Some((mut chosen, by_position)) if !chosen.is_empty() => {
            chosen.sort_unstable();
            // "1 and 3" answers the question asked; only items named by
            // their ids or words may answer one asked later ("my first
            // name is Olivia" names no item).
            let rule = if by_position {
                "items-by-position"
            } else {
                "items-named"
            };
            understood(Answer::Items(chosen), rule, reply.trim())
        }
        _ => unclear(),
    }
}

/// The items a list of names picks ("the kettle, the lamp and 3"), each
/// part read as a single choice; `None` when a part picks none or is
/// unclear. Parts are separated by commas, semicolons and joining words,
/// but not inside parentheses ("Water Bottle (1000ml, red)" is one part).
/// An item named twice is taken twice only when the list holds it twice.
/// With the items, whether any part picked its item by a position.
fn named(text: &str, items: &[Value], today: Date) -> Option<(Vec<usize>, bool)> {
    let mut parts: Vec<String> = vec![String::new()];
    let mut depth = 0usize;
    let mut word = String::new();
    let flush = |word: &mut String, parts: &mut Vec<String>, depth: usize| {
        if word.is_empty() {
            return;
        }
        if depth == 0 && JOINS.contains(&word.to_lowercase().as_str()) {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        match c {
            '(' | '[' => {
                flush(&mut word, &mut parts, depth);
                depth += 1;
            }
            ')' | ']' => {
                flush(&mut word, &mut parts, depth);
                depth = depth.saturating_sub(1);
            }
            ',' | ';' if depth == 0 => {
                flush(&mut word, &mut parts, depth);
                parts.push(String::new());
            }
            c if c.is_whitespace() || c == ',' || c == ';' => flush(&mut word, &mut parts, depth),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut parts, depth);
    pick_each(&parts, items, today)
}

fn pick_each(parts: &[String], items: &[Value], today: Date) -> Option<(Vec<usize>, bool)> {
    let mut chosen: Vec<usize> = Vec::new();
    let mut by_position = false;
    for part in parts.iter().filter(|part| !part.trim().is_empty()) {
        let words = Words::new(part);
        let read = choose_item(&words, items, today, false);
        let index = match read.answer {
            Answer::Item(index) => index,
            _ => return None,
        };
        by_position |= read.rule == "item-position";
        if chosen.contains(&index) {
            // The same description again: another copy of the item, if any.
            let copy = (0..items.len())
                .find(|&other| !chosen.contains(&other) && items[other] == items[index])?;
            chosen.push(copy);
        } else {
            chosen.push(index);
        }
    }
    Some((chosen, by_position))
}

/// The one item whose describing text holds every word of the reply that
/// some item's text holds ("stainless steel, 4 cups, drip" → the option
/// with all four); `None` when no word is in any item, or when several
/// items that differ (or none) hold them all. Numbers count ("4 cups" is not
/// "2 cups").
pub(super) fn by_every_word<'w>(words: &'w Words<'_>, items: &[Value]) -> Option<(usize, &'w str)> {
    if items.len() > 64 {
        return None;
    }
    let texts = without_common_labels(items.iter().map(labelled_tokens).collect());
    let mut holders_of_all = (1u64 << items.len()).wrapping_sub(1);
    if items.len() == 64 {
        holders_of_all = u64::MAX;
    }
    let mut content = 0;
    let mut first = words.get(0);
    let replied = split(&words.text);
    let values = option_value_words(items);
    for word in replied.iter() {
        // Small and common words name nothing ("in" is not "In transit"),
        // unless they are the whole reply ("L" for size L) or words of an
        // option's value ("water resistance: no", "brand: Brand A").
        if replied.len() > 1
            && ((word.len() < 3 && !word.bytes().all(|byte| byte.is_ascii_digit()))
                || super::stop_word(word))
            && !values.contains(word)
        {
            continue;
        }
        let wanted = stem(word);
        let mut holders = 0u64;
        for (index, text) in texts.iter().enumerate() {
            if text.iter().any(|token| stem(token) == wanted) {
                holders |= 1 << index;
            }
        }
        if holders == 0 {
            // Not in any item: a filler word.
            continue;
        }
        if content == 0 {
            first = words
                .iter()
                .find(|candidate| word.starts_with(*candidate))
                .unwrap_or(first);
        }
        content += 1;
        holders_of_all &= holders;
    }
    if content == 0 || holders_of_all == 0 {
        return None;
    }
    // Several items that read exactly alike (two of the same bottle in one
    // order) are one choice: the first.
    let chosen = holders_of_all.trailing_zeros() as usize;
    let alike = (0..items.len())
        .filter(|index| holders_of_all & (1 << index) != 0)
        .all(|index| items[index] == items[chosen]);
    alike.then_some((chosen, first))
}

/// The words of a text, lower case, numbers and contractions whole:
/// `$315.20` is `315.20` and `1.5L` is `1.5l`, so that "20 hours" does not
/// match a price, and "it's" is not a size "s".
fn split(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (index, &c) in chars.iter().enumerate() {
        let inside_number = c == '.'
            && index > 0
            && chars[index - 1].is_alphanumeric()
            && chars
                .get(index + 1)
                .is_some_and(|next| next.is_ascii_digit());
        // "it's" is one word, not "it" and a size "s".
        let inside_word = matches!(c, '\'' | '’')
            && index > 0
            && chars[index - 1].is_alphabetic()
            && chars
                .get(index + 1)
                .is_some_and(|next| next.is_alphabetic());
        if c.is_alphanumeric() || c == '#' || inside_number || inside_word {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The words of the option values items show, lower case: `no` of
/// `water resistance: no` and `a` of `brand: Brand A` (the part of a
/// `label: value` pair after its colon), and a field's whole value when it
/// is one word (a size `S`). "in" of a status "In transit" is neither.
fn option_value_words(items: &[Value]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for item in items {
        if let Value::Record(fields) = item {
            for (name, value) in fields.iter() {
                if super::ID_FIELDS.contains(&name.as_ref()) || name.contains("status") {
                    continue;
                }
                if let Value::Text(text) = value {
                    for part in text.split(", ") {
                        match part.split_once(": ") {
                            Some((_, value)) => out.extend(split(value)),
                            None => {
                                let words = split(part);
                                if let [word] = words.as_slice() {
                                    out.insert(word.clone());
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The words of an item's describing text fields, each with whether it is
/// in a label: the part of a `label: value` pair before its colon
/// (`bagged/bagless: bagless` labels with `bagged` and `bagless`, holds
/// `bagless`).
fn labelled_tokens(item: &Value) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    if let Value::Record(fields) = item {
        for (name, value) in fields.iter() {
            if super::ID_FIELDS.contains(&name.as_ref())
                || name.contains("tracking")
                || name.contains("status")
            {
                continue;
            }
            if let Value::Text(text) = value {
                for part in text.split(", ") {
                    match part.split_once(": ") {
                        Some((label, value)) => {
                            out.extend(split(label).into_iter().map(|word| (word, true)));
                            out.extend(split(value).into_iter().map(|word| (word, false)));
                        }
                        None => out.extend(split(part).into_iter().map(|word| (word, false))),
                    }
                }
            }
        }
    }
    out
}

/// Each item's words, without the label words every item has: those name
/// what the options are, not which one is meant (the `bagged` of the label
/// `bagged/bagless` is not the value `bagged`).
fn without_common_labels(items: Vec<Vec<(String, bool)>>) -> Vec<Vec<String>> {
    let labels = |tokens: &Vec<(String, bool)>| -> BTreeSet<String> {
        tokens
            .iter()
            .filter(|(_, label)| *label)
            .map(|(word, _)| word.clone())
            .collect()
    };
    let mut common: Option<BTreeSet<String>> = None;
    for tokens in &items {
        let mine = labels(tokens);
        common = Some(match common {
            None => mine,
            Some(common) => common.intersection(&mine).cloned().collect(),
        });
    }
    let common = if items.len() > 1 {
        common.unwrap_or_default()
    } else {
        BTreeSet::new()
    };
    items
        .into_iter()
        .map(|tokens| {
            tokens
                .into_iter()
                .filter(|(word, label)| !(*label && common.contains(word)))
                .map(|(word, _)| word)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn item(name: &str, options: &str) -> Value {
        Value::record(vec![
            (Arc::from("item"), Value::text(name)),
            (Arc::from("options"), Value::text(options)),
        ])
    }

    fn today() -> Date {
        Date::from_ymd(2026, 3, 10).unwrap_or(Date(0))
    }

    fn order() -> Vec<Value> {
        vec![
            item("Electric Kettle", "capacity: 1L, color: black"),
            item("Desk Lamp", "brightness: high, power source: USB"),
            item("Water Bottle", "capacity: 500ml, color: blue"),
            item("Water Bottle", "capacity: 1000ml, color: red"),
        ]
    }

    fn answer(reply: &str, items: &[Value]) -> Answer {
        choose_items(reply, items, today()).answer
    }

    #[test]
    fn names_positions_and_all() {
        let items = order();
        assert_eq!(
            answer("the kettle and the desk lamp", &items),
            Answer::Items(vec![0, 1])
        );
        assert_eq!(answer("1 and 3", &items), Answer::Items(vec![0, 2]));
        assert_eq!(
            answer("all of them", &items),
            Answer::Items(vec![0, 1, 2, 3])
        );
        assert_eq!(
            answer("everything except the lamp", &items),
            Answer::Items(vec![0, 2, 3])
        );
        // Two water bottles: the name alone is not enough, the options are.
        assert_eq!(answer("the water bottle", &items), Answer::Unclear);
        assert_eq!(
            answer("Desk Lamp, Water Bottle (1000ml, red)", &items),
            Answer::Items(vec![1, 3])
        );
    }

    /// What may answer an items question asked later (see the engine's
    /// early answers): items named by their words, never by a position —
    /// "my first name is" (what a name's reply leaves) is no first item.
    #[test]
    fn positions_are_marked_apart_from_names() {
        let items = order();
        let rule = |reply: &str| choose_items(reply, &items, today()).rule;
        assert_eq!(rule("the kettle and the desk lamp"), "items-named");
        assert_eq!(rule("1 and 3"), "items-by-position");
        assert_eq!(rule("my first name is"), "items-by-position");
        assert_eq!(rule("the kettle and the second one"), "items-by-position");
    }

    #[test]
    fn one_item_by_all_its_words() {
        let options = vec![
            item("", "color: stainless steel, capacity: 4 cups, type: drip"),
            item("", "color: stainless steel, capacity: 2 cups, type: drip"),
            item("", "color: black, capacity: 4 cups, type: espresso"),
        ];
        let words = Words::new("I'd like the stainless steel one, 4 cups, drip");
        assert_eq!(
            by_every_word(&words, &options).map(|found| found.0),
            Some(0)
        );
        let words = Words::new("stainless steel please");
        assert_eq!(by_every_word(&words, &options), None);
    }
}

#[cfg(test)]
mod option_tests {
    use super::*;
    use std::sync::Arc;

    /// "20 hours" is not the "20" of a price of $315.20.
    #[test]
    fn numbers_are_read_whole() {
        let variant = |options: &str, id: &str, price: &str| {
            Value::record(vec![
                (Arc::from("item_id"), Value::text(id)),
                (Arc::from("options"), Value::text(options)),
                (
                    Arc::from("summary"),
                    Value::text(&format!("{options}, ${price} (item {id})")),
                ),
            ])
        };
        let items = vec![
            variant(
                "battery life: 20 hours, color: red, water resistance: no",
                "1052700637",
                "285.81",
            ),
            variant(
                "battery life: 10 hours, color: red, water resistance: no",
                "1689914594",
                "315.20",
            ),
            variant(
                "battery life: 20 hours, color: blue, water resistance: no",
                "2635605237",
                "271.89",
            ),
            variant(
                "battery life: 20 hours, color: blue, water resistance: yes",
                "3254583681",
                "302.67",
            ),
            variant(
                "battery life: 10 hours, color: blue, water resistance: yes",
                "4716977452",
                "289.69",
            ),
            variant(
                "battery life: 10 hours, color: blue, water resistance: no",
                "6704763132",
                "305.45",
            ),
            variant(
                "battery life: 20 hours, color: red, water resistance: yes",
                "7617930199",
                "285.94",
            ),
            variant(
                "battery life: 10 hours, color: red, water resistance: yes",
                "7751905257",
                "321.18",
            ),
            variant(
                "battery life: 20 hours, color: green, water resistance: no",
                "9440686670",
                "298.91",
            ),
        ];
        let today = Date::from_ymd(2026, 3, 10).unwrap_or(Date(0));
        let got = super::super::understand(
            super::super::Question::Item(&items),
            "20 hours, red, no",
            today,
        );
        assert_eq!(got.answer, Answer::Item(0), "{got:?}");
    }

    /// A word of a label every option has (`bagged` in `bagged/bagless:`)
    /// is not that value: "bagged, pet hair removal, canister" is one option.
    #[test]
    fn a_label_word_is_not_a_value() {
        let variant =
            |options: &str| Value::record(vec![(Arc::from("options"), Value::text(options))]);
        let items = vec![
            variant("bagged/bagless: bagged, features: cordless, type: canister"),
            variant("bagged/bagless: bagged, features: pet hair removal, type: canister"),
            variant("bagged/bagless: bagless, features: pet hair removal, type: canister"),
        ];
        let today = Date::from_ymd(2026, 3, 10).unwrap_or(Date(0));
        let got = super::super::understand(
            super::super::Question::Item(&items),
            "bagged, pet hair removal, canister",
            today,
        );
        assert_eq!(got.answer, Answer::Item(1), "{got:?}");
    }

    /// A whole option value counts even when short ("water resistance:
    /// no"), but the "s" of "it's" is not the size S.
    #[test]
    fn a_contraction_is_not_a_short_value() {
        let shirt = Value::record(vec![
            (Arc::from("name"), Value::text("Linen shirt")),
            (Arc::from("size"), Value::text("S")),
        ]);
        let shorts = Value::record(vec![
            (Arc::from("name"), Value::text("Chino shorts")),
            (Arc::from("size"), Value::text("32")),
        ]);
        let items = vec![shirt, shorts];
        let words = Words::new("the jacket, it's not there");
        assert_eq!(by_every_word(&words, &items), None);
        let words = Words::new("the shirt in S");
        assert_eq!(
            by_every_word(&words, &items).map(|(index, _)| index),
            Some(0)
        );
    }

    /// A short word of an option's value counts: "brand a" is Brand A.
    #[test]
    fn a_short_value_word_counts() {
        let variant =
            |options: &str| Value::record(vec![(Arc::from("options"), Value::text(options))]);
        let items = vec![
            variant("brand: Brand A, kit size: professional, skin tone: dark"),
            variant("brand: Brand C, kit size: professional, skin tone: dark"),
            variant("brand: Brand B, kit size: professional, skin tone: dark"),
        ];
        let words = Words::new("brand a, professional, dark");
        assert_eq!(
            by_every_word(&words, &items).map(|(index, _)| index),
            Some(0)
        );
    }
}
