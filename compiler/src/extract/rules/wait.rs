//! Durable waits: `Follow up after 24 hours`, `Wait 2 days`, `Follow up
//! tomorrow`.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::tokens::Tok;

/// `Wait N minutes / hours / days / weeks`, `Follow up after N …` or
/// `Follow up tomorrow` keeps a durable timer and goes on when it is due
/// (or when the customer writes first).
pub(crate) const RULE: ActionRule = ActionRule {
    name: "wait",
    shape: "Follow up after N hours · Wait N days · Follow up tomorrow",
    about: "`Wait N minutes / hours / days / weeks`, `Follow up after N …` (a number, or `a`, `one`, `two`, `three`) or `Follow up tomorrow` keeps a durable timer: the server wakes the session once when it is due, across restarts, or at once when the customer writes first; then the policy goes on.",
    read,
    examples: &[Example {
        text: "Follow up after 24 hours.",
        compiles_to: r#"[ok] wait 86400s ("24 hours")"#,
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let verb = phrase.verb()?;
    let rest = phrase.rest();
    let rest = if verb.is("follow") {
        if !rest.first().is_some_and(|t| t.is("up")) {
            return None;
        }
        &rest[1..]
    } else if verb.is("wait") {
        rest
    } else {
        return None;
    };
    if rest.iter().any(|t| t.is("tomorrow")) {
        return Some(Action::Wait {
            seconds: 86_400,
            wording: "until tomorrow".to_string(),
        });
    }
    rest.windows(2).find_map(|pair| {
        let count: u64 = match &pair[0].kind {
            Tok::Number(number) => number.trim_end_matches('.').parse().ok()?,
            Tok::Word { lower, .. } => match lower.as_str() {
                "a" | "an" | "one" => 1,
                "two" => 2,
                "three" => 3,
                _ => return None,
            },
            _ => return None,
        };
        let (unit, name) = match pair[1].word()? {
            "minute" | "minutes" => (60, "minute"),
            "hour" | "hours" => (3_600, "hour"),
            "day" | "days" => (86_400, "day"),
            "week" | "weeks" => (604_800, "week"),
            _ => return None,
        };
        (count > 0 && count <= 1_000).then(|| Action::Wait {
            seconds: count * unit,
            wording: format!("{count} {name}{}", if count == 1 { "" } else { "s" }),
        })
    })
}
