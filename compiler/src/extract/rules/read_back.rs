//! Read-backs: `Read back: change the address of $order.id to … Ask them
//! to confirm.`, `Read it back first: "I'll refund $order.total. OK?"`.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::tokens::{Tok, Token};

/// `Read [it / the details] back [to the customer] [before …]: <what will
/// happen>` asks the customer to confirm what will happen (a yes/no
/// question), in their words or the author's quoted ones; a following `Ask
/// them to confirm` is the same question. With nothing after it, the next
/// question is the read-back.
pub(crate) const RULE: ActionRule = ActionRule {
    name: "read-back",
    shape: "Read back: <what will happen>. <Question>? · Read it back: \"<question>?\" · read back …, namely that …",
    about: "`Read [it / the details] back [to the customer] [before …]` with what will happen after `:` or `namely (that)` — or quoted, as the author wants it said, `$values` filled in — asks the customer to confirm it: a yes/no question, the read-back the verifier looks for before a destructive call. `Ask them to confirm` (with a clear yes, an explicit yes) right after it is the same question, not a second one. With nothing after it (`Read the refund back and ask for an explicit yes: \"…?\"`), the question that follows is the read-back. `Read it out`, `Say it back` and `Repeat it back` are read-backs too. Sentences right after it in the same step that no rule reads are more of what is read back (`Read back: A; B.`), and a question no rule reads after it (`Schedule that?`, `Shall I go ahead?`) is how it asks, in the author's words.",
    read,
    examples: &[
        Example {
            text: "Read back: the tracking number $order.tracking_number will be sent to $account.email. Ask them to confirm.",
            compiles_to: r#"[ok] ask yes/no -> $confirmed: "To confirm: The tracking number {order.tracking_number} will be sent to {account.email}. Is that right?""#,
        },
        Example {
            text: "Say it back: $order.total for order $order.id; the refund goes to the original card. Shall I go ahead?",
            compiles_to: r#"[ok] ask yes/no -> $confirmed: "To confirm: {order.total} for order {order.id}. Your refund goes to the original card. Shall I go ahead?""#,
        },
    ],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let verb = phrase.verb()?;
    // `Read it back`, `Read it out`, `Say it back`, `Repeat it back`.
    let reads = verb.is("read");
    if !reads && !verb.is_any(&["say", "repeat"]) {
        return None;
    }
    let rest = phrase.rest();
    let back = rest
        .iter()
        .take(6)
        .position(|t| t.is("back") || (reads && t.is("out")))?;
    let after_back = &rest[back + 1..];
    let quoted = after_back.iter().find_map(|t| match &t.kind {
        Tok::Literal(text) => Some(text.trim().to_string()),
        _ => None,
    });
    // What will happen: after `:` or `namely (that)`.
    let start = after_back
        .iter()
        .position(|t| t.is_punct(':'))
        .map(|colon| colon + 1)
        .or_else(|| {
            after_back
                .iter()
                .position(|t| t.is("namely"))
                .map(|namely| {
                    namely
                        + 1
                        + usize::from(after_back.get(namely + 1).is_some_and(|t| t.is("that")))
                })
        });
    let content: Vec<Token> = match (&quoted, start) {
        (Some(_), _) | (None, None) => Vec::new(),
        (None, Some(start)) => after_back[start..].to_vec(),
    };
    Some(Action::ReadBack { content, quoted })
}
