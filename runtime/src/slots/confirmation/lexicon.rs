//! The confirmation reader's lexicon: word classes and phrases as data,
//! and the small pattern matcher that reads them.

use super::context::{Context, squeeze};
use Class::{Affirm, Apology, Guard, Negation, Neutral, No, Object, Proceed, Retraction};

/// The class of a phrase of the lexicon.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Class {
    /// Makes the reply unclear, with the rule's name.
    Guard(&'static str),
    /// Takes back what came before ("wait", "actually"): unclear with a yes.
    Retraction,
    /// An explicit affirmative.
    Affirm,
    /// An instruction to go ahead ("go ahead", "do it", "proceed").
    Proceed,
    /// The action the question reads back (checked against its text).
    Action,
    /// Words that name the record ("it", "this order", "the one").
    Object,
    /// A refusal.
    No,
    /// An apology ("my bad"): before a yes, for an earlier message; after
    /// one, it takes the yes back; alone, a refusal.
    Apology,
    /// A negation outside a refusal or a reason.
    Negation,
    /// Politeness, filler, a reason, words of a restatement: no meaning here.
    Neutral,
}

/// The lexicon: phrases and their classes; the longest match wins, a guard
/// or a refusal winning a tie. In a phrase, words are separated by spaces;
/// `a|b` is a choice, `+` joins the words of one choice, and a leading `?`
/// makes a word optional.
pub(super) const PHRASES: &[(&str, Class)] = &[
    // Conditionals.
    (
        "if|unless|provided|providing|assuming|whether|otherwise|only|as+long+as|in+case",
        Guard("confirm-conditional"),
    ),
    // Hedges.
    (
        "maybe|perhaps|probably|possibly|likely|guess|suppose|think|reckon|kinda|sorta|idk|dunno|unsure|hmm|hm|umm|um|uh|eh|whatever|meh|kind+of|sort+of|no+idea|why+not|if+you+must",
        Guard("confirm-hedge"),
    ),
    ("not|i'm+not|i+am+not sure|certain", Guard("confirm-hedge")),
    ("don't|dont|do+not know", Guard("confirm-hedge")),
    // Retractions and contrast (a refusal after them still stands).
    (
        "wait|actually|but|though|although|however|hold|hang|mean|meant|rather|except|besides|let+me|brb|later|then+again|one+sec|one+second|one+moment|one+minute|give+me",
        Retraction,
    ),
    // Another record, or more than this one.
    (
        "instead|also|too|other|another|all|both|everything|every|else|either|neither|different|same|rest|others|plus|as+well|wrong+one|wrong+order",
        Guard("confirm-other-record"),
    ),
    // Questions without their mark, requests for information.
    (
        "what|why|how|when|where|which|who|whom|whose|tell|show|remind|explain|check|say|said|saying|do+i|do+you|do+we",
        Guard("confirm-question"),
    ),
    // Text that is not the customer's own answer.
    (
        "system|assistant|developer|instruction|instructions|ignore|tool|output|result|json|true|false|null|user|customer|bot|prompt|rules|treat|respond|reply|replied|approved",
        Guard("confirm-injected-text"),
    ),
    // Sarcasm and exasperation.
    (
        "yeah+right|love|lol|lmao|lmfao|seriously|ugh|sigh",
        Guard("confirm-sarcasm"),
    ),
    // A reason for the action, from a closed list (may hold a negation).
    (
        "?i ?really don't|dont|do+not|no+longer need|want|use it|this|that ?anymore|any+more|now",
        Neutral,
    ),
    (
        "i|i've|i+have found|got|bought it cheaper|elsewhere ?elsewhere|somewhere+else",
        Neutral,
    ),
    (
        "i|i've|i+have ordered|bought|picked|chose|got the wrong size|colour|color|one|item|thing|model|version",
        Neutral,
    ),
    ("i ordered|bought it by+mistake|by+accident", Neutral),
    (
        "i|i've|i+have changed my mind ?about ?it|this|that",
        Neutral,
    ),
    ("i've|i+have decided", Neutral),
    ("it's|it+is ?taking too long|late|slow|expensive", Neutral),
    (
        "that's|that+is what i asked|wanted|want|ordered ?for",
        Neutral,
    ),
    ("that's|that+is|this+is|it's|it+is the ?right one", Neutral),
    ("as+soon+as+possible|right+away|after+all", Neutral),
    // Refusals (a clear no).
    (
        "no|nope|nah|nay|n|negative|nop|nuh|no+thanks|no+thank+you|never+mind|nevermind|nvm|no+need|not+yet|not+now|not+today|not+really|forget+it|forget+about+it",
        No,
    ),
    ("keep|keeping|leave|leaving|stop|halt|abort", No),
    (
        "don't|dont|do+not|not|won't|never cancel|bother|touch|change",
        No,
    ),
    ("don't|dont|do+not do anything|it", No),
    ("i ?really don't|dont|do+not want|wish ?to cancel", No),
    (
        "i'll|i+will|i'd|i+would|i+want+to|wanna ?rather keep|wait|hold",
        No,
    ),
    ("i'm|i+am good|fine|ok|okay", No),
    ("by+mistake|by+accident|changed+my+mind", No),
    // An apology: for the previous message before a yes ("sorry, my bad,
    // yes cancel the shirt"), a retraction after one.
    ("my+mistake|my+bad|oops|whoops", Apology),
    // Negations left over (they mix with a yes).
    (
        "not|don't|dont|doesn't|didn't|isn't|wasn't|won't|wouldn't|can't|cannot|never|nothing|none|nor|shouldn't|haven't|hasn't",
        Negation,
    ),
    // Affirmatives.
    (
        "yes|yeah|yep|yup|ya|yea|yeh|yah|yas|yse|aye|yess|mhm|uh-huh|affirmative|absolutely|definitely|certainly|sure|surely|correct|confirm|confirmed|confirming|indeed|agreed|agree|exactly|100%|of+course|you+bet|no+problem|no+worries|sounds+good",
        Affirm,
    ),
    ("i ?do confirm", Affirm),
    ("i'm|i+am sure|certain|positive", Affirm),
    ("that's|thats|that+is correct|right", Affirm),
    ("that|this works|work|will+work", Affirm),
    // Going ahead.
    (
        "go+ahead|go+on|go+for+it|do+it|please+do|i+do|proceed|continue|make+it+so",
        Proceed,
    ),
    // The record, "too" with it: "yes, that one too" after an earlier
    // record was done ("the espresso machine too" still names another).
    ("it|this|that|this+one|that+one too|as+well", Object),
    (
        "it|this|one|this+one|that+one|the+one|the+order|my+order|this+order|that+order|order|the+cancellation|cancellation|the+purchase|purchase|the+refund|the+return|the+exchange|the+change|the+update",
        Object,
    ),
    // Politeness, filler and the small words of a restatement.
    (
        "please|pls|plz|pleas|plese|pleeze|kindly|thanks|thank|thankyou|thx|ty|tysm|cheers|appreciated|appreciate|sir|ma'am|maam|madam|hi|hello|hey|ok|okay|k|alright|alrighty|fine|great|good|perfect|cool|awesome|well|oh|ah|so|just|now|asap|immediately|obviously|really|totally|then|and|the|a|an|my|i|i'd|i'm|i'll|want|wanted|would|like|to|for|from|with|of|on|at|in|about|placed|me|you|your|much|lot|help|helping|quick|fast|sorry|that|thing|already|again|ordered|bought|get|that's|thats|im|ill|id|u|ur|dollars|dollar|bucks|usd|the+sooner+the+better",
        Neutral,
    ),
];

