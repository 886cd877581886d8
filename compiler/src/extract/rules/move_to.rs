//! Moving through the policy: `Continue with the next step`, `Go to step 9`,
//! `Go back to step 4, at most 3 times`.

use super::{ActionRule, Example, Phrase, times_limit};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, Token};

/// `Continue / proceed [with the next step]` goes on after the condition it is
/// in; `Go to step N` jumps to step N; `Go back to step N, at most K times`
/// repeats from step N at most K times, then goes on.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "move",
    shape: "Continue with the next step · Go to step N · Go back to step N, at most K times",
    about: "`Continue / proceed / carry on / keep going [with the next step]` goes on after the condition it is in; `Go (straight) to step N` (or `section N`) jumps to it; `Go back to step N, at most K times` repeats from step N at most K times, then goes on. A move-verb that is not about moving (`move the delivery date`) is left to other rules.",
    read,
    examples: &[Example {
        text: "Go back to step 4, at most 2 times.",
        compiles_to: r#"[ok] retry counter reference:6.retry at most 2
[again] goto #reference at section "step 4""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    if !phrase.verb_is(Class::MoveVerb) {
        return None;
    }
    let rest = phrase.rest();
    let words: Vec<&str> = rest.iter().filter_map(|t| t.word()).collect();
    if words.contains(&"policy") {
        return None;
    }
    // `keep` and `carry` move only `on` / `going`: `keep the subscription`
    // is not a move.
    let verb = phrase.verb();
    if verb.is_some_and(|verb| verb.is("keep") || verb.is("carry"))
        && !rest
            .first()
            .is_some_and(|t| t.is("on") || t.is("going") || t.is("ahead"))
    {
        return None;
    }
    // `move the next charge date` is not `move on`.
    let onward = phrase
        .verb()
        .is_some_and(|verb| verb.is("continue") || verb.is("proceed"))
        || words.is_empty()
        || rest.first().is_some_and(|t| t.is_a(Class::MoveDirection));
    if !onward {
        return None;
    }
    let step = step_named(rest);
    match (step, times_limit(rest)) {
        (Some(step), Some(limit)) => Some(Action::Repeat { step, limit }),
        (step, _) => Some(Action::Continue { step }),
    }
}

/// `step 9`, `section 4`: the step a move names.
pub(crate) fn step_named(tokens: &[Token]) -> Option<String> {
    tokens
        .windows(2)
        .find(|pair| pair[0].is("step") || pair[0].is("section"))
        .and_then(|pair| match &pair[1].kind {
            Tok::Number(number) => Some(number.trim_end_matches('.').to_string()),
            Tok::Word { lower, .. } if lower.len() <= 4 => Some(lower.clone()),
            _ => None,
        })
}

/// `→ step 8`, `Step 10.`: a step named on its own is a jump to it.
pub(crate) const STEP_RULE: ActionRule = ActionRule {
    name: "step",
    shape: "step N (on its own, as after `Refund →`)",
    about: "A step named on its own — `step 8`, `section 4`, as in `Refund → step 8` — goes to that step.",
    read: read_step,
    examples: &[Example {
        text: "If \"Shipped\" → step 4.",
        compiles_to: r#"[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped"] goto #reference at section "step 4""#,
    }],
};

fn read_step(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    let named = body.len() <= 3
        && body
            .first()
            .is_some_and(|t| t.is("step") || t.is("section"));
    named
        .then(|| step_named(body))
        .flatten()
        .map(|step| Action::Continue { step: Some(step) })
}
