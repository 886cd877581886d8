//! Attachment: a condition is attached to the earlier step it is about, and
//! its actions go into that step's block for the outcome it names.
//!
//! A literal attaches to a match on the one enum field in scope whose
//! domain holds it; a not-found to the last lookup that can come back
//! empty; a failure to the last call; a yes/no (or the question's own
//! words, or an answer verb) to the last question or check. Anything else
//! is a diagnostic, never a guess.

use super::arena::{BlockId, Building, Outcome, StmtId};
mod ambiguity;
mod values;

use super::condition::{Condition, Missing};
use super::lexicon::{self, Class};
use super::predicate::{PredicateRead, predicate};
use super::scope;
use super::tokens::{self, Token};
use super::{Builder, ItemContext, MAX_NESTING, PendingAnchor, origin};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Slot};
use crate::source::Span;

impl Builder<'_> {
    /// Finds the step a condition is about and returns the blocks for the
    /// outcome it names (several when it names several options of one
    /// question: what follows runs in each); nothing after reporting a
    /// diagnostic. Every attachment is recorded with its anchor and why.
    pub(super) fn attach(
        &mut self,
        condition: Condition,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Vec<BlockId> {
        let blocks = self.attach_to_step(condition, current, span, context);
        if blocks
            .iter()
            .any(|block| self.arena.lineage(*block).len() > MAX_NESTING)
        {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::UNRECOGNISED_SENTENCE,
                    format!("conditions are nested more than {MAX_NESTING} deep here"),
                )
                .at(span)
                .hint("split the policy into smaller policies and refer to them with #Name"),
            );
            return Vec::new();
        }
        blocks
    }

    /// Records that the condition at `span` was attached to `target`'s
    /// `outcome`, and why; returns `block`.
    fn anchored(
        &mut self,
        target: StmtId,
        outcome: String,
        why: String,
        block: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> BlockId {
        self.anchored.insert(target);
        self.anchors.push(PendingAnchor {
            condition: context.condition_written.clone(),
            span,
            step: context.step.clone(),
            target,
            outcome,
            why,
        });
        block
    }

    /// The outcome block of `target`, recorded as the condition's anchor.
    fn outcome_of(
        &mut self,
        target: StmtId,
        outcome: Outcome,
        why: String,
        span: Span,
        context: &ItemContext,
    ) -> BlockId {
        let block = self.arena.outcome_block(target, outcome);
        let label = match outcome {
            Outcome::Yes => "yes",
            Outcome::No => "no",
            Outcome::NotFound => "not found",
            Outcome::Error => "error",
            Outcome::Otherwise => "else",
            Outcome::Exhausted => "retry exhausted",
        };
        self.anchored(target, label.to_string(), why, block, span, context)
    }

    pub(super) fn attach_to_step(
        &mut self,
        condition: Condition,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Vec<BlockId> {
        match condition {
            Condition::Values {
                subject,
                values,
                hint_words,
                tokens,
                still,
            } => {
                let cases =
                    self.attach_values(subject, values, hint_words, still, current, span, context);
                cases
                    .into_iter()
                    .filter_map(|case| self.qualify_case(case, &tokens, span, context))
                    .collect()
            }
            Condition::NotFound {
                still: true,
                missing,
            } => {
                let retry = self
                    .arena
                    .recent(current, |kind| matches!(kind, Building::Retry { .. }));
                match retry {
                    Some(retry) => {
                        let why = format!(
                            "`still` is about the retry the first not-found set up in {}",
                            self.arena[retry].origin.step
                        );
                        vec![self.outcome_of(retry, Outcome::Exhausted, why, span, context)]
                    }
                    None => self.attach(
                        Condition::NotFound {
                            still: false,
                            missing,
                        },
                        current,
                        span,
                        context,
                    ),
                }
            }
            Condition::NotFound {
                still: false,
                missing,
            } => self.attach_not_found(&missing, current, span, context),
            Condition::Failed => {
                match self
                    .arena
                    .recent(current, |kind| matches!(kind, Building::Call { .. }))
                {
                    Some(target) => {
                        let why = "the last tool call before it, which can fail".to_string();
                        vec![self.outcome_of(target, Outcome::Error, why, span, context)]
                    }
                    None => self.dangling(
                        span,
                        "there is no tool call before it that could fail",
                        "put it after the `Use @tool` step it is about",
                    ),
                }
            }
            Condition::Succeeded => {
                match self
                    .arena
                    .recent(current, |kind| matches!(kind, Building::Call { .. }))
                {
                    Some(target) => {
                        // The ok path is what follows the call in its block.
                        let block = self.arena[target].block;
                        let why = "the last tool call before it: what it says runs right after the call succeeds".to_string();
                        vec![self.anchored(target, "ok".to_string(), why, block, span, context)]
                    }
                    None => self.dangling(
                        span,
                        "there is no tool call before it that could succeed",
                        "put it after the `Use @tool` step it is about",
                    ),
                }
            }
            Condition::Test {
                condition,
                yes,
                words,
            } => {
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
                let outcome = if yes { Outcome::Yes } else { Outcome::No };
                let why = "a comparison of values is a check of its own, made here".to_string();
                vec![self.outcome_of(check, outcome, why, span, context)]
            }
            Condition::Otherwise => self.attach_otherwise(current, span, context),
            Condition::Answer { yes, words } => {
                self.attach_answer(yes, &words, current, span, context)
            }
        }
    }

    /// `not found` on the customer's pick, on a lookup the words name, or
    /// on whichever of the two came last.
    fn attach_not_found(
        &mut self,
        missing: &Missing,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Vec<BlockId> {
        let is_pick = |kind: &Building| {
            matches!(
                kind,
                Building::Ask {
                    slot: Slot::Item(_) | Slot::Items(_),
                    ..
                }
            )
        };
        let is_lookup = |kind: &Building| {
            matches!(
                kind,
                Building::Call {
                    optional_result: true,
                    ..
                }
            )
        };
        let (target, why) = match missing {
            Missing::Pick => (
                self.arena.recent(current, is_pick),
                "the customer's last pick from a list: `not in the list` is about what they chose",
            ),
            Missing::Lookup(noun) => {
                let named = (!noun.is_empty())
                    .then(|| {
                        self.arena.recent(current, |kind| match kind {
                            Building::Call {
                                optional_result: true,
                                bind: Some((name, ty)),
                                ..
                            } => names_result(noun, name, ty),
                            _ => false,
                        })
                    })
                    .flatten();
                match named {
                    Some(target) => (
                        Some(target),
                        "the last lookup whose result the words name, which can come back empty",
                    ),
                    None => (
                        self.arena.recent(current, is_lookup),
                        "the last lookup that can come back empty: `no …` is about what a lookup returned, not about a pick",
                    ),
                }
            }
            Missing::Any => (
                self.arena
                    .recent(current, |kind| is_pick(kind) || is_lookup(kind)),
                "the last lookup or pick before it that can come back empty",
            ),
        };
        match target {
            Some(target) => {
                vec![self.outcome_of(target, Outcome::NotFound, why.to_string(), span, context)]
            }
            None => self.dangling(
                span,
                "nothing before it can come back empty",
                "put it after a step that looks something up with @tool, or that asks the customer to pick from a list",
            ),
        }
    }

    /// `Otherwise`: the values a match did not name, the options a
    /// question's other conditions did not name, or a yes/no's `no`.
    fn attach_otherwise(
        &mut self,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Vec<BlockId> {
        let target = self.arena.recent(current, |kind| {
            matches!(
                kind,
                Building::Match { .. }
                    | Building::Check { .. }
                    | Building::Ask {
                        slot: Slot::YesNo | Slot::Options(_),
                        ..
                    }
            )
        });
        // `If there's nothing on backorder, … Otherwise list the items`:
        // after a condition on a lookup's empty result (or its failure),
        // `otherwise` is the lookup's ok path, what runs after it.
        let lookup = self
            .anchors
            .last()
            .filter(|anchor| matches!(anchor.outcome.as_str(), "not found" | "error"))
            .map(|anchor| anchor.target)
            .filter(|&call| matches!(self.arena[call].kind, Building::Call { .. }))
            .filter(|&call| {
                let block = self.arena[call].block;
                self.arena.lineage(current).contains(&block)
                    || self.arena.lineage(block).contains(&current)
            })
            .filter(|&call| target.is_none_or(|decision| decision < call));
        if let Some(call) = lookup {
            let why = "the last condition before it, on this lookup's result: its ok path, what runs after the lookup".to_string();
            let block = self.arena[call].block;
            return vec![self.anchored(call, "ok".to_string(), why, block, span, context)];
        }
        let Some(target) = target else {
            return self.dangling(
                span,
                "there is no condition before `otherwise`",
                "write the `If …` case first",
            );
        };
        if let Some(rival) = self.rival_anchor(target, false, current, context) {
            return self.ambiguous(target, rival, span);
        }
        match &self.arena[target].kind {
            Building::Match { .. } => {
                let why = "the last match before it: every value its cases do not name".to_string();
                vec![self.outcome_of(target, Outcome::Otherwise, why, span, context)]
            }
            Building::Ask {
                slot: Slot::Options(labels),
                options,
                ..
            } => {
                let labels = labels.clone();
                let untouched: Vec<(usize, BlockId)> = options
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, block)| self.arena[*block].stmts.is_empty())
                    .collect();
                if untouched.is_empty() {
                    return self.dangling(
                        span,
                        "every option of the question before it already has its own condition",
                        "remove `otherwise`, or name the options it is about",
                    );
                }
                let why =
                    "the last question before it: the options no other condition names".to_string();
                untouched
                    .into_iter()
                    .map(|(index, block)| {
                        let label = labels.get(index).cloned().unwrap_or_default();
                        self.anchored(
                            target,
                            format!("option \"{label}\""),
                            why.clone(),
                            block,
                            span,
                            context,
                        )
                    })
                    .collect()
            }
            _ => {
                let why = "the last yes/no question or check before it: its `no`".to_string();
                vec![self.outcome_of(target, Outcome::No, why, span, context)]
            }
        }
    }

    /// An answer: to the nearest question or check whose answers include
    /// it (a yes/no, an offer that may be declined, an option it names, or
    /// the question's own words); with none open, a statement to test.
    fn attach_answer(
        &mut self,
        yes: bool,
        words: &[Token],
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Vec<BlockId> {
        let outcome = if yes { Outcome::Yes } else { Outcome::No };
        // Words naming an option attach to the nearest question offering
        // it, however far back, before any yes/no question they might echo:
        // `4. Ask whether they'd like "a replacement" or "a refund". 5. If
        // they want a replacement, read it back … 6. If they want a refund, …`.
        if !words.is_empty() {
            let offering: Vec<StmtId> = self
                .arena
                .all_recent(current, |kind| {
                    matches!(
                        kind,
                        Building::Ask {
                            slot: Slot::Options(_),
                            ..
                        }
                    )
                })
                .collect();
            for question in offering {
                if let Some((index, block)) = self.option_named(question, words) {
                    let label = match &self.arena[question].kind {
                        Building::Ask {
                            slot: Slot::Options(labels),
                            ..
                        } => labels.get(index).cloned().unwrap_or_default(),
                        _ => String::new(),
                    };
                    let why = format!("the nearest question offering \"{label}\"");
                    return vec![self.anchored(
                        question,
                        format!("option \"{label}\""),
                        why,
                        block,
                        span,
                        context,
                    )];
                }
            }
        }
        // The nearest question whose answers include what the words say.
        let answers = words.is_empty() || names_an_answer(words);
        let questions = self.arena.all_recent(current, |kind| {
            matches!(
                kind,
                Building::Check { .. }
                    | Building::Ask {
                        slot: Slot::YesNo | Slot::Options(_),
                        ..
                    }
            )
        });
        // The nearest question is always a candidate; looking further back
        // (past questions the words cannot answer) stays within this step
        // and the one before it. Questions come in reading order, so the
        // first one further back ends the search (and keeps it from
        // walking the whole policy for every answer).
        let questions: Vec<StmtId> = questions
            .enumerate()
            .take_while(|(nearness, question)| {
                *nearness == 0
                    || self.near_enough(&self.arena[*question].origin.step, &context.step)
            })
            .map(|(_, question)| question)
            .collect();
        for (nearness, question) in questions.into_iter().enumerate() {
            if let Some((index, block)) = self.option_named(question, words) {
                let label = match &self.arena[question].kind {
                    Building::Ask {
                        slot: Slot::Options(labels),
                        ..
                    } => labels.get(index).cloned().unwrap_or_default(),
                    _ => String::new(),
                };
                let why = format!("the nearest question offering \"{label}\"");
                return vec![self.anchored(
                    question,
                    format!("option \"{label}\""),
                    why,
                    block,
                    span,
                    context,
                )];
            }
            let fits = match &self.arena[question].kind {
                // A choice among fixed answers has no yes, and a `no` only
                // when the author writes one right after it.
                Building::Ask {
                    slot: Slot::Options(_),
                    ..
                } => !self.choices.contains(&question) || (!yes && nearness == 0),
                _ => true,
            };
            let echoes = self.echoes_question(question, words);
            if fits && (answers || echoes) {
                // A bare answer is justified by nearness only when no other
                // question or check is as near (see `rival_anchor`).
                if !echoes && !self.names_question(question, words) {
                    let person = self.answered_by_person(context);
                    if let Some(rival) = self.rival_anchor(question, person, current, context) {
                        return self.ambiguous(question, rival, span);
                    }
                }
                let kind = match &self.arena[question].kind {
                    Building::Check { .. } => "check",
                    Building::Ask {
                        slot: Slot::Options(_),
                        ..
                    } => "offer",
                    _ => "yes/no question",
                };
                let why = if answers {
                    format!("the nearest {kind} before it that a yes or no answers")
                } else {
                    format!("the nearest {kind} before it, whose words it repeats")
                };
                return vec![self.outcome_of(question, outcome, why, span, context)];
            }
            // Other words answer only the nearest question, never one
            // further back; a bare answer skips questions it cannot answer.
            if !answers {
                break;
            }
        }
        if words.is_empty() {
            return self.dangling(span, "there is no question or check before it that a yes or no answers", "ask a yes/no question first (`Ask the user if …`) or check something (`check if …`)");
        }
        // Values of an enum field, unquoted: `If the plan is annual`.
        if let values @ Condition::Values { .. } = self.unquoted_values(
            Condition::Answer {
                yes,
                words: words.to_vec(),
            },
            current,
        ) {
            return self.attach_to_step(values, current, span, context);
        }
        // No open question: the words are a statement to test.
        let scope = self.scope_at(current);
        match predicate(words, &scope) {
            PredicateRead::Expr(condition) => {
                let check = self.push(
                    current,
                    Building::Check {
                        condition,
                        wording: tokens::written(words),
                        yes: None,
                        no: None,
                    },
                    origin(context, span),
                );
                let why =
                    "a statement to test: no question before it is about these words".to_string();
                vec![self.outcome_of(check, outcome, why, span, context)]
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNRECOGNISED_SENTENCE,
                        format!("no rule understands the condition \"{}\"", tokens::written(words)),
                    )
                    .at(span)
                    .hint("ask the customer first (`Ask the user if …`), or compare a field: `If $order.status is \"Shipped\"`; the conditions keel reads are in docs/policy-language.md"),
                );
                Vec::new()
            }
        }
    }

    /// For an options question, the block of the option the words name
    /// (`if they prefer a refund` → the "a refund" option).
    pub(super) fn option_named(
        &self,
        question: StmtId,
        words: &[Token],
    ) -> Option<(usize, BlockId)> {
        let Building::Ask {
            slot: Slot::Options(labels),
            options,
            ..
        } = &self.arena[question].kind
        else {
            return None;
        };
        let said: Vec<&str> = words.iter().filter_map(Token::word).collect();
        // What the condition says beyond who answered and how: `chose a
        // refund` → `refund`.
        let said_content: Vec<&str> = scope::content_words(&said)
            .into_iter()
            .filter(|word| {
                !lexicon::is(word, Class::AnswerStem)
                    && !lexicon::is(word, Class::Replies)
                    && !lexicon::is(word, Class::ChooseVerb)
                    && !lexicon::is(word, Class::SubjectPronoun)
                    && !lexicon::is(word, Class::Customer)
                    && !lexicon::is(word, Class::Auxiliary)
            })
            .collect();
        let mut best: Option<(usize, usize)> = None;
        let mut tied = false;
        for (index, label) in labels.iter().enumerate() {
            let lowered = label.to_lowercase();
            let label_words: Vec<&str> = lowered.split_whitespace().collect();
            let content = scope::content_words(&label_words);
            if content.is_empty() {
                continue;
            }
            let matched = content.iter().filter(|word| said.contains(word)).count();
            // Most of the option's words, or every word the condition says.
            let named = matched * 2 > content.len()
                || (!said_content.is_empty()
                    && said_content.iter().all(|word| content.contains(word)));
            if !named {
                continue;
            }
            match best {
                Some((_, known)) if matched == known => tied = true,
                Some((_, known)) if matched < known => {}
                _ => {
                    best = Some((index, matched));
                    tied = false;
                }
            }
        }
        if tied {
            return None;
        }
        best.and_then(|(index, _)| options.get(index).map(|block| (index, *block)))
    }

    /// Whether a question at `question_step` is near enough to a condition
    /// at `condition_step` to be what it answers: in the same top-level
    /// step, or in the one just before (`16. If no, …` after `15. Ask …`).
    ///
    /// Step labels are unique (the outline numbers repeats `3~2`), so the
    /// search runs from the last step read, where both steps are.
    fn near_enough(&self, question_step: &str, condition_step: &str) -> bool {
        let position = |step: &str| {
            let top = step.split('.').next().unwrap_or(step);
            self.top_steps.iter().rposition(|known| known == top)
        };
        match (position(question_step), position(condition_step)) {
            (Some(question), Some(condition)) => question + 1 >= condition,
            _ => true,
        }
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

    pub(super) fn dangling(&mut self, span: Span, why: &str, hint: &str) -> Vec<BlockId> {
        self.diagnostics.push(
            Diagnostic::error(
                codes::DANGLING_CONDITION,
                format!("this condition is not about any earlier step: {why}"),
            )
            .at(span)
            .hint(hint.to_string()),
        );
        Vec::new()
    }
}

/// Verbs that say how the customer answered (`accepts`, `declines`, …).
pub(crate) fn names_an_answer(words: &[Token]) -> bool {
    words
        .iter()
        .any(|token| token.is_a(Class::AnswerStem) || token.is_a(Class::YesOrNo))
}

/// Whether `no <noun>` names a lookup's result: its variable (`orders`) or
/// its record type (`Order`, `[Order]`).
fn names_result(noun: &[String], name: &str, ty: &crate::catalog::Type) -> bool {
    let record = match ty.required() {
        crate::catalog::Type::List(item) => match item.required() {
            crate::catalog::Type::Record(record) => record.to_lowercase(),
            _ => String::new(),
        },
        crate::catalog::Type::Record(record) => record.to_lowercase(),
        _ => String::new(),
    };
    noun.iter().any(|word| {
        let word = scope::singular(word);
        word == scope::singular(name) || (!record.is_empty() && word == scope::singular(&record))
    })
}
