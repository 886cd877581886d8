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
        /// `Still "Invalid"`: the values again, after a retry.
        still: bool,
    },
    /// `If the email address was not found` (`still` for the retry's failure).
    NotFound { still: bool, missing: Missing },
    /// `If the tool fails`.
    Failed,
    /// `Found:`, `Done:`, `If the refund goes through`: the last call
    /// succeeded (its `ok` path).
    Succeeded,
    /// `If yes`, `If no`, `If the order was not delivered`: an answer, or
    /// a statement to test when no question is open. `words` is empty for a
    /// bare yes/no.
    Answer { yes: bool, words: Vec<Token> },
    /// `Otherwise`, `else`, `Anything else:`.
    Otherwise,
    /// `If $difference is more than $card.balance`: a comparison to test
    /// where it stands; `yes` unless negated.
    Test {
        condition: crate::ir::Expr,
        yes: bool,
        words: Vec<Token>,
    },
}

/// What a not-found condition says is missing.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Missing {
    /// `No orders`, `there are no payments`: a lookup came back empty; the
    /// words name what it looks up (empty when they do not).
    Lookup(Vec<String>),
    /// `Not in the list`, `the item isn't listed`: the customer's pick.
    Pick,
    /// `If the order is not found`: the last lookup or pick.
    Any,
}

/// `In case`, `In cases where`, `In the rare case that`, `In the unlikely
/// event that`: how many tokens open the condition.
fn in_case_opener(clause: &[Token]) -> Option<usize> {
    if !clause.first().is_some_and(|t| t.is("in")) {
        return None;
    }
    let mut at = 1;
    if clause
        .get(at)
        .is_some_and(|t| t.is_any(&["the", "a", "an"]))
    {
        at += 1;
    }
    while clause
        .get(at)
        .is_some_and(|t| t.is_any(&["rare", "unlikely", "odd", "unusual", "exceptional"]))
    {
        at += 1;
    }
    if !clause
        .get(at)
        .is_some_and(|t| t.is_any(&["case", "cases", "event"]))
    {
        return None;
    }
    // `In the event of …` is not this shape; `in case` needs no article.
    if at == 1 && clause.get(at).is_some_and(|t| t.is("event")) {
        return None;
    }
    at += 1;
    if clause.get(at).is_some_and(|t| t.is_any(&["where", "that"])) {
        at += 1;
    }
    Some(at)
}

