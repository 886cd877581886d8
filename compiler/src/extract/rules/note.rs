//! A remark about the policy or another system, kept as a note.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::tokens::{Tok, written};

/// `Note that …`, `This policy …`, `Use this policy when …`, or a sentence
/// whose capitalised subject `will` do something (`Gorgias will tag the
/// ticket`) and that names no tool or policy.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "note",
    shape: "Note … · This policy … · <Someone> will …",
    about: "`Note that …`, `This policy …`, `Use this policy when …`, or a sentence whose capitalised subject `will` do something (`Gorgias will tag the ticket`) and that names no tool or policy: a remark, kept as a note, with no effect on the machine.",
    read,
    examples: &[Example {
        text: "This policy applies to web orders only.",
        compiles_to: r#"note "This policy applies to web orders only""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    let words: Vec<&str> = body.iter().take(4).filter_map(|t| t.word()).collect();
    let is_note = matches!(words.first(), Some(&"note"))
        || words.starts_with(&["use", "this", "policy"])
        || words.starts_with(&["this", "policy"])
        || (words.get(1) == Some(&"will")
            && body.first().is_some_and(|t| matches!(&t.kind, Tok::Word { text, .. } if text.starts_with(char::is_uppercase)))
            && !body.iter().any(|t| matches!(t.kind, Tok::Tool { .. } | Tok::Policy(_)))
            && !matches!(words.first(), Some(&"we" | &"you" | &"i" | &"they")));
    is_note.then(|| Action::Note {
        text: written(body),
    })
}
