//! A pick read as what the customer paid with ("the one I paid with",
//! "the card I used to pay"): the item a list of payment methods marks as
//! the original one.

use super::choice::{holders_by_word, item_text};
use super::words::{first_phrase, key, phrase_keys};
use super::{Answer, Understood, Words, understood};
use crate::value::Value;

/// Phrases naming what the customer paid with.
const PAID_WITH: &[&str] = &[
    "paid with",
    "paid it with",
    "paid for it with",
    "paid by",
    "payed with",
    "i paid",
    "used to pay",
    "i used to pay",
    "card i used",
    "one i used",
    "same card",
    "same payment",
    "same method",
];

/// The keys of the words one of which is in each [`PAID_WITH`] phrase
/// ("paid", "payed", "pay", "used", "same"): a reply without any of them
/// is turned away by one test.
const PAID_WITH_WORDS: u64 = key(b"paid") | key(b"used") | key(b"same");

/// [`PAID_WITH`]'s keys.
const PAID_WITH_KEYS: [u64; 64] = phrase_keys(PAID_WITH);

/// The item the list marks as the original payment method, when the reply
/// names what the customer paid with, exactly one item is so marked, and
/// no word of the reply is one item's alone ("the gift card, not what I
/// paid with" names the gift card, which the caller reads).
pub(super) fn paid_with(words: &Words, items: &[Value]) -> Option<Understood> {
    if words.keys & PAID_WITH_WORDS == 0 {
        return None;
    }
    let phrase = first_phrase(words, PAID_WITH, &PAID_WITH_KEYS)?;
    let distinctive = |holders: [u64; 16]| holders.iter().any(|set| set.count_ones() == 1);
    if holders_by_word(words, items, true).is_some_and(distinctive) {
        return None;
    }
    let mut marked = items.iter().enumerate().filter(|(_, item)| {
        item_text(item)
            .split(|c: char| !c.is_alphanumeric())
            .any(|token| token == "original")
    });
    match (marked.next(), marked.next()) {
        (Some((only, _)), None) => Some(understood(Answer::Item(only), "item-paid-with", phrase)),
        _ => None,
    }
}
