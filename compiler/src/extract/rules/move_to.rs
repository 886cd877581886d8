//! Moving through the policy: `Continue with the next step`, `Go to step 9`,
//! `Go back to step 4, at most 3 times`.

use super::{ActionRule, Example, Phrase, times_limit};
use crate::extract::action::Action;
use crate::extract::jump::{self, Target};
use crate::extract::lexicon::Class;
use crate::extract::tokens::Tok;

/// `Continue / proceed [with the next step]` goes on after the condition it is
/// in; `Go to step N`, `Skip to 2.4`, `Continue with "Renewal switch"`, `Go to
/// the read-back`, `See step 4` jump to the step or section they name (read
/// by [`jump::read_target`]); `Go back to step N, at most K times` repeats
/// from step N at most K times, then goes on.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "move",
    shape: "Continue with the next step · Go to step N · Continue with \"Section\" · Go back to step N, at most K times",
    about: "`Continue / proceed / carry on / keep going [with the next step]` goes on after the condition it is in. `Go / skip / jump / move on / carry on … to <a place>` jumps to it, and so does `see step N`: a place is a step by its number (`step 4`, `section 3`, `2.4`, `4.b`, `4`), a section by its heading, quoted or not, case and numbering ignored (`Renewal switch` for `- Renewal switch`, `the read-back` for `Read-back and extend`, `step 5` for `## Step 5: Reset the activations`), `the next section`, or `the hand-off step` (the policy's one hand-off). A place keel cannot find, or that names several sections, is an `unknown-section` error listing the sections there are — a jump is never dropped. `Go back to step N, at most K times` repeats from step N at most K times, then goes on. `Go to a person` hands off. A move-verb that is not about moving (`move the delivery date`) is left to other rules.",
    read,
    examples: &[
        Example {
            text: "Go back to step 4, at most 2 times.",
            compiles_to: r#"[ok] retry counter reference:6.retry at most 2
[again] goto #reference at section "step 4""#,
        },
        Example {
            text: "Skip straight to step 2.",
            compiles_to: r#"[ok] goto #reference at section "step 2""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let rest = phrase.rest();
    // `see step 4`, `see section "Refunds"`: a cross-reference is a jump
    // only when it names a step or a quoted section.
    if phrase.verb().is_some_and(|verb| verb.is("see")) {
        let quoted = rest.iter().any(|t| matches!(t.kind, Tok::Literal(_)));
        if jump::step_named(rest).is_none() && !quoted {
            return None;
        }
        return jump::read_target(rest).map(|target| Action::Continue { step: Some(target) });
    }
    if !phrase.verb_is(Class::MoveVerb) {
        return None;
    }
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
    // `go to a person`: a hand-off, not a place in the policy.
    if jump::step_named(rest).is_none() && rest.iter().any(|t| t.is_a(Class::Human)) {
        return Some(Action::Escalate {
            reason: super::reason_after_target(rest),
            queue: None,
            ticket: false,
        });
    }
    let target = jump::read_target(rest);
    match (target, times_limit(rest)) {
        (Some(step), Some(limit)) => Some(Action::Repeat { step, limit }),
        (step, _) => Some(Action::Continue { step }),
    }
}

/// `→ step 8`, `Step 10.`, `→ section 3`: a step named on its own is a jump to it.
pub(crate) const STEP_RULE: ActionRule = ActionRule {
    name: "step",
    shape: "step N (on its own, as after `Refund →`)",
    about: "A step named on its own — `step 8`, `section 4`, as in `Refund → step 8` — goes to that step. A section's heading on its own after an arrow (`At the next renewal → Renewal switch`, `→ next section`) goes to that section when the policy has one by that name.",
    read: read_step,
    examples: &[Example {
        text: "If \"Shipped\" → step 4.",
        compiles_to: r#"[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped"] goto #reference at section "step 4""#,
    }],
};

fn read_step(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    let named = body.len() <= 3 && body.first().is_some_and(|t| t.is_any(UNIT_NOUNS));
    named
        .then(|| jump::step_named(body))
        .flatten()
        .map(|step| Action::Continue {
            step: Some(Target::Step(step)),
        })
}

/// The nouns of a step named on its own.
const UNIT_NOUNS: &[&str] = &["step", "section", "part"];
