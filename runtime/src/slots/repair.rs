//! Conversation repair: replies that are not an answer to the question but
//! steer the conversation — "never mind", "start over", "can you repeat
//! that?", "skip this", "my other order" — and questions asked back.
//!
//! The phrases are data, one table per intent; a reply is a repair only
//! when a phrase of the table is in it (whole words). What each repair does
//! is the machine's business: the engine follows the ask's implicit edge
//! for it (see `crate::engine`), so the verifier sees every repair.

use super::phrases::PhraseIndex;
use super::request::action_request;
use super::{Answer, Understood, Words, understood};
use std::sync::LazyLock;

/// A repair the customer asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repair {
    /// Drop the request: "never mind", "forget it", "stop".
    CancelFlow,
    /// Begin again from the first question.
    StartOver,
    /// Say the question again.
    Repeat,
    /// Leave this question out.
    Skip,
    /// Another record than the ones in play: "my other order".
    SomethingElse,
    /// A question back, not an answer ("how long does shipping take?").
    Question,
    /// A request to act in a way the policy cannot ("can you change the
    /// delivery address?" where no tool changes one): a person takes it.
    CannotHandle,
}

impl Repair {
    /// The name logged as the rule's evidence and counted in metrics.
    pub fn name(self) -> &'static str {
        match self {
            Repair::CancelFlow => "repair-cancel-flow",
            Repair::StartOver => "repair-start-over",
            Repair::Repeat => "repair-repeat",
            Repair::Skip => "repair-skip",
            Repair::SomethingElse => "repair-something-else",
            Repair::Question => "repair-question",
            Repair::CannotHandle => "repair-cannot-handle",
        }
    }
}

/// The intents, most specific first, each with its phrases.
const PHRASES: &[(Repair, &[&str])] = &[
    (
        Repair::StartOver,
        &[
            "start over",
            "start again",
            "start from scratch",
            "start from the beginning",
            "from the beginning",
            "from the top",
            "begin again",
            "restart",
            "reset",
            "let's start over",
            "can we start over",
            "go back to the start",
            "back to the beginning",
            "start afresh",
        ],
    ),
    (
        Repair::Repeat,
        &[
            "repeat that",
            "repeat the question",
            "repeat it",
            "repeat please",
            "say that again",
            "say it again",
            "come again",
            "what was the question",
            "what did you ask",
            "what did you say",
            "didn't catch that",
            "didn't get that",
            "one more time",
            "say again",
            "pardon",
            "sorry what",
            "show me the list again",
            "show the list again",
            "list again",
            "options again",
            "read that again",
            "can you repeat",
            "could you repeat",
            "please repeat",
            "repeat",
        ],
    ),
    (
        Repair::CancelFlow,
        &[
            "never mind",
            "nevermind",
            "nvm",
            "forget it",
            "forget about it",
            "forget that",
            "stop",
            "stop this",
            "that's all",
            "that is all",
            "no longer need",
            "don't need help",
            "don't need anything",
            "cancel that request",
            "i'm done",
            "we're done",
            "drop it",
            "leave it",
        ],
    ),
    (
        Repair::Skip,
        &[
            "skip",
            "skip this",
            "skip that",
            "skip it",
            "next question",
            "rather not say",
            "rather not answer",
            "pass on that",
        ],
    ),
    (
        Repair::SomethingElse,
        &[
            "something else",
            "my other order",
            "the other order",
            "another order",
            "a different order",
            "different order",
            "other order",
            "my other one",
            "another one",
            "different question",
            "another question",
        ],
    ),
];

