//! Condition rules: the `if …` part of a clause.
//!
//! A condition is classified by what it is about — literal values, a lookup
//! that found nothing, a failure, the customer's answer, or a testable
//! statement — and the builder then attaches it to the step it is about.

use super::tokens::{CONDITION_OPENERS, Tok, Token};
use crate::source::Span;

/// What a condition tests.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Condition {
    /// `If "Shipped"`, `If $order.status is "Shipped" or "Delivered"`.
    Values {
        subject: Option<Vec<String>>,
        values: Vec<(String, Span)>,
        /// Words that may name the subject (`status`).
        hint_words: Vec<String>,
        /// The condition's tokens, for a qualifier after the values
        /// (`"delivered" more than 30 days ago`).
        tokens: Vec<Token>,
    },
    /// `If the email address was not found` (`still` for the retry's failure).
    NotFound { still: bool },
    /// `If the tool fails`.
    Failed,
    /// `If yes`, `If no`, `If the order was not delivered`: an answer, or
    /// a statement to test when no question is open. `words` is empty for a
    /// bare yes/no.
    Answer { yes: bool, words: Vec<Token> },
    /// `Otherwise`, `else`.
    Otherwise,
}

/// Words that make a condition negative.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "n't", "didn't", "doesn't", "don't", "isn't", "wasn't", "aren't",
    "weren't", "hasn't", "haven't", "can't", "cannot", "won't", "declines", "declined", "refuses",
    "refused", "rejects", "rejected", "denies", "neither", "nope",
];

const NOT_FOUND_WORDS: &[&str] = &[
    "found",
    "exist",
    "exists",
    "located",
    "recognized",
    "recognised",
    "registered",
    "returned",
    "match",
    "matches",
    "matched",
];

const FAILURE_WORDS: &[&str] = &[
    "fails",
    "failed",
    "fail",
    "error",
    "errors",
    "unavailable",
    "down",
    "timeout",
    "timeouts",
];

/// Splits a clause into its condition (if any) and the action tokens.
pub(crate) fn split_condition(clause: &[Token]) -> (Option<Vec<Token>>, Vec<Token>) {
    let Some(first) = clause.first() else {
        return (None, Vec::new());
    };
    let opener_len = if first.is_any(CONDITION_OPENERS) || first.is("should") {
        1
    } else if first.is("in") && clause.get(1).is_some_and(|t| t.is_any(&["case", "cases"])) {
        if clause.get(2).is_some_and(|t| t.is_any(&["where", "that"])) {
            3
        } else {
            2
        }
    } else {
        return (None, clause.to_vec());
    };
    let rest = &clause[opener_len..];
    if first.is_any(&["otherwise", "else"]) {
        let actions: Vec<Token> = rest
            .iter()
            .skip_while(|t| t.is_punct(','))
            .cloned()
            .collect();
        return (Some(vec![first.clone()]), actions);
    }
    // The condition ends at the first comma or colon, or at the first action
    // verb. A condition with its own subject (`if the user accepts the offer,`)
    // runs to its comma: verbs inside it belong to it.
    let has_subject = rest
        .first()
        .is_some_and(|t| t.is_any(&["the", "they", "he", "she"]))
        && rest
            .get(1)
            .is_some_and(|t| t.is_any(&["user", "customer", "client", "shopper"]) || !t.is("the"))
        && rest.iter().any(|t| t.is_punct(','));
    let subject_clause = has_subject
        && rest
            .iter()
            .take_while(|t| !t.is_punct(','))
            .any(|t| t.is_any(&["user", "customer", "client", "shopper", "they", "he", "she"]));
    let end = rest
        .iter()
        .enumerate()
        .position(|(index, token)| {
            (token.is_punct(',') && !continues_values(rest, index))
                || token.is_punct(':')
                || (index > 0
                    && !subject_clause
                    && token.is_any(super::action::ACTION_VERBS)
                    && !token
                        .is_any(&["check", "confirm", "verify", "get", "open", "list", "show"])
                    && !previous_is_subject_verb(rest, index))
        })
        .unwrap_or(rest.len());
    let mut condition = vec![first.clone()];
    condition.extend_from_slice(&rest[..end]);
    let actions: Vec<Token> = rest[end..]
        .iter()
        .skip_while(|t| t.is_punct(',') || t.is_punct(':'))
        .cloned()
        .collect();
    (Some(condition), actions)
}

/// `If "a", "b" or "c", …`: a comma inside a list of values does not end it.
fn continues_values(rest: &[Token], comma: usize) -> bool {
    let mut next = comma + 1;
    while rest.get(next).is_some_and(|t| t.is_any(&["or", "and"])) {
        next += 1;
    }
    rest.get(next)
        .is_some_and(|t| matches!(t.kind, Tok::Literal(_)))
}

/// `if the user asks …`: a verb right after its subject belongs to the condition.
fn previous_is_subject_verb(rest: &[Token], index: usize) -> bool {
    index > 0 && rest[index - 1].is_any(&["user", "customer", "they", "he", "she", "it", "who"])
}

