//! Handing the conversation to a person: `Route to an agent`.

use super::{ActionRule, Example, Phrase, reason_after_for, reason_after_target};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::Tok;

/// `Route / transfer / escalate … to <a person>` hands off to a person.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "hand-off",
    shape: "Route [the conversation] to an agent [for <reason>] · → agent",
    about: "`Route / transfer / escalate / hand over / pass … to <a person>` hands off to a person (any word of the `Human` class: an agent, a human, support, a specialist, …); after `hand off to` / `hand over to`, whoever is named (`hand off to reservations`). `… to the billing team` names the queue; `… for <reason>` is the reason the agent reads, and so is whatever follows who it goes to (`an agent who can contact the carrier`, `… so they can refund it by hand`): carried, never dropped; `… or create a ticket` makes the hand-off a ticket. The person alone, after an arrow (`Yes → agent`), hands off too.",
    read,
    examples: &[
        Example {
            text: "Route to an agent for further investigation.",
            compiles_to: r#"[ok] escalate hand-off to agent: "further investigation (policy step 6)""#,
        },
        Example {
            text: "Transfer the chat to the billing team.",
            compiles_to: r#"[ok] escalate hand-off to billing: "policy step 6""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    // `Yes → agent.`, `→ a human agent`: the person alone, after an arrow.
    let person_alone = body.iter().any(|t| t.is_a(Class::Human))
        && body.iter().filter(|t| t.word().is_some()).count() <= 3
        && body.iter().all(|t| {
            t.is_any(&["a", "an", "the"])
                || t.is_a(Class::Human)
                || t.is_a(Class::Team)
                || t.word().is_none()
                    && !matches!(
                        t.kind,
                        Tok::Tool { .. } | Tok::Var(_) | Tok::Literal(_) | Tok::Policy(_)
                    )
        });
    if person_alone {
        return Some(Action::Escalate {
            reason: None,
            queue: None,
            ticket: false,
        });
    }
    if !phrase.verb_is(Class::HandOffVerb) {
        return None;
    }
    let to_human = body.iter().any(|t| t.is_a(Class::Human));
    let escalates = phrase
        .verb()
        .and_then(|verb| verb.word())
        .is_some_and(|word| word.starts_with("escalat"));
    // `hand off / hand over to reservations`: whoever it is handed to is a
    // person, named or not.
    let handed_over = body.first().is_some_and(|t| t.is("hand"))
        && body.get(1).is_some_and(|t| t.is_any(&["off", "over"]))
        && body.get(2).is_some_and(|t| t.is("to"));
    if !to_human && !escalates && !handed_over {
        return None;
    }
    let queue = body
        .windows(3)
        .find_map(|window| match (&window[0], &window[1], &window[2]) {
            (to, the, name)
                if to.is("to")
                    && the.is("the")
                    && name.word().is_some()
                    && !name.is_a(Class::Human) =>
            {
                let next_is_team = body
                    .iter()
                    .skip_while(|t| t.span != name.span)
                    .nth(1)
                    .is_some_and(|t| t.is_a(Class::Team));
                next_is_team.then(|| name.word().unwrap_or_default().to_string())
            }
            _ => None,
        });
    Some(Action::Escalate {
        reason: reason_after_for(body).or_else(|| reason_after_target(body)),
        queue,
        ticket: body.iter().any(|t| t.is("ticket")),
    })
}
