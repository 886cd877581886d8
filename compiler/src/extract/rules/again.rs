//! `Look it up again`, `try it once more`: the lookup a retry repeats.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, written};

/// `Look it up again / once more / one more time / a second time` (or try,
/// run, search, check … it): after asking for the value again, the lookup
/// runs again, which the retry already does; anywhere else it is an error.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "again",
    shape: "Look it up again · Try it once more · Check it a second time",
    about: "`Look it up again`, `try it once more`, `run the search one more time`, `check it a second time` (a verb of the `RepeatVerb` class, then only pronouns, the lookup's own words and a repetition: `again`, `once more`, `one more time`, `a second time`) repeat the lookup. Right after asking for the value again (`ask them to check the address and look it up once more`), that is what the retry does already: the words are kept as a note of the step. Anywhere else they are an error: write the retry (`ask for it again`).",
    read,
    examples: &[Example {
        text: "If the order is not found, ask them to double-check the number and look it up once more.",
        compiles_to: r#"note "look it up once more"
[not found] retry counter reference:6.retry at most 1
[again] ask one item of $orders -> $order: "I couldn't find anything for that number. Could you check it and share it again?""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    if !phrase.verb_is(Class::RepeatVerb) {
        return None;
    }
    let words: Vec<&str> = body.iter().filter_map(|t| t.word()).collect();
    let repeated = words.contains(&"again")
        || words.windows(2).any(|pair| pair == ["once", "more"])
        || words
            .windows(3)
            .any(|triple| triple == ["one", "more", "time"])
        || words
            .windows(3)
            .any(|triple| triple == ["a", "second", "time"])
        || words.windows(2).any(|pair| pair == ["another", "time"]);
    // Nothing but pronouns, particles and the repetition after the verb: a
    // phrase saying more (`check the order again`) is another rule's.
    let only_repetition = body[1..].iter().all(|t| match &t.kind {
        Tok::Word { .. } => t.is_a(Class::RepeatFiller),
        _ => false,
    });
    (repeated && only_repetition).then(|| Action::Again {
        text: written(body),
    })
}
