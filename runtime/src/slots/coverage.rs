//! An option chosen by covering its label: the reply holds every word of
//! one label and of no other ("I want to change items in an order I
//! placed" covers "Modify the items of an order").

use super::{Words, stem};

/// Verbs a label may use for the same change ("change the items" asks
/// for "Modify the items of an order").
const SAME_CHANGE: &[&str] = &["change", "modify", "update", "edit", "amend", "alter"];

/// Small words a label's coverage leaves out ("of", "an", "my").
const LABEL_FILLER: &[&str] = &[
    "the", "a", "an", "of", "my", "for", "with", "and", "or", "to", "from", "about", "in", "on",
    "your", "our",
];

/// The one label every word of which the reply holds, by stem, a verb of
/// [`SAME_CHANGE`] counting for another ("I want to change items in an
/// order I placed" covers "Modify the items of an order", and no other
/// label of "What would you like to do?"); `None` when none or several do.
pub(super) fn covered_label(words: &Words, labels: &[Words]) -> Option<usize> {
    let is_change = |word: &str| SAME_CHANGE.iter().any(|verb| stem(verb) == stem(word));
    let holds = |label_word: &str| {
        words.iter().any(|word| {
            stem(word) == stem(label_word) || (is_change(word) && is_change(label_word))
        })
    };
    let mut covered = labels.iter().enumerate().filter(|(_, label)| {
        let mut content = label
            .iter()
            .filter(|word| !LABEL_FILLER.contains(word))
            .peekable();
        content.peek().is_some() && content.all(holds)
    });
    match (covered.next(), covered.next()) {
        (Some((only, _)), None) => Some(only),
        _ => None,
    }
}