/// Splits a clause into its condition (if any) and the action tokens.
pub(crate) fn split_condition(clause: &[Token]) -> (Option<Vec<Token>>, Vec<Token>) {
    // `…; and if it is "past_due", …`: the conjunction joins the sentences.
    let clause = match clause {
        [conjunction, opener, ..]
            if conjunction.is_any(&["and", "but", "then"])
                && opener.is_a(Class::ConditionOpener) =>
        {
            &clause[1..]
        }
        _ => clause,
    };
    let Some(first) = clause.first() else {
        return (None, Vec::new());
    };
    // `On a yes, …`, `Only on a clear yes, …`, `On no: …`: the answer.
    let on = usize::from(first.is("only"));
    if clause.get(on).is_some_and(|t| t.is("on")) {
        let answer = clause
            .iter()
            .skip(on + 1)
            .position(|t| !t.is_any(&["a", "an", "the", "clear", "firm", "explicit"]))
            .map(|offset| offset + on + 1);
        if let Some(answer) = answer.filter(|&at| {
            clause[at].is_any(&["yes", "no"])
                && clause
                    .get(at + 1)
                    .is_some_and(|t| t.is_punct(',') || t.is_punct(':'))
        }) {
            let opener = Token::word_at("if", first.span);
            return (
                Some(vec![opener, clause[answer].clone()]),
                clause[answer + 2..].to_vec(),
            );
        }
    }
    // `For any other result, …`, `In every other case, …`: otherwise.
    if first.is_any(&["for", "in", "with", "on"])
        && clause
            .get(1)
            .is_some_and(|t| t.is_any(&["any", "all", "every", "anything", "everything"]))
        && clause.get(2).is_some_and(|t| t.is_any(&["other", "else"]))
    {
        if let Some(comma) = clause
            .iter()
            .take(6)
            .position(|t| t.is_punct(',') || t.is_punct(':'))
        {
            let opener = Token::word_at("otherwise", first.span);
            return (Some(vec![opener]), clause[comma + 1..].to_vec());
        }
    }
    let opener_len = if first.is_a(Class::ConditionOpener) || first.is("should") || first.is("once")
    {
        1
    } else if first.is("only")
        && clause
            .get(1)
            .is_some_and(|t| t.is_a(Class::ConditionOpener) || t.is("once") || t.is("after"))
    {
        // `Only once they have said yes, …`, `Only after that explicit yes, …`.
        2
    } else if let Some(length) = in_case_opener(clause) {
        length
    } else {
        return (None, clause.to_vec());
    };
    let rest = &clause[opener_len..];
    if first.is_a(Class::Otherwise) {
        // `Otherwise: …`, `Otherwise → …`, `Otherwise – …`.
        let actions: Vec<Token> = rest
            .iter()
            .skip_while(|t| {
                t.is_punct(',')
                    || t.is_punct(':')
                    || t.is_punct('→')
                    || t.is_punct('-')
                    || t.is_punct('>')
            })
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
    // An aside in parentheses (`(for example it's on a card we don't
    // have on file)`) never ends the condition.
    let mut depth = 0i32;
    let in_aside: Vec<bool> = rest
        .iter()
        .map(|token| {
            if token.is_punct('(') {
                depth += 1;
            } else if token.is_punct(')') {
                depth -= 1;
                return true;
            }
            depth > 0
        })
        .collect();
    let end = rest
        .iter()
        .enumerate()
        .position(|(index, token)| {
            !in_aside[index]
                && ((token.is_punct(',')
                    && !continues_values(rest, index)
                    && !continues_alternatives(rest, index))
                    || token.is_punct(':')
                    || token.is_punct('→')
                    || (token.is_punct('-')
                        && rest.get(index + 1).is_some_and(|t| t.is_punct('>')))
                    || (index > 0
                        && !subject_clause
                        && token.is_phrase_verb()
                        && !token.is_a(Class::InCondition)
                        && !previous_is_subject_verb(rest, index)
                        && !after_determiner(rest, index)))
        })
        .unwrap_or(rest.len());
    let mut condition = vec![first.clone()];
    condition.extend_from_slice(&rest[..end]);
    let actions: Vec<Token> = rest[end..]
        .iter()
        .skip_while(|t| {
            t.is_punct(',')
                || t.is_punct(':')
                || t.is_punct('→')
                || t.is_punct('-')
                || t.is_punct('>')
        })
        .cloned()
        .collect();
    (Some(condition), actions)
}

/// Whether the word at `index` follows a determiner (`the transfer fails`,
/// `if this refund goes through`): a noun there, not an action verb.
fn after_determiner(rest: &[Token], index: usize) -> bool {
    index
        .checked_sub(1)
        .and_then(|before| rest.get(before))
        .is_some_and(|t| t.is_any(&["the", "a", "an", "this", "that", "its", "their", "your"]))
}

/// A label line: `Not found: ask again`, `"Shipped": tell them …`, `Yes →
/// @refund(…)`. The label (a few words or quoted values, not opening with
/// a verb) comes back with an `if` before it, as a condition to classify;
/// the caller decides whether it reads as one.
pub(crate) fn split_label(clause: &[Token]) -> Option<(Vec<Token>, Vec<Token>)> {
    // `Yes – add it with @tool`, `No - leave the order as it is`: a yes or
    // no and a dash, then the action (`Yes – still missing: …` keeps its
    // gloss up to the colon in the label).
    let yes_no = clause
        .first()
        .is_some_and(|first| first.is_any(&["yes", "no"]))
        && clause.get(1).is_some_and(|dash| dash.is_punct('-'));
    if yes_no {
        let gloss_ends = clause
            .iter()
            .take(10)
            .position(|token| token.is_punct(':') || token.is_punct('→'));
        let gloss_is_action = clause.get(2).is_none_or(|t| {
            t.is_punct('>')
                || t.is_phrase_verb()
                || t.is_a(Class::Prohibition)
                || t.is_a(Class::WeakVerb)
        });
        // `yes -> agent`: the arrow's `>` goes with the dash.
        let arrow = usize::from(clause.get(2).is_some_and(|t| t.is_punct('>')));
        let (label_end, action_start) = match gloss_ends {
            Some(colon) if !gloss_is_action && arrow == 0 => (colon, colon + 1),
            _ => (1, 2 + arrow),
        };
        let mut condition = vec![Token::word_at("if", clause[0].span)];
        condition.extend_from_slice(&clause[..label_end]);
        return Some((condition, clause[action_start..].to_vec()));
    }
    let (position, width) = clause
        .iter()
        .take(12)
        .enumerate()
        .find_map(|(index, token)| {
            if token.is_punct(':') || token.is_punct('→') {
                Some((index, 1))
            } else if token.is_punct('-')
                && clause.get(index + 1).is_some_and(|next| next.is_punct('>'))
            {
                Some((index, 2))
            } else if token.is_punct('-') && index > 0 && quoted_values_only(&clause[..index]) {
                // `"refunded" – let them know …`: quoted values, a dash.
                Some((index, 1))
            } else {
                None
            }
        })?;
    let label = &clause[..position];
    label_opener(label)?;
    let mut condition = vec![label_opener(label)?];
    condition.extend_from_slice(label);
    Some((condition, clause[position + width..].to_vec()))
}

/// Only quoted values, joined by `or`, `and` or commas: `"revoked" or
/// "refunded"`.
fn quoted_values_only(tokens: &[Token]) -> bool {
    tokens.iter().any(|t| matches!(t.kind, Tok::Literal(_)))
        && tokens.iter().all(|t| {
            matches!(t.kind, Tok::Literal(_)) || t.is_any(&["or", "and"]) || t.is_punct(',')
        })
}

/// `Not found?` or `Still nothing` alone: a label without actions (the rest
/// of the item is what it runs), as a condition to classify.
pub(crate) fn elliptic(sentence: &[Token]) -> Option<Vec<Token>> {
    let mut condition = vec![label_opener(sentence)?];
    condition.extend_from_slice(sentence);
    Some(condition)
}

/// The `if` a label reads as, when the label can be one: at most six
/// words (quoted values count as one), no tool, policy or variable, and
/// not opening with a verb a rule reads.
fn label_opener(label: &[Token]) -> Option<Token> {
    let first = label.first()?;
    let words = label
        .iter()
        .filter(|token| token.word().is_some() || matches!(token.kind, Tok::Literal(_)))
        .count();
    let references = label
        .iter()
        .any(|token| matches!(token.kind, Tok::Tool { .. } | Tok::Policy(_) | Tok::Var(_)));
    if words == 0
        || words > 6
        || references
        || first.is_phrase_verb()
        || first.is_a(Class::WeakVerb)
        || first.is_a(Class::ConditionOpener)
        || first.is("note")
    {
        return None;
    }
    Some(Token::word_at("if", first.span))
}

/// `If the order isn't found, or the email doesn't match, …`: a comma
/// before `or` and another condition (no verb a rule reads before the next
/// comma) does not end the condition; [`alternatives`] splits it.
fn continues_alternatives(rest: &[Token], comma: usize) -> bool {
    if !rest.get(comma + 1).is_some_and(|t| t.is("or")) {
        return false;
    }
    let alternative: Vec<&Token> = rest[comma + 2..]
        .iter()
        .take_while(|t| !t.is_punct(',') && !t.is_punct(':'))
        .collect();
    !alternative.is_empty()
        && !alternative
            .first()
            .is_some_and(|t| t.is_phrase_verb() || t.is_a(Class::ConditionOpener))
        && alternative.iter().any(|t| {
            t.is_a(Class::Auxiliary)
                || t.is_a(Class::Negation)
                || t.is_a(Class::Customer)
                || t.is_a(Class::SubjectPronoun)
        })
}

/// The alternatives of a condition (`if A, or B` → `if A` and `if B`),
/// each with the opener; one when there are none.
pub(crate) fn alternatives(condition: &[Token]) -> Vec<Vec<Token>> {
    let Some(opener) = condition.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut current = vec![opener.clone()];
    let mut index = 1;
    while index < condition.len() {
        if condition[index].is_punct(',') && condition.get(index + 1).is_some_and(|t| t.is("or")) {
            out.push(std::mem::replace(&mut current, vec![opener.clone()]));
            index += 2;
            continue;
        }
        current.push(condition[index].clone());
        index += 1;
    }
    out.push(current);
    out
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
            // `doesn't go through`, `can't find`: the verb is the condition's.
            || previous.is_a(Class::Auxiliary)
            // (`if no, inform …`: a bare `no` is an answer, not a negation.)
            || (previous.is_a(Class::Negation) && !previous.is_a(Class::YesOrNo))
            || previous.is("to")
            || previous.is("we")
            || previous.is("it")
            || previous.is("who")
    }
}

