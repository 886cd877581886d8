//! Condition rules: the `if …` part of a clause.
//!
//! A condition is classified by what it is about — literal values, a lookup
//! that found nothing, a failure, the customer's answer, or a testable
//! statement — and the builder then attaches it to the step it is about.

use super::lexicon::Class;
use super::tokens::{Tok, Token};
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

/// Splits a clause into its condition (if any) and the action tokens.
pub(crate) fn split_condition(clause: &[Token]) -> (Option<Vec<Token>>, Vec<Token>) {
    let Some(first) = clause.first() else {
        return (None, Vec::new());
    };
    let opener_len = if first.is_a(Class::ConditionOpener) || first.is("should") {
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
    if first.is_a(Class::Otherwise) {
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
        .is_some_and(|t| t.is("the") || t.is_a(Class::SubjectPronoun))
        && rest
            .get(1)
            .is_some_and(|t| t.is_a(Class::Customer) || !t.is("the"))
        && rest.iter().any(|t| t.is_punct(','));
    let subject_clause = has_subject
        && rest
            .iter()
            .take_while(|t| !t.is_punct(','))
            .any(|t| t.is_a(Class::Customer) || t.is_a(Class::SubjectPronoun));
    let end = rest
        .iter()
        .enumerate()
        .position(|(index, token)| {
            (token.is_punct(',') && !continues_values(rest, index))
                || token.is_punct(':')
                || (index > 0
                    && !subject_clause
                    && token.is_phrase_verb()
                    && !token.is_a(Class::InCondition)
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
    index > 0 && {
        let previous = &rest[index - 1];
        previous.is_a(Class::Customer)
            || previous.is_a(Class::SubjectPronoun)
            || previous.is("it")
            || previous.is("who")
    }
}

/// The words of a condition, as the condition rules read them.
pub(crate) struct ConditionWords<'t> {
    /// The opener (`if`, `when`, `otherwise`, …).
    pub(crate) opener: Option<&'t Token>,
    /// The tokens after the opener.
    pub(crate) body: &'t [Token],
    /// The lowercase words of `body`.
    pub(crate) words: Vec<&'t str>,
    /// Whether the condition is negative (`not`, `declines`, `unless`, …).
    pub(crate) negated: bool,
}

impl<'t> ConditionWords<'t> {
    /// The words of condition tokens (starting with the opener word).
    pub(crate) fn new(condition: &'t [Token]) -> Self {
        let opener = condition.first();
        let body = condition.get(1..).unwrap_or(&[]);
        let words: Vec<&str> = body.iter().filter_map(Token::word).collect();
        let negated = opener.is_some_and(|t| t.is("unless"))
            ^ body
                .iter()
                .any(|t| t.is_a(Class::Negation) || t.word().is_some_and(|w| w.ends_with("n't")));
        ConditionWords {
            opener,
            body,
            words,
            negated,
        }
    }

    /// Whether any word of the condition is of `class`.
    pub(crate) fn any(&self, class: Class) -> bool {
        self.body.iter().any(|t| t.is_a(class))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::classify;
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
        condition.map(|condition| classify(&condition).0)
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
