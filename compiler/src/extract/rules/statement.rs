//! Statements and prohibitions: sentences that describe, or that say what
//! not to do, rather than tell the bot to do something.

use super::{ActionRule, Example, Phrase};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, Token, written};

/// A statement (`Slots can be changed until the store starts picking`,
/// `Already delivered, nothing to change`) is kept as a note of its step.
pub(crate) const STATEMENT_RULE: ActionRule = ActionRule {
    name: "statement",
    shape: "<a statement: a subject, then what is so>",
    about: "A sentence that states something rather than telling the bot to do something — it opens with a subject (`The warehouse may already be packing it`, `Already delivered, nothing to change`), or has an auxiliary after a subject (`Slots can be changed …`), and names no `@tool` or `#Policy` — is kept as a note of its step: shown in every view, never said to the customer on its own. A hand-off in the same step carries it as its note for the agent, and a bare `Tell them` right after it says it. A sentence of such statements that also holds an instruction keel cannot read is kept whole as a note only when it opens with the statement; otherwise the instruction is an error.",
    read: read_statement,
    examples: &[Example {
        text: "Refunds usually take 5 to 10 business days.",
        compiles_to: r#"note "Refunds usually take 5 to 10 business days""#,
    }],
};

/// A prohibition (`Never cancel without a yes`, `Don't offer a discount`)
/// is kept as a note of its step: keel does only what a policy says, so
/// what it must not do needs no state.
pub(crate) const PROHIBITION_RULE: ActionRule = ActionRule {
    name: "prohibition",
    shape: "Never … · Don't … · Do not …",
    about: "A prohibition (`Never cancel without the member's yes`, `Don't offer a discount`, `Do not retry`) is kept as a note of its step. keel does only what the policy says, so what it must not do needs no state; the verifier's checks (an explicit yes before a destructive call, identity first) hold whatever the text says.",
    read: read_prohibition,
    examples: &[Example {
        text: "Don't offer a discount.",
        compiles_to: r#"note "Don't offer a discount""#,
    }],
};

fn read_statement(phrase: &Phrase<'_>) -> Option<Action> {
    is_statement(phrase.body).then(|| Action::Statement {
        words: phrase.body.to_vec(),
    })
}

fn read_prohibition(phrase: &Phrase<'_>) -> Option<Action> {
    is_prohibition(phrase.body).then(|| Action::Note {
        text: written(phrase.body),
    })
}

/// `never …`, `don't …`, `do not …`, `avoid …`.
pub(crate) fn is_prohibition(body: &[Token]) -> bool {
    let Some(first) = body.first() else {
        return false;
    };
    if !first.is_a(Class::Prohibition) {
        return false;
    }
    // `do` alone is a verb: only `do not` / `do NOT` forbids.
    !first.is("do") || body.get(1).is_some_and(|next| next.is("not"))
}

/// A statement: it names no tool or policy, does not open with a verb a
/// rule reads, and opens with a subject — a word that opens statements
/// (`the`, `it`, `already`), or, in a sentence with an auxiliary, a first
/// word not followed by what follows an instruction's verb (`Slots can be
/// changed …`). `Wrap things up` is an instruction keel cannot read, not a
/// statement.
pub(crate) fn is_statement(body: &[Token]) -> bool {
    if body
        .iter()
        .any(|token| matches!(token.kind, Tok::Tool { .. } | Tok::Policy(_)))
    {
        return false;
    }
    let Some(first) = body.first() else {
        return false;
    };
    // `We'd like you to ask whether …`, `you need to hand it to billing`:
    // an instruction inside a statement is never kept as a note.
    if embeds_instruction(body) {
        return false;
    }
    // A statement says something of something: two words at least.
    if body.iter().filter(|token| token.word().is_some()).count() < 2 {
        return false;
    }
    if first.word().is_none() || opens_instruction(first) {
        return false;
    }
    if first.is_a(Class::DeclarativeOpener) {
        return true;
    }
    // `plan already ended, nothing to downgrade`: a subject, then `already`.
    if body.get(1).is_some_and(|second| second.is("already")) {
        return true;
    }
    // Otherwise a statement has an auxiliary (`Slots can be changed …`).
    if !body.iter().any(|token| token.is_a(Class::Auxiliary)) {
        return false;
    }
    match body.get(1) {
        Some(second) => match &second.kind {
            Tok::Word { .. } => {
                !second.is_a(Class::AfterVerb)
                    && !second.is_a(Class::Customer)
                    && !second.is_a(Class::CustomerPossessive)
            }
            Tok::Punct(',') => true,
            _ => false,
        },
        None => false,
    }
}

/// A verb some rule reads, or a word that opens a condition.
fn opens_instruction(token: &Token) -> bool {
    token.is_phrase_verb()
        || token.is_a(Class::WeakVerb)
        || token.is_a(Class::ConditionOpener)
        || token.is_a(Class::Prohibition)
}

/// `… want / need / like / have [you] to <ask | check | hand | end | use …>`:
/// the statement tells the agent to do something.
fn embeds_instruction(body: &[Token]) -> bool {
    body.windows(3).any(|window| {
        let [wish, to, verb] = window else {
            return false;
        };
        (wish.is_any(&[
            "want", "wants", "need", "needs", "like", "have", "has", "wish",
        ]) || wish.is_a(Class::ObjectPronoun)
            || wish.is("you"))
            && to.is("to")
            && (verb.is_a(Class::AskVerb)
                || verb.is_a(Class::HandOffVerb)
                || verb.is_a(Class::EndVerb)
                || verb.is_a(Class::ReferenceVerb)
                || verb.is_a(Class::CheckVerb)
                || verb.is_a(Class::TicketVerb))
    }) && body.iter().any(|t| {
        t.is_any(&[
            "you", "we", "you'll", "we'll", "you'd", "we'd", "i'd", "agent", "agents",
        ])
    })
}
