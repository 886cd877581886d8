//! Handing the conversation to a person: `Route to an agent`.

use super::{ActionRule, Example, Phrase, reason_after_for, reason_after_target, skip_while};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, Token};

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
        Example {
            text: "Hand to pharmacy billing.",
            compiles_to: r#"[ok] escalate hand-off to agent: "pharmacy billing (policy step 6)""#,
        },
        Example {
            text: "Transfer them.",
            compiles_to: r#"[ok] escalate hand-off to agent: "policy step 6""#,
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
    // `Hand to pharmacy billing`, `transfer the chat to Trust & Safety`,
    // `transfer them`, `transfer the conversation to them`: a hand, a
    // transfer or a pass of the conversation goes to a person whoever is
    // named, unless what it goes to is a place in the policy (`pass to
    // step 3`), which is no hand-off.
    let handed_to = handed_to(body);
    if !to_human && !escalates && !handed_over && !handed_to {
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
    let reason = reason_after_for(body).or_else(|| reason_after_target(body));
    // Who it goes to, when no word of the lexicon names them (`hand to
    // pharmacy billing`): carried as the reason, never dropped.
    let reason = reason.or_else(|| {
        (!to_human && queue.is_none())
            .then(|| named_target(body))
            .flatten()
    });
    Some(Action::Escalate {
        reason,
        queue,
        ticket: body.iter().any(|t| t.is("ticket")),
    })
}

/// The words that may stand between a hand-off verb and `to`: what is
/// handed over (`the chat`, `them`, `the customer`).
fn handed_object(token: &Token) -> bool {
    token.is_any(&[
        "the",
        "this",
        "chat",
        "conversation",
        "call",
        "customer",
        "it",
        "over",
        "off",
    ]) || token.is_a(Class::Customer)
        || token.is_a(Class::ObjectPronoun)
}

/// `hand / transfer / pass [the chat | them] [to <whoever>]`: the
/// conversation handed on, to a person or team named in any words; `false`
/// when it goes to a place in the policy (`pass to step 3`, `to #Returns`)
/// or nothing is handed (`pass the order id to …`).
fn handed_to(body: &[Token]) -> bool {
    if !body
        .first()
        .is_some_and(|verb| verb.is_any(&["hand", "transfer", "pass"]))
    {
        return false;
    }
    let rest = &body[1..];
    let object = rest.iter().take_while(|t| handed_object(t)).count();
    let after = &rest[object..];
    let words_after = after.iter().filter(|t| t.word().is_some()).count();
    // `transfer them`, `transfer the conversation`.
    if words_after == 0 {
        return object > 0
            && after
                .iter()
                .all(|t| !matches!(t.kind, Tok::Tool { .. } | Tok::Var(_) | Tok::Policy(_)));
    }
    if !after.first().is_some_and(|t| t.is("to")) {
        return false;
    }
    let target: Vec<&Token> = after[1..]
        .iter()
        .skip_while(|t| t.is_any(&["the", "a", "an"]))
        .collect();
    let place = target.first().is_none_or(|t| {
        t.word().is_none()
            || t.is_any(&[
                "step",
                "steps",
                "section",
                "stage",
                "part",
                "top",
                "start",
                "beginning",
                "next",
                "previous",
            ])
    });
    !place
        && !after.iter().any(|t| {
            matches!(
                t.kind,
                Tok::Tool { .. } | Tok::Var(_) | Tok::Policy(_) | Tok::Number(_)
            )
        })
}

/// The words after `to` in a hand-off that names no person of the
/// lexicon (`to pharmacy billing` → `pharmacy billing`).
fn named_target(body: &[Token]) -> Option<String> {
    let to = body.iter().position(|t| t.is("to"))?;
    let rest = skip_while(&body[to + 1..], |t| t.is_any(&["the", "a", "an"]));
    if rest.iter().all(|t| t.word().is_none())
        || rest.first().is_some_and(|t| t.is_a(Class::ObjectPronoun))
    {
        return None;
    }
    let reason = crate::extract::tokens::written(rest);
    let reason = reason.trim_end_matches(['.', ' ']).to_string();
    (!reason.is_empty()).then_some(reason)
}
