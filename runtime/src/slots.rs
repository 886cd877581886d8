//! Slot filling by rules: a customer's free-text reply → a value of the
//! ask's type, a choice, or "unclear".
//!
//! Every answer carries the rule that decided it and the text it matched,
//! which the engine keeps as evidence for `keel explain`. The rules are
//! deliberately conservative: a reply that could mean two things is
//! unclear, and the customer is asked again.

mod choice;
mod confirmation;
mod coverage;
mod date;
mod email;
mod items;
mod options;
mod payment;
mod person;
mod phrases;
mod repair;
mod request;
mod words;
mod yes_no;

pub use confirmation::ReadBack;
use repair::Questions;
pub use repair::Repair;
pub(crate) use request::Request;

pub(crate) use choice::{ID_FIELDS, same_record};
use choice::{choose_item, item_text};
use date::{find_date, find_number, number_word};
use options::choose_option;
use words::{
    STOP_WORDS, Words, first_phrase, key, lexicon_bit, lexicon_bits, may_be, one_of, phrase_keys,
    same, stem, stop_word,
};
use yes_no::{YES_WORDS, yes_no};

use crate::event::Snippet;
use crate::value::{Date, Value};

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
    /// [`Question::Options`] with the policy's own words about each option,
    /// in the same order (the line that says what it does, "give a 20%
    /// coupon for their next order"): an option is also named by a word
    /// only its description has ("the coupon", "10% off").
    Described(&'a [&'a str], &'a [&'a str]),
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

/// Words that frame a short answer without being part of it ("It's TX.",
/// "Sure, it's Suite 116").
const ANSWER_FRAMES: &[&str] = &[
    "sure, ",
    "sure ",
    "ok, ",
    "okay, ",
    "yes, ",
    "yeah, ",
    "it's ",
    "it is ",
    "its ",
    "that's ",
    "that is ",
    "that'd be ",
    "that would be ",
];

