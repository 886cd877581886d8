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
    shape: "Read back: <what will happen> · Read it back: \"<question>?\" · read back …, namely that …",
    about: "`Read [it / the details] back [to the customer] [before …]` with what will happen after `:` or `namely (that)` — or quoted, as the author wants it said, `$values` filled in — asks the customer to confirm it: a yes/no question, the read-back the verifier looks for before a destructive call. `Ask them to confirm` (with a clear yes, an explicit yes) right after it is the same question, not a second one. With nothing after it (`Read the refund back and ask for an explicit yes: \"…?\"`), the question that follows is the read-back.",
    read,
    examples: &[Example {
        text: "Read back: the tracking number $order.tracking_number will be sent to $account.email. Ask them to confirm.",
        compiles_to: r#"[ok] ask yes/no -> $confirmed: "To confirm: The tracking number {order.tracking_number} will be sent to {account.email}. Is that right?""#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let verb = phrase.verb()?;
    if !verb.is("read") {
        return None;
    }
    let rest = phrase.rest();
    let back = rest.iter().take(6).position(|t| t.is("back"))?;
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