/// The words of a condition, as the condition rules read them.
/// `they change their mind`, `should they have changed their minds`: a
/// customer who had been going along says no.
pub(crate) fn changed_mind(body: &[Token]) -> bool {
    body.windows(3).any(|window| {
        window[0].is_any(&["change", "changes", "changed", "changing"])
            && (window[1].is_a(Class::PossessivePronoun) || window[1].is("their"))
            && window[2].is_any(&["mind", "minds"])
    })
}

/// The words of a condition, and what they say about polarity.
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
        // `turns it down` declines.
        let turned_down =
            body.iter().any(|t| t.is_a(Class::TurnVerb)) && body.iter().any(|t| t.is("down"));
        let negated = opener.is_some_and(|t| t.is("unless"))
            ^ (turned_down
                || changed_mind(body)
                || body.iter().any(|t| {
                    t.is_a(Class::Negation) || t.word().is_some_and(|w| w.ends_with("n't"))
                }));
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
            Some(Condition::NotFound {
                still: false,
                missing: Missing::Any
            })
        );
        assert_eq!(
            condition_of("if the email address is still not found route it to an agent"),
            Some(Condition::NotFound {
                still: true,
                missing: Missing::Any
            })
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
            Some(Condition::NotFound {
                still: false,
                missing: Missing::Lookup(vec!["orders".to_string()])
            })
        );
    }
}