/// A free-text reply as its answer: trimmed, and when it is short (six
/// words or fewer) without its closing full stop and the words that frame
/// a name or number ("It's Suite 116." is "Suite 116"). A longer reply is
/// a description and is kept whole.
fn short_answer(reply: &str) -> &str {
    let mut text = reply.trim();
    if text.split_whitespace().count() > 6 {
        return text;
    }
    // Only before a name or a number ("Sure, it's TX", "it's 78219"):
    // "it's a gift" is the answer as said.
    let mut rest = text;
    while let Some(next) = ANSWER_FRAMES.iter().find_map(|frame| {
        rest.get(..frame.len())
            .filter(|head| head.eq_ignore_ascii_case(frame))
            .and_then(|_| rest.get(frame.len()..))
    }) {
        rest = next.trim_start();
    }
    if rest.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
        text = rest;
    }
    let text = text.strip_suffix(['.', '!']).unwrap_or(text).trim_end();
    if text.is_empty() { reply.trim() } else { text }
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
            (Some((tail, marker)), _) => {
                let tail_words = Words::new(tail);
                // "No, that's ok" / "no thanks, it's fine" declines: after a
                // plain no, words that only say all is well are no yes.
                if matches!(marker, "no" | "no no") && only_all_is_well(&tail_words) {
                    return understood(Answer::No, "no-thanks", reply.trim());
                }
                let read = yes_no(&tail_words, prompt);
                if matches!(read.answer, Answer::Yes | Answer::No) {
                    understood(read.answer, "self-corrected", tail.trim())
                } else if let Some(at) = negated_mention(&words) {
                    // "Wait, not the candle, I meant the side table": the
                    // "not" sets a thing aside, it answers no question; the
                    // reply is about something else (an earlier answer).
                    understood(Answer::Unclear, "negated-mention", words.get(at))
                } else {
                    yes_no(&words, prompt)
                }
            }
            (None, Some(found)) if !plain_yes_or_no(words.get(0)) => repaired(found),
            (None, _) => {
                let read = yes_no(&words, prompt);
                if read.rule == "question" {
                    // A question the reply goes on to answer ("umm I think
                    // so? let me check... ok yes they're in the cupboard")
                    // counts by that answer (an ordinary yes/no only: a
                    // confirmation never takes a yes after a question).
                    if let Some(answer) = answered_after_question(reply, prompt) {
                        return answer;
                    }
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
        Question::Options(options) | Question::Described(options, _) => {
            let described = match question {
                Question::Described(_, described) => described,
                _ => &[],
            };
            let own = |phrase: &str| {
                options
                    .iter()
                    .any(|option| option.to_lowercase().contains(phrase))
            };
            let found = repair::pick(&words, repair, Questions::NeverPick, &own, |words, _| {
                choose_option(words, options, described)
            });
            about_an_email(found, reply)
        }
        Question::Item(items) => {
            let own = |phrase: &str| items.iter().any(|item| item_text(item).contains(phrase));
            let found = repair::pick(
                &words,
                repair,
                Questions::PickByName,
                &own,
                |words, deliberate| choose_item(words, items, today, deliberate),
            );
            if found.answer == Answer::Unclear {
                if let Some(other) = respelled(reply) {
                    let again = understand(question, &other, today);
                    if matches!(again.answer, Answer::Item(_)) {
                        return again;
                    }
                }
            }
            about_an_email(found, reply)
        }
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
            let text = short_answer(reply);
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

/// The yes or no a reply gives after its last question mark, read from
/// its last sentence (what the customer settled on), if that is one and
/// asks nothing.
fn answered_after_question(reply: &str, prompt: &str) -> Option<Understood> {
    let after = reply.rsplit_once('?')?.1;
    let last = after
        .rsplit(['.', '!', ';', '\u{2026}'])
        .find(|sentence| !sentence.trim().is_empty())?;
    let words = Words::new(last);
    if words.len() == 0 || repair::is_question(&words) {
        return None;
    }
    let read = yes_no(&words, prompt);
    matches!(read.answer, Answer::Yes | Answer::No)
        .then(|| understood(read.answer, "answered-after-question", last.trim()))
}

/// A pick the rules could not read, read again with a word's doubled `l`
/// spelt the other way ("cancelled" for a status "Canceled", "labeled"
/// for "Labelled"), if the reply has such a word.
fn respelled(reply: &str) -> Option<String> {
    let mut changed = false;
    let out: Vec<String> = reply
        .split(' ')
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            for (double, single) in [("lled", "led"), ("lling", "ling")] {
                if let Some(stem) = lower.strip_suffix(double) {
                    changed = true;
                    return format!("{stem}{single}");
                }
            }
            for (single, double) in [("eled", "elled"), ("eling", "elling")] {
                if let Some(stem) = lower.strip_suffix(single) {
                    changed = true;
                    return format!("{stem}{double}");
                }
            }
            word.to_string()
        })
        .collect();
    changed.then(|| out.join(" "))
}

