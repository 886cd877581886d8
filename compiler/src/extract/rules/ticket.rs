//! `Create a ticket`: a hand-off as a ticket.

use super::{ActionRule, Example, Phrase, reason_after_for, reason_after_target};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;

/// `Create / open / raise / file / log a ticket (case, claim) [for <reason>]`
/// hands off as a ticket.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "ticket",
    shape: "Create a ticket [for <reason>]",
    about: "`Create / open / raise / file / log a ticket (case, claim) [for <reason>]` hands off as a ticket.",
    read,
    examples: &[Example {
        text: "Open a ticket for the warehouse team.",
        compiles_to: r#"[ok] escalate ticket to agent: "the warehouse team (policy step 6)""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let rest = phrase.rest();
    (phrase.verb_is(Class::TicketVerb) && rest.iter().any(|t| t.is_a(Class::TicketNoun))).then(
        || Action::Escalate {
            reason: reason_after_for(rest).or_else(|| reason_after_target(rest)),
            queue: None,
            ticket: true,
        },
    )
}
