//! Yes or no: the words and phrases of each, unsure replies, and the
//! reading of a reply to a yes/no question.

use super::{
    Answer, STOP_WORDS, Understood, Words, first_phrase, one_of, phrase_keys, stem, unclear,
    understood,
};

pub(super) const YES_WORDS: &[&str] = &[
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

pub(super) const NO_WORDS: &[&str] = &[
    "nothing", "no", "nope", "nah", "n", "nay", "negative", "never", "not", "false", "nooo", "noo",
];

/// [`UNSURE_PHRASES`]' keys.
pub(super) const UNSURE_PHRASE_KEYS: [u64; 64] = phrase_keys(UNSURE_PHRASES);

pub(super) const UNSURE_PHRASES: &[&str] = &[
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
pub(super) const YES_PHRASE_KEYS: [u64; 64] = phrase_keys(YES_PHRASES);

pub(super) const YES_PHRASES: &[&str] = &[
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
pub(super) const NO_PHRASE_KEYS: [u64; 64] = phrase_keys(NO_PHRASES);

pub(super) const NO_PHRASES: &[&str] = &[
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

pub(super) fn yes_no(words: &Words, prompt: &str) -> Understood {
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