/// A refusal (or nothing) at a pick from a reply that gives an email
/// address is about who the customer is, not about the list: "none of
/// these are mine, I typed my husband's address. Mine is maya@example.com"
/// is unclear here, so the engine reads it as a correction of the email.
/// A pick stays a pick.
fn about_an_email(found: Understood, reply: &str) -> Understood {
    if !matches!(
        found.answer,
        Answer::NoneOfThem | Answer::Decline | Answer::Unclear
    ) || !reply.contains('@')
    {
        return found;
    }
    match email::read(reply) {
        Some(email) if matches!(email.answer, Answer::Value(_)) => {
            understood(Answer::Unclear, "names-an-email", email.matched.as_str())
        }
        _ => found,
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

/// A request to act on an order or account that the policy does not do
/// ("can you change the delivery address?", "I need to cancel it"). `done(words)` says whether the policy has a tool for an action
/// named by one of `words` (see `request::action_request`). Replies of
/// fewer than three words are no such request (and are not split).
pub(crate) fn action_request(
    reply: &str,
    done: &dyn Fn(&[&str]) -> bool,
) -> Option<request::Request> {
    if reply.len() < 12
        || reply.bytes().filter(|byte| *byte == b' ').count() < 2
        || !may_name_an_action(reply)
    {
        return None;
    }
    request::action_request(&Words::new(reply), done)
}

/// Whether some word of `reply` may be a verb of an action request (by
/// the verbs' filter, on the word's length and first and last letters,
/// any case, then the word itself): most replies are turned away here
/// without being split.
fn may_name_an_action(reply: &str) -> bool {
    // One pass over the bytes (cheaper than splitting into `&str`s).
    let bytes = reply.as_bytes();
    let mut start = 0;
    for at in 0..=bytes.len() {
        if bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
            continue;
        }
        if at > start + 1 {
            let (Some(first), Some(last)) = (bytes.get(start), bytes.get(at - 1)) else {
                return false;
            };
            let bit = words::lexicon_bit_of(
                first.to_ascii_lowercase(),
                last.to_ascii_lowercase(),
                at - start,
            );
            if request::ACTION_BITS
                .get(bit / 64)
                .is_some_and(|set| set >> (bit % 64) & 1 == 1)
                && bytes.get(start..at).is_some_and(request::is_action_verb)
            {
                return true;
            }
        }
        start = at + 1;
    }
    false
}

/// Whether a message is only thanks or a goodbye: every word a courtesy,
/// or a thanks or goodbye after words that only take the answer in ("ok
/// fair enough, thanks"; "ah right, I forgot I cancelled that. thanks,
/// bye!"; "perfect, that's all I needed") — never with a question, a
/// "but" or a request in it.
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
    if words.len() == 0 {
        return false;
    }
    if words.iter().all(|word| COURTESY.contains(&word)) {
        return true;
    }
    // A question the customer settles with a thanks ("oh it already
    // shipped? ok then, thanks anyway"): what follows the question takes
    // the answer in.
    if let Some((_, after)) = reply.rsplit_once('?') {
        let taken_in = Words::new(after);
        return matches!(
            taken_in.get(0),
            "ok" | "okay" | "alright" | "right" | "ah" | "oh" | "fine" | "fair" | "i" | "got"
        ) && (taken_in.get(0) != "i" || taken_in.get(1) == "see")
            && is_courtesy(after);
    }
    (words.iter().any(|word| {
        matches!(
            word,
            "thanks" | "thank" | "thx" | "ty" | "cheers" | "bye" | "goodbye"
        )
    }) || CLOSINGS
        .iter()
        .any(|closing| words.phrase(closing).is_some()))
        && !reply.contains('?')
        && !words.iter().any(|word| {
            matches!(
                word,
                "but" | "still" | "also" | "can" | "could" | "please" | "need" | "want" | "not"
            ) || word.ends_with("n't")
        })
        && request::action_request(&words, &|_| false).is_none()
}

/// Words that close a conversation as a thanks does ("perfect, that's all
/// I needed", "awesome, have a nice day").
const CLOSINGS: &[&str] = &[
    "that's all",
    "that is all",
    "that's everything",
    "nothing else",
    "all i needed",
    "all i wanted",
    "have a nice day",
    "have a good day",
    "have a great day",
    "have a good one",
    "take care",
    "all set",
];

/// Where a reply negates a thing rather than a statement: a "not" before
/// a determiner ("not the candle", "not my blue one").
fn negated_mention(words: &Words) -> Option<usize> {
    (0..words.len()).find(|&at| {
        words.get(at) == "not"
            && matches!(
                words.get(at + 1),
                "the" | "my" | "this" | "that" | "these" | "those" | "a" | "an"
            )
    })
}

