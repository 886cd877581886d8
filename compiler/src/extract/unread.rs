//! Sentences no rule reads: an `unrecognised-sentence` error (or
//! `unread-words`). The lock file's LLM rewrites are put in place of such
//! sentences before extraction (`crate::lock`), so they are read by the
//! same rules.

use super::arena::BlockId;
use super::tokens::{self, Token};
use super::{Builder, ItemContext};
use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;

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
