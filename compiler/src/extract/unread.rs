//! Sentences no rule reads: an `unrecognised-sentence` error (or
//! `unread-words`). The lock file's LLM rewrites are put in place of such
//! sentences before extraction (`crate::lock`), so they are read by the
//! same rules.

use super::arena::BlockId;
use super::tokens::{self, Token};
use super::{Builder, ItemContext};
use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;
use std::collections::BTreeMap;

impl Builder<'_> {
    /// A phrase a rule would read but for a condition inside it that its
    /// statement cannot carry: an `unread-words` error naming the words.
    pub(super) fn unread_words(
        &mut self,
        span: Span,
        phrase: &[Token],
        guard: &[Token],
        block: BlockId,
        context: &ItemContext,
    ) {
        // `Use this when …` before the first step: the introduction.
        if self.in_introduction {
            return self.unread(span, &tokens::written(phrase), block, context);
        }
        let span = tokens::span_of(guard).unwrap_or(span);
        self.diagnostics.push(
            Diagnostic::error(
                codes::UNREAD_WORDS,
                format!(
                    "\"{}\" is a condition keel does not read inside \"{}\": it would be dropped",
                    tokens::written(guard),
                    tokens::written(phrase)
                ),
            )
            .at(span)
            .hint("make it a condition of its own before the action: `If they have the receipt, …` (see docs/policy-language.md)"),
        );
    }

    /// A phrase no rule reads: an `unrecognised-sentence`.
    pub(super) fn unread(
        &mut self,
        span: Span,
        text: &str,
        _block: BlockId,
        context: &ItemContext,
    ) {
        // Before the first step, what no rule reads is the introduction:
        // kept whole as a note (`Use this when …`, `Returns: delivered
        // orders only`), never an instruction keel guesses at.
        if self.in_introduction {
            let origin = super::origin(
                &ItemContext {
                    rule: "introduction",
                    ..context.clone()
                },
                span,
            );
            self.notes.push((origin, text.to_string()));
            return;
        }
        self.unrecognised(span, text);
    }

    pub(super) fn unrecognised(&mut self, span: Span, text: &str) {
        self.diagnostics.push(
            Diagnostic::error(codes::UNRECOGNISED_SENTENCE, format!("no rule understands \"{text}\""))
                .at(span)
                .hint(
                    "start with a verb keel knows (ask for, use @tool, inform that, route to an agent, proceed as described in #Policy), or prefix a remark with `Note:`; every shape keel reads is in docs/policy-language.md",
                ),
        );
    }
}

/// Folds the cascade of an unread sentence into it: a step that can never
/// run (`K0301`) after a sentence no rule reads (`K0101`, `K0119`) in the
/// same policy is most often unreachable only because that sentence is
/// missing from the machine (`Yes → hand to billing` unread leaves a branch
/// that never ends, so the steps after it lose their path). Each such step
/// is reported once, as a note on the nearest unread sentence before it,
/// never dropped: the unread sentence is still an error, and once it reads,
/// `keel check` reports whatever is still unreachable on its own.
pub fn fold_cascades(diagnostics: &mut Vec<Diagnostic>) {
    let causes: Vec<(usize, Span)> = diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            d.is_error()
                && (d.code == codes::UNRECOGNISED_SENTENCE || d.code == codes::UNREAD_WORDS)
        })
        .filter_map(|(index, d)| d.span.map(|span| (index, span)))
        .collect();
    if causes.is_empty() {
        return;
    }
    // For each cause, the unreachable steps it explains: (step, span).
    let mut folded: BTreeMap<usize, Vec<(String, Span)>> = BTreeMap::new();
    let mut keep = Vec::with_capacity(diagnostics.len());
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        let cause = (diagnostic.code.id == "K0301")
            .then_some(diagnostic.span)
            .flatten()
            .and_then(|span| {
                causes
                    .iter()
                    .filter(|(_, cause)| cause.source == span.source && cause.start <= span.start)
                    .max_by_key(|(_, cause)| cause.start)
                    .map(|&(cause, _)| (cause, span))
            });
        match cause {
            Some((cause, span)) => {
                let step = diagnostic
                    .message
                    .strip_prefix("step ")
                    .and_then(|rest| rest.split(" can never run").next())
                    .unwrap_or("?")
                    .to_string();
                folded.entry(cause).or_default().push((step, span));
            }
            None => keep.push(index),
        }
    }
    if folded.is_empty() {
        return;
    }
    for (cause, mut steps) in folded {
        steps.sort_by_key(|(_, span)| span.start);
        let mut names: Vec<String> = Vec::new();
        for (step, _) in &steps {
            if !names.contains(step) {
                names.push(step.clone());
            }
        }
        let first = steps.first().map(|(_, span)| *span);
        let noun = if names.len() == 1 { "step" } else { "steps" };
        diagnostics[cause].notes.push((
            first,
            format!(
                "as the policy is read now, {noun} {} after it can never run either (K0301, reported here once): read this sentence and check again",
                names.join(", ")
            ),
        ));
    }
    let mut index = 0;
    diagnostics.retain(|_| {
        let kept = keep.contains(&index);
        index += 1;
        kept
    });
}