/// The repair a reply asks for, with the phrase that says so.
pub(crate) fn repair(words: &Words) -> Option<(Repair, &'static str)> {
    static INDEX: LazyLock<(PhraseIndex, Vec<(Repair, &'static str)>)> = LazyLock::new(|| {
        let listed: Vec<(Repair, &'static str)> = PHRASES
            .iter()
            .flat_map(|(intent, phrases)| phrases.iter().map(|phrase| (*intent, *phrase)))
            .collect();
        (
            PhraseIndex::new(listed.iter().map(|(_, phrase)| *phrase)),
            listed,
        )
    });
    let (index, listed) = &*INDEX;
    // In a question asked with a question word, a request to drop or skip
    // something inside a clause is the question's own words: "where did
    // the driver leave it?" drops nothing, "why did it stop?" stops
    // nothing ("what were the options again?" still asks for them again).
    let Some(found) = index.first_listed(words, |found| {
        !matches!(
            listed.get(found.phrase),
            Some((Repair::CancelFlow | Repair::Skip, _))
        ) || clause_start(words, found.start)
            || !QUESTION_WORDS.contains(&words.get(0))
    }) else {
        return asked_again(words);
    };
    listed.get(found.phrase).copied()
}

/// "Again" with a word of showing or saying, or of what was shown ("can
/// you list them again?", "what were my orders again?", "tell me the
/// options again"): the question again.
fn asked_again(words: &Words) -> Option<(Repair, &'static str)> {
    (words.has("again")
        && words.iter().any(|word| {
            matches!(
                word,
                "show"
                    | "list"
                    | "repeat"
                    | "say"
                    | "tell"
                    | "read"
                    | "give"
                    | "orders"
                    | "options"
                    | "offers"
                    | "choices"
                    | "question"
                    | "them"
            )
        }))
    .then_some((Repair::Repeat, "again"))
}

/// Whether word `index` starts the reply or a clause of it (a mark of
/// punctuation before it).
pub(super) fn clause_start(words: &Words, index: usize) -> bool {
    index == 0
        || words
            .text_after(index - 1)
            .trim_start()
            .starts_with([',', '.', ';', '!', '?', ':', '-', '\u{2014}', '\u{2013}'])
}

/// Words that open a question when they start a reply or a clause.
const QUESTION_WORDS: &[&str] = &[
    "what", "what's", "whats", "why", "how", "how's", "when", "where", "where's", "which", "who",
    "whose", "whom",
];

/// Verbs that open a question when they start the reply ("can you", "is it").
const QUESTION_OPENERS: &[&str] = &[
    "can", "could", "will", "would", "should", "is", "are", "does", "do", "did", "has", "have",
    "was", "were", "isn't", "doesn't", "don't", "won't", "wouldn't",
];

/// Whether the reply asks something: a question mark, or a question word
/// opening it ("how long does shipping take", "can you tell me…").
pub(crate) fn is_question(words: &Words) -> bool {
    if words.text.contains('?') {
        return true;
    }
    let first = words.get(0);
    QUESTION_WORDS.contains(&first)
        || (QUESTION_OPENERS.contains(&first)
            && matches!(
                words.get(1),
                "you" | "i" | "it" | "there" | "that" | "this" | "we" | "they"
            ))
}

/// What kind of pick a question may still make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Questions {
    /// A question that names a list item by its id or its own words is
    /// about that item, so it picks it ("what's the tracking number for the
    /// shoes?").
    PickByName,
    /// A question never picks ("does the shipping upgrade cost anything?"
    /// asks about an option before choosing it).
    NeverPick,
}

