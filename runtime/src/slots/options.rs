//! Choosing one of an offer's options: by its label, its position, a word
//! only it has (or the policy's own words about it); declining them all.

use super::choice::position;
use super::{
    Answer, Understood, Words, YES_WORDS, first_phrase, one_of, phrase_keys, stem, stop_word,
    unclear, understood,
};

/// [`DECLINE_PHRASES`]' keys.
pub(super) const DECLINE_PHRASE_KEYS: [u64; 64] = phrase_keys(DECLINE_PHRASES);

/// "Any" offer, a refusal of them all when the reply negates it.
const ANY_OFFER: &[&str] = &[
    "any offers",
    "any offer",
    "any discounts",
    "any discount",
    "any deals",
    "any deal",
    "any coupons",
    "any coupon",
];

/// Refusals of every option that win over any label word in the reply.
pub(super) const STRONG_DECLINES: &[&str] = &[
    "no thanks",
    "no thank you",
    "none of them",
    "none of those",
    "not interested",
    "no offers",
    "no offer",
    "no deals",
    "skip the offers",
    "just cancel",
    "i'll pass",
];

pub(super) const DECLINE_PHRASES: &[&str] = &[
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

/// Picks one of `options` (with the policy's words about each,
/// `described`, in the same order, or none).
pub(super) fn choose_option(words: &Words, options: &[&str], described: &[&str]) -> Understood {
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
    // "I don't want any offers", "i not want any offer": "any" offer
    // refused by a negation ("I'll take any discount" refuses nothing).
    if let Some(phrase) = ANY_OFFER
        .iter()
        .find(|phrase| words.phrase(phrase).is_some())
    {
        if words
            .iter()
            .any(|word| matches!(word, "not" | "no" | "never" | "without") || word.ends_with("n't"))
        {
            return understood(Answer::Decline, "decline", phrase);
        }
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
    if chosen.is_none() {
        if let Some(index) = super::coverage::covered_label(words, &labels) {
            return understood(Answer::Option(index), "option-covered", options[index]);
        }
    }
    if !conflict && described.len() == options.len() {
        if let Some((index, word)) = by_description(words, described) {
            return understood(Answer::Option(index), "option-description", word);
        }
    }
    if let Some(phrase) = first_phrase(words, DECLINE_PHRASES, &DECLINE_PHRASE_KEYS) {
        return understood(Answer::Decline, "decline", phrase);
    }
    if options.len() == 1 && words.iter().any(|word| one_of(YES_WORDS, word)) {
        return understood(Answer::Option(0), "option-yes", words.get(0));
    }
    unclear()
}

/// The one option a word of the reply names through the policy's words
/// about it: a word (or a number, "10%") only that option's description
/// has; `None` when no word is held by exactly one, or when such words
/// point at different options.
fn by_description<'w>(words: &'w Words, described: &[&str]) -> Option<(usize, &'w str)> {
    let spoken: Vec<String> = described.iter().map(|text| spoken(text)).collect();
    let texts: Vec<Words> = spoken.iter().map(|text| Words::new(text)).collect();
    let mut chosen: Option<(usize, &str)> = None;
    for word in words.iter() {
        let number = word.bytes().all(|byte| byte.is_ascii_digit());
        if !number && (word.len() < 3 || stop_word(word)) {
            continue;
        }
        let wanted = stem(word);
        let mut holders = (0..texts.len()).filter(|&index| {
            texts[index]
                .iter()
                .any(|candidate| stem(candidate) == wanted)
        });
        if let (Some(only), None) = (holders.next(), holders.next()) {
            match chosen {
                Some((previous, _)) if previous != only => return None,
                _ => chosen = Some((only, word)),
            }
        }
    }
    chosen
}

/// A policy line as the customer sees the offer: without its tool calls'
/// names and arguments (`@create_coupon(email: $email, percent: 20)`) or
/// `$values`, whose words ("email", "order") name no option.
fn spoken(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['@', '$']) {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let name_end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(after.len());
        let after_name = &after[name_end..];
        rest = match (rest.as_bytes()[at], after_name.strip_prefix('(')) {
            (b'@', Some(arguments)) => arguments
                .find(')')
                .map_or("", |close| &arguments[close + 1..]),
            _ => after_name,
        };
        out.push(' ');
    }
    out.push_str(rest);
    out
}
