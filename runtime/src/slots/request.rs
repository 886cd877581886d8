//! Requests to act on an order or an account, read from a reply's words
//! ("can you change the delivery address?", "just cancel it", "can I get
//! a refund"): the engine hands one the policy cannot do to a person.

use super::Words;
use super::repair::clause_start;

/// A request to act that the policy does not do (see [`action_request`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    /// The verb ("change", "cancel", "return").
    pub(crate) verb: &'static str,
    /// Asked on a condition ("can I still return it if I don't like the
    /// smell?"): what is allowed is asked, nothing is asked for yet.
    pub(crate) conditional: bool,
}

/// Verbs of a request to act on an order or an account, each with the
/// words a tool's name uses for that action (`update_shipping_address`
/// changes, `create_return` returns).
const ACTION_VERBS: &[(&str, &[&str])] = &[
    ("change", CHANGE),
    ("update", CHANGE),
    ("modify", CHANGE),
    ("edit", CHANGE),
    ("amend", CHANGE),
    ("cancel", &["cancel"]),
    ("return", &["return", "returns"]),
    ("exchange", &["exchange", "swap"]),
    ("swap", &["exchange", "swap"]),
    ("refund", &["refund"]),
    ("redirect", &["redirect", "reroute", "address"]),
    ("reroute", &["redirect", "reroute", "address"]),
    ("add", &["add"]),
    ("remove", &["remove", "delete"]),
    ("replace", &["replace", "replacement"]),
    ("replacement", &["replace", "replacement"]),
];

/// Whether `word` (any case) is a verb of [`ACTION_VERBS`].
pub(crate) fn is_action_verb(word: &[u8]) -> bool {
    ACTION_VERBS
        .iter()
        .any(|(verb, _)| verb.as_bytes().eq_ignore_ascii_case(word))
}

const CHANGE: &[&str] = &["change", "update", "modify", "edit", "amend"];

/// [`ACTION_VERBS`]' filter.
pub(crate) const ACTION_BITS: [u64; 4] = {
    let mut words = [""; ACTION_VERBS.len()];
    let mut index = 0;
    while index < ACTION_VERBS.len() {
        words[index] = ACTION_VERBS[index].0;
        index += 1;
    }
    super::lexicon_bits(&words)
};

/// Words that ask for something to be done when they come before its
/// verb in a clause ("can you change…", "I need to cancel…", "please
/// update…", "is it possible to return…").
const REQUEST_FRAMES: &[&str] = &[
    "can", "could", "would", "will", "please", "pls", "need", "needs", "want", "wanna", "like",
    "possible", "help", "let",
];

/// A request to act on an order or account, read from the reply's words:
/// a verb of [`ACTION_VERBS`] right after a request frame (a few small
/// words between), or opening its clause with its object after it ("just
/// cancel it", "change the address to 5 Elm St"), not negated ("I don't want to cancel"), not about the
/// conversation ("can I change my answer?"), and not one the policy does:
/// `done(words)` says whether it has a tool whose name has one of the
/// words a tool's name would use for the action. Returns the first such
/// request, marked when it is asked on a condition ("can I still return
/// it if I don't like the smell?" asks what is allowed).
pub(crate) fn action_request(words: &Words, done: &dyn Fn(&[&str]) -> bool) -> Option<Request> {
    // How many small words since the last frame word, if one is open; and
    // whether the clause so far holds a negation.
    let mut gap: Option<usize> = None;
    let mut negated = false;
    let mut frame = "";
    // Whether only lead words ("just", "then", "ok") came since the clause
    // began: a verb there is an imperative ("just cancel it", "ok, change
    // the address to …").
    let mut leading = true;
    for (index, word) in words.iter().enumerate() {
        if index > 0 && clause_start(words, index) {
            gap = None;
            negated = false;
            leading = true;
        }
        if word == "not" || word == "never" || word.ends_with("n't") {
            negated = true;
        }
        if REQUEST_FRAMES.contains(&word) {
            gap = (!negated).then_some(0);
            frame = word;
            leading = false;
            continue;
        }
        let imperative = leading
            && matches!(
                words.get(index + 1),
                "it" | "the" | "my" | "this" | "that" | "them" | "these" | "those"
            )
            && !clause_start(words, index + 1);
        if (gap.is_some() || imperative) && super::may_be(&ACTION_BITS, word) {
            if let Some(&(verb, tools)) = ACTION_VERBS.iter().find(|(verb, _)| *verb == word) {
                if !done(tools) && !about_the_conversation(words, index + 1) {
                    let conditional = words.iter().any(|word| matches!(word, "if" | "whether"));
                    return Some(Request { verb, conditional });
                }
            }
        }
        // "can I just", "I'd like to", "could you please": a few small
        // words between; any other word ("will I get a refund?", "I don't
        // want to cancel") closes the frame.
        // "Will I get a refund?" asks what happens; "can I get a refund"
        // asks for one.
        leading &= IMPERATIVE_LEADS.contains(&word);
        let outcome = matches!(word, "get" | "have") && matches!(frame, "will" | "would");
        gap = match gap {
            Some(count) if count < 3 && !outcome && BETWEEN_FRAME_AND_VERB.contains(&word) => {
                Some(count + 1)
            }
            _ => None,
        };
    }
    None
}

/// Whether the words after an action verb (from `index`, to the end of
/// its clause) make it about the conversation rather than the order: a
/// change of the customer's own answer ("can I change my answer", "I want
/// to change to the sweater", "can I change my email?", "change my mind")
/// or a way back ("can we return to the list?").
fn about_the_conversation(words: &Words, index: usize) -> bool {
    if matches!(words.get(index), "to" | "back") {
        return true;
    }
    (index..words.len())
        .take_while(|&at| at == index || !clause_start(words, at))
        .any(|at| {
            matches!(
                words.get(at),
                "mind" | "answer" | "choice" | "selection" | "pick" | "email" | "e-mail"
            )
        })
}

/// Words that may come before an imperative in its clause ("just cancel
/// it", "ok then, update the address").
const IMPERATIVE_LEADS: &[&str] = &[
    "just", "please", "pls", "then", "actually", "and", "ok", "okay", "so", "oh", "also", "well",
    "great", "hmm", "instead",
];

/// Small words a request may hold between its frame and its verb.
/// With the verbs' nouns ("can I get a refund", "I'd like to make a
/// return", "could I have an exchange") the small verbs that ask for them.
const BETWEEN_FRAME_AND_VERB: &[&str] = &[
    "i", "you", "we", "to", "just", "please", "pls", "still", "also", "me", "us", "actually",
    "really", "then", "maybe", "kindly", "quickly", "get", "have", "make", "request", "a", "an",
];