/// Reads a pick among options or list items as a person does: a
/// self-correction keeps its last part ("the first one... no wait, the
/// second"), a negated mention is left out ("not the shoes, the sweater"),
/// a question is no pick unless it names an item, and a repair phrase steers
/// the conversation. `read(words, deliberate)` is the slot's own reading;
/// `deliberate` asks for references only (ids, labels, an item's own words),
/// never positions or incidental words; `own(phrase)` says whether a
/// phrase ("not resistant") is in an option's or item's own words.
pub(super) fn pick(
    words: &Words,
    repair: Option<(Repair, &'static str)>,
    questions: Questions,
    own: &dyn Fn(&str) -> bool,
    read: impl Fn(&Words, bool) -> Understood,
) -> Understood {
    let picked = |found: &Understood| {
        matches!(
            found.answer,
            Answer::Item(_) | Answer::Option(_) | Answer::NoneOfThem | Answer::Decline
        )
    };
    // "Something else" says the reply is no answer to this question,
    // whatever it names ("actually it's something else - I need to change
    // the address for the shoes") — unless it is an option's own label.
    if let Some((Repair::SomethingElse, phrase @ "something else")) = repair {
        let labelled = read(words, true);
        if labelled.rule == "option-label" {
            return labelled;
        }
        return understood(
            Answer::Repair(Repair::SomethingElse),
            Repair::SomethingElse.name(),
            phrase,
        );
    }
    if let Some((tail, marker)) = corrected_tail(words, true) {
        let tail_words = Words::new(tail);
        if !is_question(&tail_words) {
            // The corrected part may set a thing aside as well ("wait no,
            // it's the espresso machine I want cancelled, not the shirt"):
            // what it negates is never the pick, though "not here" still
            // says the item is not in the list.
            let found = match without_negated(&tail_words, own) {
                Some(rest) => {
                    let found = read(&Words::new(&rest), false);
                    let whole = read(&tail_words, false);
                    if matches!(whole.answer, Answer::NoneOfThem | Answer::Decline)
                        && !picked(&found)
                    {
                        whole
                    } else {
                        found
                    }
                }
                None => read(&tail_words, false),
            };
            if picked(&found) {
                return found;
            }
            // A refusal of them all that goes on to say what is meant
            // instead stays a refusal ("none of these, I mean my wine
            // club"); "I mean" explains here, it takes nothing back.
            if matches!(marker, "i mean" | "i meant" | "sorry") {
                let text = words.text.as_ref();
                let head = text.get(..text.len() - tail.len()).unwrap_or_default();
                let before = read(&Words::new(head), false);
                if matches!(before.answer, Answer::NoneOfThem | Answer::Decline) {
                    return before;
                }
            }
            // What was taken back is never the pick ("shipping upgrade.
            // Actually no, I'd rather …").
            if retracts(marker) && repair.is_none() {
                return understood(Answer::Unclear, "self-corrected", tail.trim());
            }
        }
    }
    let question = is_question(words);
    if question {
        // A question that answers itself counts by its answer alone ("is
        // the coupon better? ok, the coupon"), never by what it asked about.
        if let Some(answer) = self_answer(words) {
            let answer_words = Words::new(answer);
            let found = read(&answer_words, false);
            if picked(&found) {
                return found;
            }
            // An answer that takes what the question named ("is the
            // shipping upgrade still possible? I'd take that instead"): the
            // question's own reference, read deliberately.
            if takes_it(&answer_words) {
                let text = words.text.as_ref();
                let asked = text.get(..text.len() - answer.len()).unwrap_or_default();
                let found = read(&Words::new(asked), true);
                if matches!(found.answer, Answer::Item(_) | Answer::Option(_)) {
                    return found;
                }
            }
        }
    }
    // A negated mention is never the pick ("not the discount, give me the
    // coupon"): once the reply negates something, only the rest is read —
    // unless the negation is the label's own ("not using it enough").
    let rest = without_negated(words, own);
    if rest.is_some() && !question {
        // "It's not here, I booked it by phone": the negation says the
        // item is not in the list.
        let whole = read(words, false);
        if matches!(whole.answer, Answer::NoneOfThem | Answer::Decline)
            && whole.rule != "item-unknown-id"
        {
            return whole;
        }
    }
    if rest.is_some() {
        let whole = read(words, true);
        let negated_label = Words::new(whole.matched.as_str())
            .iter()
            .any(|word| word == "not" || word.ends_with("n't"));
        if picked(&whole) && negated_label {
            return whole;
        }
    }
    let rest_words = rest.as_deref().map(Words::new);
    if let Some(rest_words) = &rest_words {
        let found = read(rest_words, question);
        if picked(&found) && !(question && questions == Questions::NeverPick) {
            return found;
        }
    }
    let unnegated = rest_words.as_ref().unwrap_or(words);
    if question {
        // A request put as a question chooses the option it asks for: one
        // to have a thing ("can I still get that discount instead?") or to
        // act ("can I change where an order is shipped?", "could you cancel
        // an order for me?"); one asked on a condition ("can I still return
        // it if …?") asks what is allowed and chooses nothing.
        let requests = || {
            asks_to_have(words)
                || action_request(words, &|_| false).is_some_and(|request| !request.conditional)
        };
        if questions == Questions::NeverPick && requests() {
            let found = read(unnegated, false);
            if matches!(found.answer, Answer::Option(_)) {
                return found;
            }
        }
        if questions == Questions::PickByName {
            let found = read(unnegated, true);
            if matches!(found.answer, Answer::Item(_) | Answer::Option(_)) {
                return found;
            }
        }
        if let Some((
            intent @ (Repair::SomethingElse
            | Repair::StartOver
            | Repair::Repeat
            | Repair::CancelFlow),
            phrase,
        )) = repair
        {
            return understood(Answer::Repair(intent), intent.name(), phrase);
        }
        return understood(
            Answer::Repair(Repair::Question),
            Repair::Question.name(),
            "?",
        );
    }
    if let Some((intent, phrase)) = repair {
        // A deliberate pick with a repair word beside it is still a pick
        // ("1039, sorry, forget the other one"), and "I don't see it, it's
        // a different order" says the order is not among them.
        let found = read(unnegated, true);
        if matches!(found.answer, Answer::Item(_) | Answer::Option(_)) {
            return found;
        }
        if intent == Repair::SomethingElse {
            let found = read(words, false);
            if found.answer == Answer::NoneOfThem {
                return found;
            }
        }
        return understood(Answer::Repair(intent), intent.name(), phrase);
    }
    if rest_words.is_some() {
        // The rest picked nothing: what was negated stays out, and "not
        // those" is still a refusal of them all.
        let found = read(words, false);
        return match found.answer {
            Answer::NoneOfThem | Answer::Decline => found,
            _ => understood(Answer::Unclear, "negated", ""),
        };
    }
    read(words, false)
}

/// Whether the reply asks to have something: "can I (still)
/// get / have / take …", "could we go with …", "can you (just) give me /
/// apply …" — a request in a question's form, not a question about it.
fn asks_to_have(words: &Words) -> bool {
    (0..words.len()).any(|start| {
        // "How can I get …" asks how; "actually could I have …" asks for it.
        if !matches!(words.get(start), "can" | "could" | "may")
            || (start > 0 && QUESTION_WORDS.contains(&words.get(start - 1)))
        {
            return false;
        }
        let who = words.get(start + 1);
        let mut at = start + 2;
        while matches!(
            words.get(at),
            "still" | "just" | "please" | "maybe" | "also" | "actually" | "rather"
        ) {
            at += 1;
        }
        match who {
            "i" | "we" => matches!(
                words.get(at),
                "get" | "have" | "take" | "choose" | "pick" | "go" | "use"
            ),
            "you" => matches!(words.get(at), "give" | "apply" | "add"),
            _ => false,
        }
    })
}

/// Words after which a reply corrects itself.
const CORRECTIONS: &[&str] = &[
    "no wait",
    "or wait",
    "oh wait",
    "oh no",
    "no no",
    "no sorry",
    "wait",
    "i mean",
    "i meant",
    "actually",
    "sorry",
    "or rather",
    "make that",
    "scratch that",
    "hang on",
    "hold on",
    "no",
];

/// The part of the reply after its last self-correction, if it has one,
/// with the words that marked it. In a pick (`pick`), a marker needs
/// something before it to correct ("no offers, thanks" is a refusal, not a
/// correction), and a bare "no" marks one only when a pause follows it
/// ("the discount — no, the coupon"; not "thanks but no offers"); at a
/// yes/no question every marker counts ("no, I did get it" is a yes).
pub(super) fn corrected_tail<'a>(
    words: &'a Words<'a>,
    pick: bool,
) -> Option<(&'a str, &'static str)> {
    static INDEX: LazyLock<PhraseIndex> =
        LazyLock::new(|| PhraseIndex::new(CORRECTIONS.iter().copied()));
    // The marker that ends last; of two ending together, the longer one
    // (listed first: "no wait" before "wait").
    let last = INDEX
        .occurrences(words, usize::from(pick))
        .filter(|found| {
            let marker = CORRECTIONS.get(found.phrase).copied().unwrap_or_default();
            let paused = words
                .text_after(found.end - 1)
                .trim_start()
                .starts_with([',', '.', ';', '!', '-', '\u{2014}', '\u{2013}']);
            // "The coupon sounds nice actually, I'll keep it": an
            // "actually" that ends its clause takes nothing back.
            if pick && marker == "actually" && paused && !clause_start(words, found.start) {
                return false;
            }
            !pick || marker != "no" || paused
        })
        .max_by_key(|found| (found.end, std::cmp::Reverse(found.phrase)))
        .and_then(|found| Some((found.end, *CORRECTIONS.get(found.phrase)?)));
    let (end, marker) = last?;
    let tail = words.text_after(end.checked_sub(1)?);
    (!tail.trim().is_empty()).then_some((tail, marker))
}