/// Words that negate the verb after them.
pub(super) const NEGATORS: &[&str] = &["don't", "dont", "not", "won't", "never", "didn't"];

/// Verbs a read-back may ask about, each with the words that say it.
pub(super) const ACTIONS: &[(&str, &[&str])] = &[
    (
        "cancel",
        &[
            "cancel",
            "cancell",
            "cancle",
            "canel",
            "cancal",
            "cancelled",
            "canceled",
            "cancelling",
            "canceling",
            "cancellation",
            "get+rid+of",
            "kill",
            "drop",
        ],
    ),
    ("refund", &["refund", "refunded", "refunding"]),
    (
        "delete",
        &[
            "delete", "deleted", "deleting", "erase", "remove", "wipe", "deletion",
        ],
    ),
    ("remove", &["remove", "removed", "removing", "take+off"]),
    ("return", &["return", "returned", "returning"]),
    ("exchange", &["exchange", "exchanged", "swap", "switch"]),
    (
        "change",
        &["change", "changed", "update", "updated", "switch"],
    ),
    ("update", &["update", "updated", "change", "changed"]),
    ("apply", &["apply", "applied", "add", "use"]),
    ("pause", &["pause", "paused", "pausing", "hold"]),
    ("resume", &["resume", "resumed", "restart"]),
    ("reschedule", &["reschedule", "rescheduled", "move"]),
    ("replace", &["replace", "replaced", "replacement", "send"]),
    ("close", &["close", "closed", "closing", "shut"]),
    ("deactivate", &["deactivate", "deactivated", "disable"]),
    ("unsubscribe", &["unsubscribe", "unsubscribed", "stop"]),
    ("issue", &["issue", "issued", "send"]),
    (
        "create",
        &["create", "created", "open", "start", "file", "submit"],
    ),
    ("book", &["book", "booked", "schedule"]),
    ("upgrade", &["upgrade", "upgraded"]),
    ("send", &["send", "sent"]),
];

