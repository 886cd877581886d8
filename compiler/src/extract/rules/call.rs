//! A tool call: the phrase names `@tool`.

use super::{ActionRule, Example, Phrase, is_addressee, skip_while};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, Token};
use crate::syntax::{ArgValue, ToolArg};

/// A phrase that names one `@tool` calls it, whatever its verb (`Use @tool to
/// …`, `Look the order up with @tool`).
pub(crate) const RULE: ActionRule = ActionRule {
    name: "call",
    shape: "Use @tool[(arg: $value, …)] [as $name] [to check if …]",
    about: "A phrase that names one `@tool` calls it, whatever its verb (`Use @tool to …`, `Look the order up with @tool`). `… as $name` names the result; `… to check if <statement>` tests the statement after the call; `… to notify the customer that <message>` is the tool's `message` argument. A phrase naming several tools is an error (`K0110`): keel does not guess which runs when.",
    read,
    examples: &[Example {
        text: "Use @get_tracking to look up the shipment.",
        compiles_to: "[ok] call @get_tracking(order_id: $order.id) -> $tracking: Tracking [read]",
    }],
};

fn read(phrase: &Phrase<'_>) -> Option<Action> {
    let body = phrase.body;
    let tools: Vec<&Token> = body
        .iter()
        .filter(|t| matches!(t.kind, Tok::Tool { .. }))
        .collect();
    match tools.as_slice() {
        [] => None,
        [tool] => {
            let Tok::Tool { name, args } = &tool.kind else {
                return None;
            };
            let after: Vec<Token> = body
                .iter()
                .skip_while(|t| !matches!(t.kind, Tok::Tool { .. }))
                .skip(1)
                .cloned()
                .collect();
            let bind = after
                .windows(2)
                .find_map(|pair| match (&pair[0], &pair[1].kind) {
                    (first, Tok::Var(path)) if first.is("as") || first.is("into") => {
                        path.first().cloned()
                    }
                    _ => None,
                });
            let check = purpose(&after, |t| {
                t.is_a(Class::CheckVerb) || t.is_a(Class::ConfirmVerb)
            })
            .filter(|predicate| predicate.first().is_some_and(|t| t.is_a(Class::Whether)))
            .map(|predicate| predicate[1..].to_vec());
            let message =
                purpose(&after, |t| t.is_a(Class::SayVerb) || t.is("message")).map(|words| {
                    let skipped = skip_while(&words, |t| is_addressee(t) || t.is("know"));
                    skip_while(skipped, |t| t.is("that")).to_vec()
                });
            // `@tool(id: $x.id, frequency: the interval they picked)`: an
            // argument list the grammar could not take whole is read here.
            let args = if args.is_empty() {
                written_args(&after)
            } else {
                args.clone()
            };
            Some(Action::Call {
                tool: name.clone(),
                args,
                span: tool.span,
                bind,
                check,
                message,
            })
        }
        several => Some(Action::SeveralTools {
            names: several
                .iter()
                .filter_map(|t| match &t.kind {
                    Tok::Tool { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect(),
        }),
    }
}

/// The words after `to <verb>` (`… to check if X` → `if X`).
fn purpose(after: &[Token], verb: impl Fn(&Token) -> bool) -> Option<Vec<Token>> {
    let position = after
        .windows(2)
        .position(|pair| pair[0].is("to") && verb(&pair[1]))?;
    Some(after[position + 2..].to_vec())
}

/// The arguments in `(name: value, …)` right after a tool, when some value
/// is words (`frequency: the interval they picked`): a `$var`, a number or
/// a quoted value as usual, words as a description of the value
/// ([`ArgValue::Type`] with spaces, bound to the answer it describes or
/// reported unbound, never dropped).
fn written_args(after: &[Token]) -> Vec<ToolArg> {
    if !after.first().is_some_and(|t| t.is_punct('(')) {
        return Vec::new();
    }
    let Some(close) = after.iter().position(|t| t.is_punct(')')) else {
        return Vec::new();
    };
    after[1..close]
        .split(|t| t.is_punct(','))
        .filter_map(|part| {
            let [name, colon, value @ ..] = part else {
                return None;
            };
            if !colon.is_punct(':') || value.is_empty() {
                return None;
            }
            let name = name.word()?.to_string();
            let value = match value {
                [
                    Token {
                        kind: Tok::Var(path),
                        ..
                    },
                ] => ArgValue::Var(path.clone()),
                [
                    Token {
                        kind: Tok::Number(number),
                        ..
                    },
                ] => ArgValue::Number(number.clone()),
                [
                    Token {
                        kind: Tok::Literal(text),
                        ..
                    },
                ] => ArgValue::Literal(text.clone()),
                words => ArgValue::Type(crate::extract::tokens::written(words)),
            };
            let span = crate::extract::tokens::span_of(part)?;
            Some(ToolArg { name, value, span })
        })
        .collect()
}
