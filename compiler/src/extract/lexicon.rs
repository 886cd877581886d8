//! The lexicon: every word class the extraction rules read, in one place.
//!
//! A rule never spells out a list of words: it asks whether a token is of a
//! class (`token.is_a(Class::Customer)`). Each token is tagged with its
//! classes once, when the text is cut into tokens ([`tag`]). A new synonym
//! is one word added to one class here; the language reference
//! (`docs/policy-language.md`) lists the classes from this table.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A class of words that the rules treat alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    /// Who the policy speaks about: `the customer`.
    Customer,
    /// `the customer's email`.
    CustomerPossessive,
    /// `tell them`.
    ObjectPronoun,
    /// `if they decline`.
    SubjectPronoun,
    /// `their order`.
    PossessivePronoun,
    /// Who a conversation is handed to: `an agent`.
    Human,
    /// Words after a queue's name: `the billing team`.
    Team,
    /// Words that make a condition negative.
    Negation,
    /// Words skipped before an action's verb: `please`, `then`.
    Filler,
    /// Words that open a condition.
    ConditionOpener,
    /// Words that open context before an action: `Once the order is selected, …`.
    ContextOpener,
    /// `otherwise`, `else`.
    Otherwise,
    /// Words that open a yes/no question or check: `if`, `whether`.
    Whether,
    /// Verbs that ask the customer for something.
    AskVerb,
    /// Words between `ask` and what is asked for: `ask them to provide …`.
    AskLead,
    /// `confirm`.
    ConfirmVerb,
    /// Verbs that test a statement: `check if …`.
    CheckVerb,
    /// Verbs that tell the customer something.
    SayVerb,
    /// `thank`.
    ThankVerb,
    /// `apologise`.
    ApologiseVerb,
    /// Verbs that add a field to what the customer is told.
    ProvideVerb,
    /// Verbs that show a list.
    DisplayVerb,
    /// Verbs that hand a conversation to a person.
    HandOffVerb,
    /// Verbs that open a ticket.
    TicketVerb,
    /// What a ticket is called.
    TicketNoun,
    /// Verbs that end the conversation.
    EndVerb,
    /// Words that say the conversation is what ends.
    EndNoun,
    /// Verbs that move on or back to a step.
    MoveVerb,
    /// `on`, `to`, `back`: a move-verb that moves through the policy.
    MoveDirection,
    /// `offer`.
    OfferVerb,
    /// Words that make an offer a choice among several.
    OptionsNoun,
    /// `ensure`, `make`.
    EnsureVerb,
    /// Verbs of a phrase read by its reference (`use @tool`, `follow #Policy`).
    ReferenceVerb,
    /// Verbs a rule reads at the start of a phrase that do not start a new
    /// phrase after `and` (`skip`, `return`, `include` are ordinary words too).
    WeakVerb,
    /// Words that introduce a quoted or reported message: `saying`.
    Saying,
    /// Words that say a condition is about the retry: `still`.
    Still,
    /// Action verbs that may sit inside a condition without ending it.
    InCondition,
    /// Words that say a call did not succeed.
    Unsuccessful,
    /// `be`, `was`: the passive of what a call did.
    Passive,
    /// `says`, `answers`: how a customer's answer is reported.
    Replies,
    /// Words that say a lookup found nothing (after a negation).
    NotFoundWord,
    /// Words that say a lookup found nothing on their own.
    EmptyWord,
    /// Words that say a call failed.
    FailureWord,
    /// Past participles of what a call does (`could not be created`).
    DoneParticiple,
    /// Words that make a condition a bare answer when nothing else is said.
    BareAnswer,
    /// Stems of verbs that say how the customer answered (`accepts`).
    AnswerStem,
    /// Words that compare two values.
    Comparison,
    /// Words that ask for the same value again.
    AgainWord,
    /// Verbs that ask for the same value again: `re-enter`.
    RecheckVerb,
    /// Words asking a question about something: `why`, `which`.
    QuestionWord,
    /// Words that make a question a choice: `prefer`, `rather`.
    ChooseVerb,
    /// Small words a Title Case heading keeps in lowercase: `of`, `the`.
    TitleSmallWord,
    /// Words that carry no meaning when a field is looked up by name.
    Stopword,
    /// Words that open a quoted yes/no question: `Are you …?`
    QuestionOpener,
    /// Words naming an email address.
    EmailNoun,
    /// Words naming a date.
    DateNoun,
    /// Words naming a postal code.
    PostalNoun,
    /// Words that make a `name` something other than a person's.
    NotAPersonName,
    /// Words naming a number to ask for.
    QuantityNoun,
    /// Words naming a value on their own (`the order number and the email`).
    ValueNoun,
    /// Words of a count: `up to 3 times`.
    Counting,
    /// Words never used in a variable's name.
    NotAVariable,
    /// Participles that promise a hand-off: `will be transferred`.
    HandedOff,
    /// Words a message is sorry about: `about the delay`.
    Regrettable,
    /// Verbs that start what the customer is asked to do: `ask them to upload …`.
    PromptVerb,
    /// Things that are the customer's: `the order` → `your order`.
    CustomerThing,
    /// Verbs after `the customer` that make it the subject: `the customer is …`.
    SubjectVerb,
    /// Abbreviations dropped from messages.
    Abbreviation,
    /// Words after a status value that add nothing: `"Shipped" status`.
    CaseFiller,
    /// Words a condition shares with any question: `was`, `not`.
    AnswerFiller,
    /// Words saying a field holds a value.
    IsSetWord,
    /// Today.
    Today,
    /// Days.
    DayUnit,
    /// Date words that name no field.
    DateFiller,
    /// More than a count.
    MoreThan,
    /// Within a count.
    LessThan,
    /// Before a date.
    Earlier,
    /// After a date.
    Later,
    /// By a date.
    ByDate,
    /// Past a date.
    Late,
    /// Words saying a record exists.
    Exists,
    /// `has`, `have`.
    Have,
    /// `is`, `was`, `on`: a date that is today.
    IsOn,
}