/// Whether a self-correction `marker` takes back what came before it: all
/// but "sorry", which also ends a pick ("the sweater, sorry for the mix-up").
fn retracts(marker: &str) -> bool {
    marker != "sorry"
}

/// The last sentence of a reply that asks something, when it is not a
/// question itself ("the second... or wait, maybe the first? yes, the first").
fn self_answer<'a>(words: &'a Words) -> Option<&'a str> {
    let text = words.text.as_ref();
    let after = &text[text.rfind('?')? + 1..];
    let after_words = Words::new(after);
    (after_words.len() > 0 && !is_question(&after_words)).then_some(after)
}

/// Whether words take a thing named before by a pronoun ("I'd take that",
/// "I'll go with it", "that one please"), with no negation.
fn takes_it(words: &Words) -> bool {
    !words
        .iter()
        .any(|word| matches!(word, "not" | "no" | "never") || word.ends_with("n't"))
        && words.iter().any(|word| {
            matches!(
                word,
                "take" | "want" | "have" | "go" | "choose" | "pick" | "prefer" | "like"
            )
        })
        && words
            .iter()
            .any(|word| matches!(word, "that" | "it" | "this" | "one"))
}

/// The reply less its negated mentions ("not the shoes, the sweater" → ",
/// the sweater"); `None` when it negates nothing.
fn without_negated(words: &Words, own: &dyn Fn(&str) -> bool) -> Option<String> {
    // Most replies negate nothing: one look at their words says so.
    let negating = |word: &str| {
        matches!(
            word.trim_start_matches('#'),
            "not" | "don't" | "instead" | "rather"
        )
    };
    if !words.iter().any(negating) {
        return None;
    }
    let text = words.text.as_ref();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut negated = false;
    while let Some(at) = find_word(rest, &["not", "don't want", "instead of", "rather than"]) {
        let after = &rest[at.0 + at.1..];
        // "Not resistant" of "water resistance: not resistant" is a value
        // the reply names, not one it sets aside.
        let next = after
            .trim_start()
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default();
        if !next.is_empty() && own(&format!("{} {next}", &rest[at.0..at.0 + at.1])) {
            out.push_str(&rest[..at.0 + at.1]);
            rest = after;
            continue;
        }
        negated = true;
        out.push_str(&rest[..at.0]);
        // The negation ends with its clause: a mark, a dash ("not that
        // one — the espresso machine"), or "but".
        let stop = after
            .find([',', ';', '.', '!', '\u{2014}', '\u{2013}'])
            .into_iter()
            .chain(after.find(" - "))
            .chain(after.find(" but ").map(|at| at + 1))
            .min()
            .unwrap_or(after.len());
        rest = &after[stop..];
    }
    out.push_str(rest);
    negated.then_some(out)
}