/// Classifies condition tokens (starting with the opener word).
pub(crate) fn classify(condition: &[Token]) -> Condition {
    let opener = condition.first();
    if opener.is_some_and(|t| t.is_any(&["otherwise", "else"])) {
        return Condition::Otherwise;
    }
    let body: Vec<Token> = condition.iter().skip(1).cloned().collect();
    let words: Vec<&str> = body.iter().filter_map(Token::word).collect();
    let negated = opener.is_some_and(|t| t.is("unless"))
        ^ words
            .iter()
            .any(|word| NEGATIONS.contains(word) || word.ends_with("n't"));
    let literals: Vec<(String, Span)> = body
        .iter()
        .filter_map(|token| match &token.kind {
            Tok::Literal(text) => Some((text.clone(), token.span)),
            _ => None,
        })
        .collect();
    if !literals.is_empty() && !negated {
        let subject = body.iter().find_map(|token| match &token.kind {
            Tok::Var(path) => Some(path.clone()),
            _ => None,
        });
        return Condition::Values {
            subject,
            values: literals,
            hint_words: words.iter().map(|word| word.to_string()).collect(),
            tokens: body.clone(),
        };
    }
    let still = words.iter().any(|word| matches!(*word, "still" | "again"));
    let explicit_comparison = body.iter().any(|token| matches!(token.kind, Tok::Var(_)))
        && words
            .iter()
            .any(|word| matches!(*word, "match" | "matches" | "equal" | "equals" | "same"));
    // `if the ticket could not be created`: the last call failed.
    let failed_to_act = negated
        && words.iter().any(|word| {
            matches!(
                *word,
                "created"
                    | "updated"
                    | "cancelled"
                    | "canceled"
                    | "applied"
                    | "processed"
                    | "saved"
                    | "sent"
                    | "completed"
                    | "added"
                    | "changed"
                    | "issued"
                    | "refunded"
                    | "submitted"
                    | "placed"
            )
        })
        && words.iter().any(|word| {
            matches!(
                *word,
                "be" | "been" | "get" | "was" | "wasn't" | "is" | "isn't"
            )
        });
    if failed_to_act
        || words
            .iter()
            .any(|word| matches!(*word, "unsuccessful" | "fails" | "failed"))
    {
        return Condition::Failed;
    }
    let has_no = words
        .windows(2)
        .any(|pair| matches!(pair, ["has" | "have" | "are" | "is" | "returns", "no"]));
    if (negated && !explicit_comparison && words.iter().any(|word| NOT_FOUND_WORDS.contains(word)))
        || has_no
        || words.first().is_some_and(|word| *word == "no") && words.len() > 1
        || words
            .iter()
            .any(|word| matches!(*word, "invalid" | "unknown" | "empty"))
    {
        return Condition::NotFound { still };
    }
    if words.iter().any(|word| FAILURE_WORDS.contains(word))
        || words
            .windows(2)
            .any(|pair| pair == ["times", "out"] || pair == ["timed", "out"])
    {
        return Condition::Failed;
    }
    let bare: Vec<&str> = words
        .iter()
        .copied()
        .filter(|word| {
            !matches!(
                *word,
                "the" | "user" | "customer" | "they" | "says" | "answers" | "replies"
            )
        })
        .collect();
    let is_bare_answer = bare.is_empty()
        || bare.iter().all(|word| {
            matches!(
                *word,
                "yes"
                    | "so"
                    | "no"
                    | "not"
                    | "confirmed"
                    | "confirms"
                    | "agrees"
                    | "agreed"
                    | "accepts"
                    | "accepted"
                    | "declines"
                    | "declined"
                    | "refuses"
                    | "rejects"
                    | "ok"
                    | "okay"
                    | "does"
                    | "doesn't"
                    | "do"
                    | "don't"
                    | "is"
                    | "isn't"
                    | "was"
                    | "wasn't"
                    | "nope"
                    | "yep"
                    | "yeah"
            )
        });
    Condition::Answer {
        yes: !negated,
        words: if is_bare_answer { Vec::new() } else { body },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tokens::{clauses, sentences, tokens};
    use crate::source::SourceId;
    use crate::syntax::parse;

    fn condition_of(text: &str) -> Option<Condition> {
        let (document, _) = parse(SourceId::default(), text);
        let item = document.items.first()?;
        let all = tokens(&item.text);
        let sentence = sentences(&all).into_iter().next()?;
        let clause = clauses(&sentence).into_iter().next()?;
        let (condition, _) = split_condition(&clause);
        condition.map(|condition| classify(&condition))
    }

    #[test]
    fn classifies_the_seed_conditions() {
        assert!(matches!(
            condition_of("If “Approved”, inform"),
            Some(Condition::Values { .. })
        ));
        assert_eq!(
            condition_of("If the email address was not found ask for a valid email"),
            Some(Condition::NotFound { still: false })
        );
        assert_eq!(
            condition_of("if the email address is still not found route it to an agent"),
            Some(Condition::NotFound { still: true })
        );
        assert_eq!(
            condition_of("If no inform the customer"),
            Some(Condition::Answer {
                yes: false,
                words: vec![]
            })
        );
        assert!(matches!(
            condition_of("If the order was not delivered route to an agent"),
            Some(Condition::Answer { yes: false, words }) if !words.is_empty()
        ));
        assert_eq!(
            condition_of("If the lookup fails, route to an agent"),
            Some(Condition::Failed)
        );
        assert_eq!(
            condition_of("Otherwise, end the conversation"),
            Some(Condition::Otherwise)
        );
        assert_eq!(
            condition_of("If no orders are found, route"),
            Some(Condition::NotFound { still: false })
        );
    }
}