/// One word class: its name, what it is for, and its words.
pub(crate) struct WordClass {
    /// The class.
    pub(crate) class: Class,
    /// What it is for, in the language reference.
    pub(crate) about: &'static str,
    /// Its words, lowercase.
    pub(crate) words: &'static [&'static str],
    /// Whether a word that starts with one of `words` is of the class.
    pub(crate) stems: bool,
}

const fn class(class: Class, about: &'static str, words: &'static [&'static str]) -> WordClass {
    WordClass {
        class,
        about,
        words,
        stems: false,
    }
}

/// Every class, in the order of [`Class`].
pub(crate) const CLASSES: &[WordClass] = &[
    class(
        Class::Customer,
        "the customer",
        &["user", "customer", "client", "shopper", "buyer"],
    ),
    class(
        Class::CustomerPossessive,
        "the customer's",
        &["user's", "customer's", "client's", "shopper's", "buyer's"],
    ),
    class(Class::ObjectPronoun, "them", &["them", "him", "her"]),
    class(Class::SubjectPronoun, "they", &["they", "he", "she"]),
    class(Class::PossessivePronoun, "their", &["their", "his", "her"]),
    class(
        Class::Human,
        "a person to hand over to",
        &[
            "agent",
            "agents",
            "human",
            "humans",
            "person",
            "representative",
            "rep",
            "support",
            "team",
            "specialist",
            "supervisor",
            "manager",
            "colleague",
            "staff",
            "someone",
            "operator",
            "queue",
            "tier",
        ],
    ),
    class(
        Class::Team,
        "after a queue's name",
        &["team", "queue", "department", "desk"],
    ),
    class(
        Class::Negation,
        "negation",
        &[
            "not", "no", "never", "n't", "didn't", "doesn't", "don't", "isn't", "wasn't", "aren't",
            "weren't", "hasn't", "haven't", "can't", "cannot", "won't", "declines", "declined",
            "refuses", "refused", "rejects", "rejected", "denies", "neither", "nope",
        ],
    ),
    class(
        Class::Filler,
        "filler before a verb",
        &[
            "please",
            "then",
            "also",
            "kindly",
            "simply",
            "first",
            "next",
            "finally",
            "immediately",
            "politely",
            "now",
            "and",
            "or",
            "just",
            "always",
            "afterwards",
            "we",
            "you",
            "should",
            "must",
            "will",
            "to",
        ],
    ),
    class(
        Class::ConditionOpener,
        "opens a condition",
        &["if", "when", "whenever", "otherwise", "else", "unless"],
    ),
    class(
        Class::ContextOpener,
        "opens context before an action",
        &[
            "for", "once", "after", "before", "having", "with", "now", "at",
        ],
    ),
    class(Class::Otherwise, "otherwise", &["otherwise", "else"]),
    class(
        Class::Whether,
        "opens a yes/no question",
        &["if", "whether"],
    ),
    class(
        Class::AskVerb,
        "ask for a value",
        &[
            "ask", "request", "prompt", "collect", "obtain", "gather", "asking", "get",
        ],
    ),
    class(
        Class::AskLead,
        "between `ask` and what is asked for",
        &[
            "for", "to", "provide", "enter", "share", "give", "type", "send", "supply", "re-enter",
            "once", "more", "with",
        ],
    ),
    class(Class::ConfirmVerb, "confirm", &["confirm"]),
    class(
        Class::CheckVerb,
        "test a statement",
        &["check", "verify", "determine", "see"],
    ),
    class(
        Class::SayVerb,
        "tell the customer",
        &[
            "inform",
            "tell",
            "notify",
            "explain",
            "advise",
            "remind",
            "say",
            "reply",
            "respond",
            "informing",
            "telling",
            "let",
            "send",
            "share",
            "reiterate",
        ],
    ),
    class(Class::ThankVerb, "thank", &["thank"]),
    class(
        Class::ApologiseVerb,
        "apologise",
        &["apologize", "apologise"],
    ),
    class(
        Class::ProvideVerb,
        "give a value",
        &["provide", "providing", "give", "include"],
    ),
    class(
        Class::DisplayVerb,
        "show a list",
        &["display", "show", "list", "present"],
    ),
    class(
        Class::HandOffVerb,
        "hand over to a person",
        &[
            "route",
            "transfer",
            "escalate",
            "hand",
            "pass",
            "forward",
            "assign",
            "refer",
            "routing",
            "transferring",
            "escalating",
        ],
    ),
    class(
        Class::TicketVerb,
        "open a ticket",
        &["create", "open", "raise", "file", "log"],
    ),
    class(Class::TicketNoun, "a ticket", &["ticket", "case", "claim"]),
    class(
        Class::EndVerb,
        "end the conversation",
        &["end", "close", "stop", "finish", "resolve", "mark"],
    ),
    class(
        Class::EndNoun,
        "what ends",
        &[
            "conversation",
            "chat",
            "session",
            "ticket",
            "case",
            "here",
            "there",
            "resolved",
            "flow",
            "policy",
        ],
    ),
    class(
        Class::MoveVerb,
        "move to another step",
        &[
            "continue", "proceed", "go", "move", "skip", "jump", "return",
        ],
    ),
    class(
        Class::MoveDirection,
        "where a move goes",
        &["on", "to", "ahead", "forward", "back", "with"],
    ),
    class(Class::OfferVerb, "offer", &["offer"]),
    class(
        Class::OptionsNoun,
        "several things offered",
        &["options", "alternatives", "choices", "offers"],
    ),
    class(Class::EnsureVerb, "make sure", &["ensure", "make"]),
    class(
        Class::ReferenceVerb,
        "a verb read by its @tool or #Policy",
        &[
            "use",
            "call",
            "run",
            "invoke",
            "retrieve",
            "retrieving",
            "fetch",
            "look",
            "get",
            "apply",
            "query",
            "pull",
            "load",
            "find",
            "search",
            "read",
            "follow",
            "switch",
        ],
    ),
    class(
        Class::WeakVerb,
        "a verb that does not start a new phrase after `and`",
        &[
            "determine",
            "see",
            "include",
            "skip",
            "jump",
            "return",
            "make",
        ],
    ),
    class(
        Class::Saying,
        "introduces what is said",
        &["saying", "stating", "confirming", "explaining"],
    ),
    class(Class::Still, "again", &["still", "again"]),
    class(
        Class::InCondition,
        "verbs that do not end a condition",
        &["check", "confirm", "verify", "get", "open", "list", "show"],
    ),
    class(
        Class::Unsuccessful,
        "did not succeed",
        &["unsuccessful", "fails", "failed"],
    ),
    class(
        Class::Passive,
        "the passive of a call's result",
        &["be", "been", "get", "was", "wasn't", "is", "isn't"],
    ),
    class(
        Class::Replies,
        "reports an answer",
        &["says", "answers", "replies"],
    ),
    class(
        Class::NotFoundWord,
        "found (after a negation)",
        &[
            "found",
            "exist",
            "exists",
            "located",
            "recognized",
            "recognised",
            "registered",
            "returned",
            "match",
            "matches",
            "matched",
        ],
    ),
    class(
        Class::EmptyWord,
        "nothing found",
        &["invalid", "unknown", "empty"],
    ),
    class(
        Class::FailureWord,
        "a failure",
        &[
            "fails",
            "failed",
            "fail",
            "error",
            "errors",
            "unavailable",
            "down",
            "timeout",
            "timeouts",
        ],
    ),
    class(
        Class::DoneParticiple,
        "what a call did",
        &[
            "created",
            "updated",
            "cancelled",
            "canceled",
            "applied",
            "processed",
            "saved",
            "sent",
            "completed",
            "added",
            "changed",
            "issued",
            "refunded",
            "submitted",
            "placed",
        ],
    ),
    class(
        Class::BareAnswer,
        "a bare answer",
        &[
            "yes",
            "so",
            "no",
            "not",
            "confirmed",
            "confirms",
            "agrees",
            "agreed",
            "accepts",
            "accepted",
            "declines",
            "declined",
            "refuses",
            "rejects",
            "ok",
            "okay",
            "does",
            "doesn't",
            "do",
            "don't",
            "is",
            "isn't",
            "was",
            "wasn't",
            "nope",
            "yep",
            "yeah",
        ],
    ),
    WordClass {
        class: Class::AnswerStem,
        about: "how the customer answered",
        words: &[
            "accept",
            "agree",
            "confirm",
            "decline",
            "refuse",
            "reject",
            "approve",
            "want",
            "interested",
            "choose",
            "chose",
            "keep",
            "prefer",
            "like",
            "yes",
            "no",
            "ok",
            "okay",
        ],
        stems: true,
    },
    class(
        Class::Comparison,
        "compares two values",
        &["match", "matches", "equal", "equals", "same"],
    ),
    class(
        Class::AgainWord,
        "asks for a value again",
        &["valid", "again", "another", "correct", "different"],
    ),
    class(
        Class::RecheckVerb,
        "asks to give a value again",
        &["re-enter", "double-check", "re-check", "recheck", "retype"],
    ),
    class(
        Class::QuestionWord,
        "a question word",
        &["why", "how", "what", "which", "when", "where", "who"],
    ),
    class(
        Class::ChooseVerb,
        "makes a question a choice",
        &[
            "prefer", "prefers", "rather", "want", "wants", "like", "choose", "chooses", "pick",
        ],
    ),
    class(
        Class::TitleSmallWord,
        "lowercase in a Title Case heading",
        &[
            "a", "an", "the", "of", "and", "or", "to", "for", "in", "on", "with", "by", "at",
        ],
    ),
    class(
        Class::Stopword,
        "ignored when a field is looked up by name",
        &[
            "the",
            "a",
            "an",
            "of",
            "for",
            "to",
            "their",
            "your",
            "user's",
            "customer's",
            "its",
            "and",
            "with",
            "that",
            "this",
            "is",
            "was",
            "be",
            "on",
            "in",
            "user",
            "customer",
            "them",
            "his",
            "her",
            "any",
            "some",
            "new",
            "current",
            "relevant",
            "selected",
            "specific",
        ],
    ),
    class(
        Class::QuestionOpener,
        "opens a yes/no question",
        &[
            "are", "is", "do", "does", "did", "can", "could", "would", "will", "have", "has",
            "should", "shall", "may", "was", "were",
        ],
    ),
    class(Class::EmailNoun, "an email address", &["email", "e-mail"]),
    class(Class::DateNoun, "a date", &["date", "when"]),
    class(Class::PostalNoun, "a postal code", &["zip", "postcode"]),
    class(
        Class::NotAPersonName,
        "a name that is not a person's",
        &["product", "item", "company"],
    ),
    class(
        Class::QuantityNoun,
        "a quantity",
        &["amount", "quantity", "many", "count"],
    ),
    class(
        Class::ValueNoun,
        "a value asked for",
        &[
            "email", "e-mail", "number", "id", "name", "zip", "postcode", "phone", "address",
            "date", "code", "reason",
        ],
    ),
    class(
        Class::Counting,
        "a count",
        &[
            "times", "time", "more", "most", "up", "once", "twice", "thrice", "one", "two",
            "three", "four", "five",
        ],
    ),
    class(
        Class::NotAVariable,
        "not in a variable name",
        &[
            "they", "would", "like", "was", "were", "is", "are", "if", "whether", "e.g.", "you",
            "please", "want", "wants", "placed", "on", "for",
        ],
    ),
    class(
        Class::HandedOff,
        "promises a hand-off",
        &[
            "transferred",
            "routed",
            "escalated",
            "handed",
            "passed",
            "forwarded",
        ],
    ),
    class(
        Class::Regrettable,
        "something to be sorry about",
        &[
            "delay",
            "delays",
            "issue",
            "problem",
            "inconvenience",
            "error",
            "mistake",
        ],
    ),
    class(
        Class::PromptVerb,
        "the customer is asked to do",
        &[
            "upload", "describe", "explain", "tell", "send", "attach", "take", "list", "confirm",
            "check", "choose", "pick", "select", "spell", "type", "write", "briefly", "please",
            "re-enter",
        ],
    ),
    class(
        Class::CustomerThing,
        "the customer's own",
        &[
            "request",
            "inquiry",
            "case",
            "order",
            "account",
            "package",
            "parcel",
            "shipment",
            "refund",
            "subscription",
            "delivery",
            "coupon",
        ],
    ),
    class(
        Class::SubjectVerb,
        "after the customer as subject",
        &[
            "is", "was", "has", "will", "can", "should", "wants", "needs", "would",
        ],
    ),
    class(
        Class::Abbreviation,
        "dropped from messages",
        &["e.g.", "etc"],
    ),
    class(
        Class::CaseFiller,
        "filler after a status value",
        &[
            "the",
            "status",
            "state",
            "is",
            "was",
            "are",
            "has",
            "have",
            "been",
            "its",
            "it",
            "order",
            "orders",
            "or",
            "and",
            "either",
            "of",
            "current",
            "set",
            "to",
            "marked",
            "as",
            "shows",
            "says",
            "reads",
            "in",
            "a",
            "an",
            "still",
            "already",
            "field",
            "value",
            "customer's",
            "their",
            "his",
            "her",
            "user's",
            "should",
            "be",
            "for",
            "this",
            "that",
            "one",
            "these",
            "those",
            "order's",
            "currently",
            "now",
            "if",
            "when",
            "whenever",
            "case",
            "cases",
            "where",
        ],
    ),
    class(
        Class::AnswerFiller,
        "shared with any question",
        &[
            "not", "no", "was", "were", "is", "are", "did", "does", "has", "have",
        ],
    ),
    class(
        Class::IsSetWord,
        "a field is set",
        &["set", "present", "available", "known", "provided"],
    ),
    class(Class::Today, "today", &["today", "now"]),
    class(Class::DayUnit, "days", &["days", "day"]),
    class(
        Class::DateFiller,
        "not a field",
        &["today", "now", "days", "day", "ago"],
    ),
    class(
        Class::MoreThan,
        "more than",
        &["more", "over", "older", "longer", "beyond", "after", "past"],
    ),
    class(
        Class::LessThan,
        "within",
        &["within", "less", "under", "fewer", "last", "recent"],
    ),
    class(Class::Earlier, "before", &["before", "earlier"]),
    class(Class::Later, "after", &["after", "later"]),
    class(
        Class::ByDate,
        "by a date",
        &["within", "before", "by", "on"],
    ),
    class(
        Class::Late,
        "past a date",
        &[
            "past", "after", "beyond", "passed", "exceeded", "overdue", "late", "later",
        ],
    ),
    class(
        Class::Exists,
        "exists",
        &["exists", "exist", "registered", "valid", "found"],
    ),
    class(Class::Have, "has", &["has", "have"]),
    class(Class::IsOn, "is", &["is", "was", "on"]),
];

/// The classes of a word, as a set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tags(u128);

impl Tags {
    /// Whether the word is of `class`.
    pub(crate) fn has(self, class: Class) -> bool {
        self.0 & (1 << class as u128) != 0
    }
}

/// The classes of a lowercase word.
pub(crate) fn tag(lower: &str) -> Tags {
    let mut tags = index().get(lower).copied().unwrap_or_default().0;
    for entry in CLASSES.iter().filter(|entry| entry.stems) {
        if entry.words.iter().any(|stem| lower.starts_with(stem)) {
            tags |= 1 << entry.class as u128;
        }
    }
    Tags(tags)
}

/// Every whole word of the table with its classes, built once.
fn index() -> &'static BTreeMap<&'static str, Tags> {
    static INDEX: OnceLock<BTreeMap<&'static str, Tags>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: BTreeMap<&'static str, Tags> = BTreeMap::new();
        for entry in CLASSES.iter().filter(|entry| !entry.stems) {
            for word in entry.words {
                index.entry(word).or_default().0 |= 1 << entry.class as u128;
            }
        }
        index
    })
}

