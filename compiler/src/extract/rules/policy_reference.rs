//! A reference to another policy: `proceed as described in #Policy`.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::tokens::Tok;

/// A phrase that names `#Policy` hands the conversation to that policy,
/// whatever its verb; `#Policy - Section` runs that policy up to its section's
/// heading and comes back here.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "policy-reference",
    shape: "Proceed as described in #Policy [- Section]",
    about: "A phrase that names `#Policy` hands the conversation to that policy, whatever its verb; `#Policy - Section` runs that policy up to its section's heading and comes back here.",
    read,
    examples: &[Example {
        text: "Proceed as described in #Returns_policy.",
        compiles_to: "[ok] goto #Returns_policy",
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    let position = body.iter().position(|t| matches!(t.kind, Tok::Policy(_)))?;
    let Tok::Policy(policy) = &body[position].kind else {
        return None;
    };
    let span = body[position].span;
    let after = &body[position + 1..];
    if after.first().is_some_and(|t| t.is_punct('-')) {
        let section: Vec<&str> = after[1..]
            .iter()
            .filter_map(|t| match &t.kind {
                Tok::Word { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        if !section.is_empty() {
            return Some(Action::Enter {
                policy: policy.clone(),
                section: section.join(" "),
                span,
            });
        }
    }
    Some(Action::Goto {
        policy: policy.clone(),
        span,
    })
}