/// The longest lexicon phrase (or action phrase) starting at `index`.
pub(super) fn longest_phrase(
    words: &[&str],
    index: usize,
    context: &Context<'_>,
) -> Option<(Class, usize)> {
    let mut best: Option<(Class, usize)> = None;
    let mut consider = |class: Class, end: usize| {
        // The longer match wins; of two as long, the more cautious reading.
        let better = match best {
            None => true,
            Some((held, held_end)) => {
                end > held_end || (end == held_end && caution(class) > caution(held))
            }
        };
        if better {
            best = Some((class, end));
        }
    };
    for (pattern, class) in PHRASES {
        if let Some(end) = match_pattern(pattern, words, index) {
            consider(*class, end);
        }
    }
    for action in &context.actions {
        if let Some(end) = match_pattern(action, words, index) {
            consider(Class::Action, end);
        }
        // "don't refund it": a refusal of the very action read back.
        if words.get(index).is_some_and(|word| NEGATORS.contains(word)) {
            if let Some(end) = match_pattern(action, words, index + 1) {
                consider(Class::No, end);
            }
        }
    }
    // The whole reply "y" is yes; "y" inside a sentence is not a word.
    if words.len() == 1 && words.first() == Some(&"y") {
        consider(Class::Affirm, 1);
    }
    best
}

/// How cautious a reading is, to break ties between matches as long.
fn caution(class: Class) -> u8 {
    match class {
        Class::Guard(_) => 4,
        Class::No => 3,
        Class::Negation => 2,
        Class::Retraction => 1,
        _ => 0,
    }
}

/// Matches a pattern (see [`PHRASES`]) at `index`; the end of the longest
/// match.
pub(super) fn match_pattern(pattern: &str, words: &[&str], index: usize) -> Option<usize> {
    let parts: Vec<&str> = pattern.split(' ').collect();
    match_parts(&parts, words, index)
}

fn match_parts(parts: &[&str], words: &[&str], index: usize) -> Option<usize> {
    let Some((first, rest)) = parts.split_first() else {
        return Some(index);
    };
    let (optional, choices) = match first.strip_prefix('?') {
        Some(choices) => (true, choices),
        None => (false, *first),
    };
    let taken = choices
        .split('|')
        .filter_map(|choice| {
            let mut at = index;
            for part in choice.split('+') {
                if !words.get(at).is_some_and(|word| word_is(part, word)) {
                    return None;
                }
                at += 1;
            }
            match_parts(rest, words, at)
        })
        .max();
    let skipped = if optional {
        match_parts(rest, words, index)
    } else {
        None
    };
    taken.max(skipped)
}

/// A lexicon word matches a reply word exactly, or once doubled letters are
/// made single ("yesss", "pleasee", "cancell").
fn word_is(lexicon_word: &str, word: &str) -> bool {
    lexicon_word == word
        || (word.len() > lexicon_word.len()
            && word.len() >= 3
            && squeeze(word) == squeeze(lexicon_word))
}