/// Whether a plain lowercase word is of `class` (for rules that compare a
/// word, not a token).
pub(crate) fn is(word: &str, class: Class) -> bool {
    CLASSES.get(class as usize).is_some_and(|entry| {
        if entry.stems {
            entry.words.iter().any(|stem| word.starts_with(stem))
        } else {
            entry.words.contains(&word)
        }
    })
}

/// The verb classes whose verbs start an action phrase.
const PHRASE_VERB_CLASSES: &[Class] = &[
    Class::AskVerb,
    Class::ConfirmVerb,
    Class::CheckVerb,
    Class::SayVerb,
    Class::ThankVerb,
    Class::ApologiseVerb,
    Class::ProvideVerb,
    Class::DisplayVerb,
    Class::HandOffVerb,
    Class::TicketVerb,
    Class::EndVerb,
    Class::MoveVerb,
    Class::OfferVerb,
    Class::EnsureVerb,
    Class::ReferenceVerb,
];

impl Tags {
    /// Whether the word is a verb that starts an action phrase: a verb some
    /// rule reads, unless it is a [`Class::WeakVerb`].
    pub(crate) fn is_phrase_verb(self) -> bool {
        !self.has(Class::WeakVerb) && PHRASE_VERB_CLASSES.iter().any(|class| self.has(*class))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_listed_in_order_and_fit_the_tag_set() {
        for (index, entry) in CLASSES.iter().enumerate() {
            assert_eq!(entry.class as usize, index, "{:?}", entry.class);
        }
        assert!(CLASSES.len() <= 128);
    }

    #[test]
    fn words_are_lowercase_and_not_repeated_within_a_class() {
        for entry in CLASSES {
            for (index, word) in entry.words.iter().enumerate() {
                assert_eq!(*word, word.to_lowercase(), "{:?}", entry.class);
                assert!(
                    !entry.words[..index].contains(word),
                    "{word} twice in {:?}",
                    entry.class
                );
            }
        }
    }

    #[test]
    fn tagging_reads_the_table() {
        assert!(tag("customer").has(Class::Customer));
        assert!(tag("declined").has(Class::Negation));
        assert!(tag("accepts").has(Class::AnswerStem));
        assert!(!tag("order").has(Class::Customer));
        assert!(tag("route").is_phrase_verb());
        assert!(!tag("return").is_phrase_verb());
        assert!(!tag("order").is_phrase_verb());
    }
}
