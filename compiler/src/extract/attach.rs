//! Attachment: a condition is attached to the earlier step it is about, and
//! its actions go into that step's block for the outcome it names.
//!
//! A literal attaches to a match on the one enum field in scope whose
//! domain holds it; a not-found to the last lookup that can come back
//! empty; a failure to the last call; a yes/no (or the question's own
//! words, or an answer verb) to the last question or check. Anything else
//! is a diagnostic, never a guess.

use super::arena::{BlockId, Building, Outcome, StmtId};
use super::condition::Condition;
use super::lexicon::{self, Class};
use super::predicate::{PredicateRead, predicate};
use super::scope::{self, Scope};
use super::tokens::{self, Tok, Token};
use super::{Builder, ItemContext, MAX_NESTING, origin};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Path, Slot};
use crate::source::Span;

impl Builder<'_> {
    /// Finds the step a condition is about and returns the block for the
    /// outcome it names; `None` after reporting a diagnostic.
    pub(super) fn attach(
        &mut self,
        condition: Condition,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Option<BlockId> {
        let block = self.attach_to_step(condition, current, span, context)?;
        if self.arena.lineage(block).len() > MAX_NESTING {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::UNRECOGNISED_SENTENCE,
                    format!("conditions are nested more than {MAX_NESTING} deep here"),
                )
                .at(span)
                .hint("split the policy into smaller policies and refer to them with #Name"),
            );
            return None;
        }
        Some(block)
    }

    pub(super) fn attach_to_step(
        &mut self,
        condition: Condition,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Option<BlockId> {
        match condition {
            Condition::Values {
                subject,
                values,
                hint_words,
                tokens,
            } => {
                let case =
                    self.attach_values(subject, values, hint_words, current, span, context)?;
                self.qualify_case(case, &tokens, span, context)
            }
            Condition::NotFound { still: true } => {
                let retry = self
                    .arena
                    .recent(current, |kind| matches!(kind, Building::Retry { .. }));
                match retry {
                    Some(retry) => Some(self.arena.outcome_block(retry, Outcome::Exhausted)),
                    None => {
                        self.attach(Condition::NotFound { still: false }, current, span, context)
                    }
                }
            }
            Condition::NotFound { still: false } => {
                let target = self.arena.recent(current, |kind| match kind {
                    Building::Call {
                        optional_result, ..
                    } => *optional_result,
                    Building::Ask {
                        slot: Slot::Item(_),
                        ..
                    } => true,
                    _ => false,
                });
                match target {
                    Some(target) => Some(self.arena.outcome_block(target, Outcome::NotFound)),
                    None => self.dangling(span, "nothing before it can come back empty", "put it after a step that looks something up with @tool, or that asks the customer to pick from a list"),
                }
            }
            Condition::Failed => {
                match self
                    .arena
                    .recent(current, |kind| matches!(kind, Building::Call { .. }))
                {
                    Some(target) => Some(self.arena.outcome_block(target, Outcome::Error)),
                    None => self.dangling(
                        span,
                        "there is no tool call before it that could fail",
                        "put it after the `Use @tool` step it is about",
                    ),
                }
            }
            Condition::Otherwise => {
                let target = self.arena.recent(current, |kind| {
                    matches!(
                        kind,
                        Building::Match { .. }
                            | Building::Check { .. }
                            | Building::Ask {
                                slot: Slot::YesNo,
                                ..
                            }
                    )
                });
                match target {
                    Some(target) => {
                        let outcome = if matches!(self.arena[target].kind, Building::Match { .. }) {
                            Outcome::Otherwise
                        } else {
                            Outcome::No
                        };
                        Some(self.arena.outcome_block(target, outcome))
                    }
                    None => self.dangling(
                        span,
                        "there is no condition before `otherwise`",
                        "write the `If …` case first",
                    ),
                }
            }
            Condition::Answer { yes, words } => {
                let question = self.arena.recent(current, |kind| {
                    matches!(
                        kind,
                        Building::Check { .. }
                            | Building::Ask {
                                slot: Slot::YesNo | Slot::Options(_),
                                ..
                            }
                    )
                });
                let outcome = if yes { Outcome::Yes } else { Outcome::No };
                // A bare `if yes`, an answer verb (`if the user accepts`), or
                // the question's own words (`if the order was not delivered`)
                // answer the open question; anything else is not guessed at.
                if let Some(question) = question {
                    if let Some(option) = self.option_named(question, &words) {
                        return Some(option);
                    }
                    if words.is_empty()
                        || names_an_answer(&words)
                        || self.echoes_question(question, &words)
                    {
                        return Some(self.arena.outcome_block(question, outcome));
                    }
                }
                if words.is_empty() {
                    return self.dangling(span, "there is no question or check before it to answer", "ask a yes/no question first (`Ask the user if …`) or check something (`check if …`)");
                }
                // No open question: the words are a statement to test.
                let scope = self.scope_at(current);
                match predicate(&words, &scope) {
                    PredicateRead::Expr(condition) => {
                        let check = self.push(
                            current,
                            Building::Check {
                                condition,
                                wording: tokens::written(&words),
                                yes: None,
                                no: None,
                            },
                            origin(context, span),
                        );
                        Some(self.arena.outcome_block(check, outcome))
                    }
                    _ => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::UNRECOGNISED_SENTENCE,
                                format!("no rule understands the condition \"{}\"", tokens::written(&words)),
                            )
                            .at(span)
                            .hint("ask the customer first (`Ask the user if …`), or compare a field: `If $order.status is \"Shipped\"`"),
                        );
                        None
                    }
                }
            }
        }
    }

    /// For an options question, the block of the option the words name
    /// (`if they prefer a refund` → the "a refund" option).
    pub(super) fn option_named(&self, question: StmtId, words: &[Token]) -> Option<BlockId> {
        let Building::Ask {
            slot: Slot::Options(labels),
            options,
            ..
        } = &self.arena[question].kind
        else {
            return None;
        };
        let said: Vec<&str> = words.iter().filter_map(Token::word).collect();
        let mut best: Option<(usize, usize)> = None;
        for (index, label) in labels.iter().enumerate() {
            let lowered = label.to_lowercase();
            let label_words: Vec<&str> = lowered.split_whitespace().collect();
            let content = scope::content_words(&label_words);
            if content.is_empty() {
                continue;
            }
            let matched = content.iter().filter(|word| said.contains(word)).count();
            if matched * 2 > content.len() && best.is_none_or(|(_, known)| matched > known) {
                best = Some((index, matched));
            }
        }
        best.and_then(|(index, _)| options.get(index).copied())
    }

    /// Whether the condition's words are mostly the words of the question
    /// or check it would answer.
    pub(super) fn echoes_question(&self, question: StmtId, words: &[Token]) -> bool {
        let asked = match &self.arena[question].kind {
            Building::Ask { prompt, .. } => prompt.to_string(),
            Building::Check { wording, .. } => wording.clone(),
            _ => return false,
        }
        .to_lowercase();
        let lowered: Vec<&str> = words.iter().filter_map(Token::word).collect();
        let content: Vec<&str> = scope::content_words(&lowered)
            .into_iter()
            .filter(|word| !lexicon::is(word, Class::AnswerFiller))
            .filter(|word| !word.ends_with("n't"))
            .collect();
        if content.is_empty() {
            return false;
        }
        let echoed = content.iter().filter(|word| asked.contains(*word)).count();
        echoed * 2 >= content.len() && echoed >= 1
    }

    /// A hand-off reason for a bare `if no`: what the answer was to.
    pub(super) fn answer_reason(&self, yes: bool, current: BlockId) -> String {
        let question = self.arena.recent(current, |kind| {
            matches!(
                kind,
                Building::Check { .. }
                    | Building::Ask {
                        slot: Slot::YesNo | Slot::Options(_),
                        ..
                    }
            )
        });
        let answer = if yes { "yes" } else { "no" };
        match question.map(|id| &self.arena[id].kind) {
            Some(Building::Check { wording, .. }) => format!("{answer} to: {wording}"),
            Some(Building::Ask { prompt, .. }) => {
                // A reason is plain text, not a template: the question's
                // words without its fields ("…your order was delivered?").
                let asked: String = prompt
                    .parts
                    .iter()
                    .filter_map(|part| match part {
                        ir::MessagePart::Text(text) => Some(text.as_str()),
                        _ => None,
                    })
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                format!("the customer answered {answer} to \"{asked}\"")
            }
            _ => answer.to_string(),
        }
    }

    pub(super) fn dangling(&mut self, span: Span, why: &str, hint: &str) -> Option<BlockId> {
        self.diagnostics.push(
            Diagnostic::error(
                codes::DANGLING_CONDITION,
                format!("this condition is not about any earlier step: {why}"),
            )
            .at(span)
            .hint(hint.to_string()),
        );
        None
    }

    pub(super) fn attach_values(
        &mut self,
        subject: Option<Vec<String>>,
        values: Vec<(String, Span)>,
        hint_words: Vec<String>,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Option<BlockId> {
        let texts: Vec<String> = values.iter().map(|(text, _)| text.clone()).collect();
        // A literal naming an offered option picks that option.
        if subject.is_none() {
            let option = self.arena.recent(current, |kind| match kind {
                Building::Ask {
                    slot: Slot::Options(options),
                    ..
                } => texts.iter().all(|text| {
                    options
                        .iter()
                        .any(|option| option.eq_ignore_ascii_case(text))
                }),
                _ => false,
            });
            if let Some(ask) = option {
                if let Building::Ask {
                    slot: Slot::Options(options),
                    options: bodies,
                    ..
                } = &self.arena[ask].kind
                {
                    let index = options
                        .iter()
                        .position(|option| option.eq_ignore_ascii_case(&texts[0]));
                    if let Some(block) = index.and_then(|index| bodies.get(index)) {
                        return Some(*block);
                    }
                }
            }
        }
        let scope = self.scope_at(current);
        let (subject, domain) = match subject {
            Some(path) => {
                let Some(ty) = scope.path_type(&path) else {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::UNKNOWN_VARIABLE,
                            format!("`${}` is not bound here", path.join(".")),
                        )
                        .at(span)
                        .hint("bind it first, e.g. with `Use @tool … as $name`"),
                    );
                    return None;
                };
                let domain = ty.domain().map(<[String]>::to_vec);
                (Path(path), domain)
            }
            None => {
                let mut candidates = scope.enum_fields_with(&texts);
                if candidates.len() > 1 {
                    let named: Vec<(Path, Vec<String>)> = candidates
                        .iter()
                        .filter(|(path, _)| {
                            path.0.last().is_some_and(|field| {
                                hint_words.iter().any(|word| field.contains(word.as_str()))
                            })
                        })
                        .cloned()
                        .collect();
                    if named.len() == 1 {
                        candidates = named;
                    }
                }
                match candidates.len() {
                    1 => {
                        let (path, domain) = candidates.remove(0);
                        (path, Some(domain))
                    }
                    0 => {
                        self.unknown_subject(&texts, &values, &scope, span);
                        return None;
                    }
                    _ => {
                        let names: Vec<String> = candidates
                            .iter()
                            .map(|(path, _)| path.to_string())
                            .collect();
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::AMBIGUOUS_SUBJECT,
                                format!(
                                    "\"{}\" could be about {}",
                                    texts.join("\", \""),
                                    names.join(" or ")
                                ),
                            )
                            .at(span)
                            .hint(format!("say which: `If {} is \"{}\"`", names[0], texts[0])),
                        );
                        let (path, domain) = candidates.remove(0);
                        (path, Some(domain))
                    }
                }
            }
        };
        // Spell values as the domain does; report values outside it.
        let mut spelled = Vec::new();
        for (text, value_span) in &values {
            match &domain {
                Some(domain) => match domain
                    .iter()
                    .find(|allowed| allowed.eq_ignore_ascii_case(text.trim()))
                {
                    Some(allowed) => spelled.push(allowed.clone()),
                    None => {
                        let suggestion = crate::spelling::closest(text, domain).cloned();
                        let mut diagnostic = Diagnostic::error(
                            codes::LITERAL_NOT_IN_DOMAIN,
                            format!(
                                "\"{text}\" is not a value of {subject} ({})",
                                domain.join(", ")
                            ),
                        )
                        .at(*value_span);
                        if let Some(suggestion) = suggestion {
                            diagnostic = diagnostic.hint(format!("did you mean \"{suggestion}\"?"));
                        }
                        self.diagnostics.push(diagnostic);
                    }
                },
                None => spelled.push(text.clone()),
            }
        }
        if spelled.is_empty() {
            return None;
        }
        // Join the match these values continue, if it is the last step of its block.
        let existing = self.arena.recent(
            current,
            |kind| matches!(kind, Building::Match { subject: known, .. } if *known == subject),
        );
        let existing = existing.filter(|&id| {
            let block = &self.arena[self.arena[id].block];
            block.stmts.last() == Some(&id)
        });
        let target = match existing {
            Some(id) => id,
            None => self.push(
                current,
                Building::Match {
                    subject,
                    domain,
                    cases: Vec::new(),
                    otherwise: None,
                },
                origin(context, span),
            ),
        };
        let case_span = values
            .iter()
            .map(|(_, value_span)| *value_span)
            .reduce(Span::join)
            .unwrap_or(span);
        if let Building::Match { cases, .. } = &self.arena[target].kind {
            if let Some((_, _, block)) = cases.iter().find(|(known, _, _)| *known == spelled) {
                return Some(*block);
            }
        }
        let block = self.arena.new_block(target);
        if let Building::Match { cases, .. } = &mut self.arena[target].kind {
            cases.push((spelled, case_span, block));
        }
        Some(block)
    }

    /// `If "delivered" more than 30 days ago`: the words after the values
    /// that are not about the subject become a check inside the case. Words
    /// no rule reads are reported, never dropped.
    pub(super) fn qualify_case(
        &mut self,
        case: BlockId,
        tokens: &[Token],
        span: Span,
        context: &ItemContext,
    ) -> Option<BlockId> {
        let subject_words: Vec<String> =
            match self.arena[case].parent.map(|id| &self.arena[id].kind) {
                Some(Building::Match { subject, .. }) => subject
                    .0
                    .iter()
                    .flat_map(|part| part.split('_').map(str::to_string).collect::<Vec<_>>())
                    .collect(),
                _ => Vec::new(),
            };
        let leftover: Vec<Token> = tokens
            .iter()
            .filter(|token| match &token.kind {
                Tok::Word { lower, .. } => {
                    !lexicon::is(lower, Class::CaseFiller)
                        && !subject_words
                            .iter()
                            .any(|part| scope::singular(part) == scope::singular(lower))
                }
                Tok::Number(_) => true,
                _ => false,
            })
            .cloned()
            .collect();
        if leftover.is_empty() {
            return Some(case);
        }
        let scope = self.scope_at(case);
        match predicate(tokens, &scope) {
            PredicateRead::Expr(condition) => {
                let check = self.push(
                    case,
                    Building::Check {
                        condition,
                        wording: tokens::written(&leftover),
                        yes: None,
                        no: None,
                    },
                    origin(context, span),
                );
                Some(self.arena.outcome_block(check, Outcome::Yes))
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNRECOGNISED_SENTENCE,
                        format!("part of this condition is not understood: \"{}\"", tokens::written(&leftover)),
                    )
                    .at(span)
                    .hint("split it: `If \"delivered\", check if …` — or compare a field: `If $order.delivered_at …`"),
                );
                None
            }
        }
    }

    pub(super) fn unknown_subject(
        &mut self,
        texts: &[String],
        values: &[(String, Span)],
        scope: &Scope<'_>,
        span: Span,
    ) {
        let fields = scope.all_enum_fields();
        let mut best: Option<(usize, String, Path)> = None;
        for (path, domain) in &fields {
            for text in texts {
                for allowed in domain {
                    let distance = crate::spelling::edit_distance(text, allowed);
                    if best.as_ref().is_none_or(|(known, _, _)| distance < *known) {
                        best = Some((distance, allowed.clone(), path.clone()));
                    }
                }
            }
        }
        let span = values.first().map_or(span, |(_, value_span)| *value_span);
        let mut diagnostic = Diagnostic::error(
            codes::UNKNOWN_SUBJECT,
            format!(
                "no enum field in scope has the value \"{}\"",
                texts.join("\", \"")
            ),
        )
        .at(span);
        diagnostic = match best {
            Some((distance, allowed, path)) if distance <= 3 => {
                diagnostic.hint(format!("did you mean \"{allowed}\" ({path})?"))
            }
            _ if fields.is_empty() => diagnostic
                .hint("look the record up first (`Use @tool …`) so its fields are in scope"),
            _ => diagnostic.hint("compare a field explicitly: `If $order.status is \"…\"`"),
        };
        self.diagnostics.push(diagnostic);
    }
}

/// Verbs that say how the customer answered (`accepts`, `declines`, …).
pub(super) fn names_an_answer(words: &[Token]) -> bool {
    words.iter().any(|token| token.is_a(Class::AnswerStem))
}
