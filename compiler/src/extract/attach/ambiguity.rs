//! Ambiguous anchors: a bare answer (`If no`, `If they decline`,
//! `Otherwise`) that two earlier questions or checks could equally well be
//! about is reported with both (`K0123`), never attached by nearness alone.

use super::super::arena::{BlockId, Building, StmtId};
use super::super::lexicon::{self, Class};
use super::super::scope;
use super::super::tokens::Token;
use super::super::{Builder, ItemContext};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::Slot;
use crate::source::Span;

impl Builder<'_> {
    /// Whether the words a condition says beyond who answered and how
    /// (`If they decline the cancellation` → `cancellation`) all name what
    /// `question` asks: each is one of its words, or shares its first five
    /// letters with one (`cancellation` · `cancel`).
    pub(super) fn names_question(&self, question: StmtId, words: &[Token]) -> bool {
        let asked = match &self.arena[question].kind {
            Building::Ask { prompt, .. } => prompt.to_string(),
            Building::Check { wording, .. } => wording.clone(),
            _ => return false,
        }
        .to_lowercase();
        let asked: Vec<&str> = asked
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        let said: Vec<&str> = words.iter().filter_map(Token::word).collect();
        let content: Vec<&str> = scope::content_words(&said)
            .into_iter()
            .filter(|word| {
                !lexicon::is(word, Class::AnswerStem)
                    && !lexicon::is(word, Class::AnswerFiller)
                    && !lexicon::is(word, Class::Replies)
                    && !lexicon::is(word, Class::Customer)
                    && !lexicon::is(word, Class::SubjectPronoun)
                    && !lexicon::is(word, Class::YesOrNo)
            })
            .collect();
        let stem = |word: &str| word.chars().take(5).collect::<String>();
        !content.is_empty()
            && content.iter().all(|word| {
                asked
                    .iter()
                    .any(|known| known == word || (word.len() >= 5 && stem(known) == stem(word)))
            })
    }

    /// Whether a condition has already been attached to `target` (one of
    /// its outcomes is written).
    pub(super) fn touched(&self, target: StmtId) -> bool {
        if self.anchored.contains(&target) {
            return true;
        }
        match &self.arena[target].kind {
            Building::Ask {
                yes,
                no,
                options,
                accepted,
                not_found,
                ..
            } => {
                yes.is_some()
                    || no.is_some()
                    || accepted.is_some()
                    || not_found.is_some()
                    || options
                        .iter()
                        .any(|block| !self.arena[*block].stmts.is_empty())
            }
            Building::Check { yes, no, .. } => yes.is_some() || no.is_some(),
            Building::Call {
                not_found, error, ..
            } => not_found.is_some() || error.is_some(),
            Building::Match { .. } => true,
            Building::Retry { exhausted, .. } => exhausted.is_some(),
            Building::Simple(_) => false,
        }
    }

    /// Whether the condition as written says a person answered (`If they
    /// decline`, `If the customer accepts`): a check cannot be declined.
    pub(super) fn answered_by_person(&self, context: &ItemContext) -> bool {
        context
            .condition_written
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .any(|word| {
                let word = word.to_lowercase();
                lexicon::is(&word, Class::AnswerStem) && !lexicon::is(&word, Class::YesOrNo)
            })
    }

    /// Another question or check that a bare answer (or `otherwise`)
    /// attached to `nearest` could be about just as well, if any.
    ///
    /// Nearness justifies `nearest` when it already has a condition (the
    /// answer continues or completes it: `If yes … If no …`), or when it
    /// was written in an item closer to the condition's than any other
    /// candidate's. A rival is a yes/no question, offer or check that no
    /// condition has answered yet, near enough (this step or the one
    /// before), written in an item as close to the condition's as
    /// `nearest`'s, with nothing answered between the two (a condition on
    /// a later step closes the questions before it). A check is no rival
    /// for an answer a person gives (`If they decline`), nor a choice among
    /// fixed answers for a yes or no.
    pub(super) fn rival_anchor(
        &self,
        nearest: StmtId,
        person: bool,
        current: BlockId,
        context: &ItemContext,
    ) -> Option<StmtId> {
        if self.touched(nearest) {
            return None;
        }
        let closeness = |step: &str| {
            step.split('.')
                .zip(context.step.split('.'))
                .take_while(|(a, b)| a == b)
                .count()
        };
        let close = closeness(&self.arena[nearest].origin.step);
        let mut earlier = self
            .arena
            .all_recent(current, |_| true)
            .skip_while(|&id| id != nearest)
            .skip(1);
        earlier.find_map(|candidate| {
            if !self.near_enough(&self.arena[candidate].origin.step, &context.step)
                || self.touched(candidate)
            {
                // Stop: too far back, or answered (what came before it is
                // closed).
                return Some(None);
            }
            let rival = match &self.arena[candidate].kind {
                Building::Check { .. } => !person,
                Building::Ask {
                    slot: Slot::YesNo, ..
                } => true,
                Building::Ask {
                    slot: Slot::Options(_),
                    ..
                } => !self.choices.contains(&candidate),
                _ => false,
            };
            (rival && closeness(&self.arena[candidate].origin.step) == close)
                .then_some(Some(candidate))
        })?
    }

    /// Reports a condition that `nearest` and `rival` could both be about.
    pub(super) fn ambiguous(&mut self, nearest: StmtId, rival: StmtId, span: Span) -> Vec<BlockId> {
        let describe = |node: &super::super::arena::Node| {
            let what = match &node.kind {
                Building::Check { wording, .. } => format!("the check \"{wording}\""),
                Building::Ask { prompt, .. } => {
                    format!("the question \"{}\"", prompt.to_string().trim())
                }
                _ => "the step".to_string(),
            };
            format!("{what} in {}", node.origin.step)
        };
        let (first, second) = (&self.arena[rival], &self.arena[nearest]);
        let diagnostic = Diagnostic::error(
            codes::AMBIGUOUS_ANCHOR,
            format!(
                "this condition could answer {} or {}",
                describe(first),
                describe(second)
            ),
        )
        .at(span)
        .hint("say which it answers with the words of that question or check (`If they accept the refund`, `If the order has shipped`), or put it right under its question in an item of their own; see `answer` in docs/policy-language.md")
        .note(Some(first.origin.span), "one candidate")
        .note(Some(second.origin.span), "the other candidate");
        self.diagnostics.push(diagnostic);
        Vec::new()
    }
}