/// A plain yes or no word ("yes", "nope"), which answers a yes/no question
/// before any repair phrase after it ("no, never mind the rest").
fn plain_yes_or_no(word: &str) -> bool {
    matches!(
        word,
        "yes" | "yeah" | "yep" | "yup" | "no" | "nope" | "nah" | "sure" | "ok" | "okay"
    )
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

/// Whether a reply's words only say all is well ("that's ok", "it's fine,
/// thanks"): after a plain "no" they decline, they do not answer yes.
fn only_all_is_well(words: &Words) -> bool {
    let mut well = false;
    for word in words.iter() {
        match word {
            "ok" | "okay" | "fine" | "alright" | "good" | "cool" => well = true,
            "that's" | "thats" | "that" | "it's" | "its" | "it" | "is" | "all" | "really"
            | "totally" | "thanks" | "thank" | "you" | "i'm" | "im" | "am" | "we're" | "all's" => {}
            _ => return false,
        }
    }
    well
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_ymd(2026, 3, 10).unwrap_or(Date(0))
    }

    #[test]
    fn short_free_text_answers_lose_their_frame() {
        for (reply, answer) in [
            ("It's Suite 116.", "Suite 116"),
            ("Sure, it's TX.", "TX"),
            ("320 Cedar Avenue", "320 Cedar Avenue"),
            ("that would be San Antonio!", "San Antonio"),
            ("It's.", "It's"),
            ("it's a gift", "it's a gift"),
            (
                "It's broken and the screen went black after the update yesterday.",
                "It's broken and the screen went black after the update yesterday.",
            ),
        ] {
            assert_eq!(
                understand(Question::Text, reply, today()).answer,
                Answer::Value(Value::text(answer)),
                "{reply}"
            );
        }
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
    fn requests_to_act_by_their_frame_and_verb() {
        let none = |_: &[&str]| false;
        let cancels = |words: &[&str]| words.contains(&"cancel");
        for (reply, verb) in [
            ("ugh, can I just cancel it then?", Some("cancel")),
            (
                "great, and can I change the delivery address on it? I'm moving",
                Some("change"),
            ),
            (
                "actually I don't really want to cancel, I just need it sent to a different address. can you change that?",
                Some("change"),
            ),
            ("I'd like to return the candle", Some("return")),
            // Asked on a condition: what is allowed, not a request.
            (
                "can I still return the candle if I don't like the smell?",
                None,
            ),
            // An outcome asked about, a negated wish.
            ("will I get a refund?", None),
            ("can I get a refund for it?", Some("refund")),
            ("I'd like to request a replacement", Some("replacement")),
            ("ok just cancel it then", Some("cancel")),
            ("change the address to 5 Elm St please", Some("change")),
            ("change of plans, the sweater", None),
            ("update: it arrived", None),
            ("the change of address went through", None),
            ("I don't want to cancel it", None),
            ("the change of plans is fine", None),
            (
                "could you update my shipping address instead?",
                Some("update"),
            ),
            ("I need to exchange it for a bigger size", Some("exchange")),
            // A change of the customer's own answer, or a way back.
            ("sorry, can I change my answer?", None),
            ("I want to change to the sweater", None),
            ("can I change my email? I gave the wrong one", None),
            ("can we return to the list please", None),
        ] {
            assert_eq!(
                action_request(reply, &none)
                    .filter(|request| !request.conditional)
                    .map(|request| request.verb),
                verb,
                "{reply}"
            );
        }
        // A policy that cancels does what "can I just cancel it" asks.
        assert_eq!(
            action_request("ugh, can I just cancel it then?", &cancels).map(|request| request.verb),
            None
        );
    }

    #[test]
    fn courtesies() {
        for reply in [
            "thanks",
            "ok fair enough, thanks",
            "ah right, I forgot I cancelled that. thanks, bye!",
            "perfect, that's all I needed",
            "awesome, have a nice day",
        ] {
            assert!(is_courtesy(reply), "{reply}");
        }
        for reply in [
            "thanks, but it still hasn't come",
            "thanks, can you change the address?",
            "what about my other order",
        ] {
            assert!(!is_courtesy(reply), "{reply}");
        }
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
            ("no, that's ok", Answer::No),
            ("no thanks, it's fine", Answer::No),
            ("no no, all good", Answer::No),
            ("no, I did get it", Answer::Yes),
        ] {
            assert_eq!(
                understand(Question::YesNo { prompt }, reply, today()).answer,
                answer,
                "{reply}"
            );
        }
    }
}
