//! The lexicon: every word class the extraction rules read, in one place.
//!
//! A rule never spells out a list of words: it asks whether a token is of a
//! class (`token.is_a(Class::Customer)`). Each token is tagged with its
//! classes once, when the text is cut into tokens ([`tag`]). A new synonym
//! is one word added to one class here; the language reference
//! (`docs/policy-language.md`) lists the classes from this table.

mod conditions;
mod people;
mod phrasing;
mod values;
mod verbs;

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
    /// An acknowledgement that asks for nothing: `fine`, `all good`.
    Acknowledgement,
    /// Verbs that repeat a lookup: `look it up again`, `try it once more`.
    RepeatVerb,
    /// What may follow a repeat verb: pronouns, particles, the repetition.
    RepeatFiller,
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
    /// Words that open a statement, not an instruction: `the`, `it`, `already`.
    DeclarativeOpener,
    /// Words right after an instruction's verb: `the`, `them`, `up`.
    AfterVerb,
    /// Words that open a prohibition: `never`, `don't`.
    Prohibition,
    /// Auxiliaries and modals: a sentence with one states something.
    Auxiliary,
    /// `turn` (`turns it down` declines).
    TurnVerb,
    /// Words saying a call or lookup succeeded: `found`, `done`.
    SuccessWord,
    /// Words of a list the customer picks from: `not in the list`.
    ListWord,
    /// `yes`, `no`, `ok`: answers in a word.
    YesOrNo,
    /// Words of `ask them to confirm (with a clear yes)` that ask nothing
    /// more than the read-back before them.
    ConfirmFiller,
    /// `set $refund to …`.
    SetVerb,
    /// `add $item to $items`.
    AddVerb,
    /// `the sum of $items.price`.
    SumWord,
    /// `the number of $items`.
    CountWord,
    /// `nothing`, `an empty list`.
    NothingWord,
    /// `$a plus $b`.
    PlusWord,
    /// `$a minus $b`.
    MinusWord,
    /// `more than`, `above`.
    Greater,
    /// `less than`, `below`.
    Smaller,
    /// `the`, `of`, `list`: nothing in a value.
    ValueFiller,
    /// `at least`.
    Least,
    /// `at most`.
    Most,
    /// Verbs that suggest something to the customer: `suggest`, `recommend`.
    SuggestVerb,
    /// Nouns for a field that conditions compare: `status`, `state`.
    StatusNoun,
}

impl Class {
    /// The last class declared (for the test that every class has words).
    #[cfg(test)]
    const LAST: Class = Class::StatusNoun;
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

pub(super) const fn class(
    class: Class,
    about: &'static str,
    words: &'static [&'static str],
) -> WordClass {
    WordClass {
        class,
        about,
        words,
        stems: false,
    }
}

/// Every class, in the order of [`Class`].
/// The parts of the lexicon, one table each.
const TABLES: &[&[WordClass]] = &[
    people::CLASSES,
    verbs::CLASSES,
    conditions::CLASSES,
    phrasing::CLASSES,
    values::CLASSES,
];

/// Every word class, part by part.
pub(crate) fn classes() -> impl Iterator<Item = &'static WordClass> {
    TABLES.iter().flat_map(|table| table.iter())
}

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
    for entry in classes().filter(|entry| entry.stems) {
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
        for entry in classes().filter(|entry| !entry.stems) {
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
    tag(word).has(class)
}

/// The verb classes whose verbs start an action phrase.
const PHRASE_VERB_CLASSES: &[Class] = &[
    Class::AskVerb,
    Class::ConfirmVerb,
    Class::CheckVerb,
    Class::SayVerb,
    Class::SuggestVerb,
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
    fn every_class_is_listed_once_and_fits_the_tag_set() {
        let listed: Vec<Class> = classes().map(|entry| entry.class).collect();
        for (index, class) in listed.iter().enumerate() {
            assert!(
                !listed[..index].contains(class),
                "{class:?} is listed twice"
            );
        }
        // Every variant, up to the last one declared, has its table entry.
        assert_eq!(listed.len(), Class::LAST as usize + 1);
        assert!(listed.len() <= 128);
    }

    #[test]
    fn words_are_lowercase_and_not_repeated_within_a_class() {
        for entry in classes() {
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
