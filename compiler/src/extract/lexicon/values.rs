//! Computed values and comparisons: `set $refund to the sum of
//! $items.price`, `add $item to $items`, `if $difference is more than
//! $card.balance`. The two verbs do not start a new phrase after `and`
//! (`… and set expectations` stays one phrase): a computation is a
//! sentence of its own.

use super::{Class, WordClass, class};

/// The classes of this part of the lexicon.
pub(super) const CLASSES: &[WordClass] = &[
    class(
        Class::SetVerb,
        "set a variable to a computed value",
        &["set", "compute", "calculate", "remember"],
    ),
    class(
        Class::AddVerb,
        "add an item to a list variable",
        &["add", "append"],
    ),
    class(Class::SumWord, "the sum of a list", &["sum", "total"]),
    class(
        Class::CountWord,
        "how many items a list holds",
        &["number", "count"],
    ),
    class(
        Class::NothingWord,
        "no value: an empty list",
        &["nothing", "empty"],
    ),
    class(Class::PlusWord, "adds two values", &["plus"]),
    class(Class::MinusWord, "subtracts a value", &["minus"]),
    class(
        Class::Greater,
        "is greater than",
        &[
            "more", "greater", "higher", "larger", "bigger", "above", "over", "exceeds", "exceed",
        ],
    ),
    class(
        Class::Smaller,
        "is less than",
        &["less", "lower", "smaller", "below", "under", "fewer"],
    ),
    class(
        Class::ValueFiller,
        "words around a value that carry nothing",
        &[
            "the", "a", "an", "of", "list", "is", "are", "be", "than", "to", "all",
        ],
    ),
    class(Class::Least, "at least", &["least"]),
    class(Class::Most, "at most", &["most"]),
];