/// The first of `needles` in `text` as whole words: its byte offset and length.
fn find_word(text: &str, needles: &[&str]) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let boundary = |at: usize| {
        bytes
            .get(at)
            .is_none_or(|byte| !byte.is_ascii_alphanumeric() && *byte != b'\'')
    };
    needles
        .iter()
        .filter_map(|needle| {
            let mut from = 0;
            while let Some(found) = text.get(from..)?.find(needle) {
                let at = from + found;
                if (at == 0 || boundary(at - 1)) && boundary(at + needle.len()) {
                    return Some((at, needle.len()));
                }
                from = at + 1;
            }
            None
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(reply: &str) -> Option<Repair> {
        repair(&Words::new(reply)).map(|(intent, _)| intent)
    }

    #[test]
    fn repairs_by_their_phrases() {
        for (reply, intent) in [
            ("never mind, I found it", Repair::CancelFlow),
            ("forget it", Repair::CancelFlow),
            ("can we start over?", Repair::StartOver),
            ("sorry, can you repeat that?", Repair::Repeat),
            ("skip this one", Repair::Skip),
            ("can you list them again?", Repair::Repeat),
            ("what were my orders again?", Repair::Repeat),
            (
                "actually can I talk about my other order?",
                Repair::SomethingElse,
            ),
        ] {
            assert_eq!(read(reply), Some(intent), "{reply}");
        }
        for reply in ["maya@example.com", "the shoes", "yes", "no thanks"] {
            assert_eq!(read(reply), None, "{reply}");
        }
    }

    #[test]
    fn questions_are_seen_without_their_mark() {
        for reply in [
            "how long does shipping usually take",
            "what's the difference between store credit and a refund?",
            "can you tell me the status first",
        ] {
            assert!(is_question(&Words::new(reply)), "{reply}");
        }
        for reply in ["the shoes", "I want the second one", "yes please"] {
            assert!(!is_question(&Words::new(reply)), "{reply}");
        }
    }
}
