//! Words about phrasing: filler, question words, value nouns and message wording.

use super::{Class, WordClass, class};

/// The classes of this part of the lexicon.
pub(super) const CLASSES: &[WordClass] = &[
    class(
        Class::QuestionWord,
        "a question word",
        &["why", "how", "what", "which", "when", "where", "who"],
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
        Class::Abbreviation,
        "dropped from messages",
        &["e.g.", "etc"],
    ),
];
