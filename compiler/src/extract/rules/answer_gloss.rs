//! `Yes – still missing: …`, `No to the extension: …`: a yes or no with
//! words that restate it.

use super::{ConditionRule, Example};
use crate::extract::condition::{Condition, ConditionWords};
use crate::extract::lexicon::Class;

/// `Yes – <gloss>` or `Yes/No to <what was asked>` answers the nearest
/// question with that yes or no; the words after it only restate the answer
/// (they stay in the step's condition wording, never a second test).
pub(crate) const RULE: ConditionRule = ConditionRule {
    name: "answer-gloss",
    shape: "Yes – <what that means>: … · No to <what was asked>: …",
    about: "`Yes – still missing: …`, `No to the extension: …`: a yes or no followed by a dash or `to` and a restatement answers the nearest question with that yes or no, like a bare `Yes:`. The restatement is kept as the condition's wording in the listing; it is not tested (words after the dash that start an action are the action: `No – leave the order as it is`).",
    read,
    examples: &[Example {
        text: "Ask whether the parcel arrived damaged.\n   - Yes – it is broken: open a ticket for the warehouse team.\n   - No to the damage: end the conversation as not damaged.",
        compiles_to: r#"[ok] ask yes/no -> $parcel_arrived_damaged: "Can you confirm that your parcel arrived damaged?"
[yes] escalate ticket to agent: "the warehouse team (the customer answered yes to \"Can you confirm that your parcel arrived damaged?\")"
[no] end not_damaged"#,
    }],
};

fn read(condition: &ConditionWords<'_>) -> Option<Condition> {
    let first = condition.body.first()?;
    let second = condition.body.get(1)?;
    if !first.is_a(Class::YesOrNo)
        || first.is_any(&["ok", "okay"])
        || !(second.is_punct('-') || second.is("to"))
    {
        return None;
    }
    // `No to the extension` is a no; negation words in the gloss restate it
    // (`Yes – not arrived` is still a yes).
    Some(Condition::Answer {
        yes: first.is("yes"),
        words: Vec::new(),
    })
}
