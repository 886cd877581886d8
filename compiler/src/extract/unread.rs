//! Sentences no rule reads: the lock file's frozen LLM answer if it has one
//! (checked against the catalog again and marked as extracted by an LLM),
//! else an `unrecognised-sentence` error.

use super::action::{self, Action};
use super::arena::BlockId;
use super::tokens::{self, Token};
use super::{Builder, ItemContext};
use crate::catalog::{Catalog, Type};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::ExtractedBy;
use crate::lock::{self, LlmStatement, Unread};
use crate::source::Span;
use crate::syntax::{ArgValue, ToolArg};

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

    /// A phrase no rule reads: the lock file's frozen answer if it has one
    /// (checked against the catalog again), else an `unrecognised-sentence`.
    pub(super) fn unread(&mut self, span: Span, text: &str, block: BlockId, context: &ItemContext) {
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
        let Some(lock) = self.lock else {
            return self.unrecognised(span, text);
        };
        let Some((key, entry)) = lock.get(text) else {
            self.lock_use.unread.push(Unread {
                sentence: text.to_string(),
                span,
            });
            self.unrecognised(span, text);
            if let Some(last) = self.diagnostics.last_mut() {
                last.notes.push((
                    None,
                    "the lock file has no answer for it: `keel compile --llm` asks the configured LLM"
                        .to_string(),
                ));
            }
            return;
        };
        self.lock_use.used.insert(key);
        match lock::read_statement(&entry.statement, self.catalog) {
            Ok(statement) => {
                let action = llm_action(statement, span, self.catalog);
                let llm_context = ItemContext {
                    extracted_by: ExtractedBy::Llm,
                    rule: "llm",
                    ..context.clone()
                };
                self.action(action, block, span, &llm_context);
            }
            Err(why) => self.diagnostics.push(
                Diagnostic::error(
                    codes::INVALID_LLM_STATEMENT,
                    format!("the LLM's answer for \"{text}\" is rejected: {why}"),
                )
                .at(span)
                .hint("correct or delete its entry in the lock file, or reword the sentence"),
            ),
        }
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

/// The action a frozen LLM statement stands for. Its words are read by
/// the same rules as written text; every token points at the sentence.
pub(super) fn llm_action(statement: LlmStatement, span: Span, catalog: &Catalog) -> Action {
    let tokens = |text: &str| -> Vec<Token> {
        // The rules add the final full stop themselves.
        let text = text.trim().trim_end_matches(['.', '!']);
        let (document, _) = crate::syntax::parse(span.source, text);
        document
            .items
            .iter()
            .flat_map(|item| tokens::tokens(&item.text))
            .map(|mut token| {
                token.span = span;
                token
            })
            .collect()
    };
    match statement {
        LlmStatement::Ask(what) => Action::AskValue {
            noun: tokens(&what),
            retry: false,
        },
        LlmStatement::AskYesNo(question) => Action::AskYesNo {
            question: tokens(&question),
        },
        LlmStatement::Say(text) => Action::Say {
            words: tokens(&text),
            opening: action::Opening::Plain,
        },
        LlmStatement::Call { tool, args } => Action::Call {
            args: args
                .into_iter()
                .map(|(name, literal)| {
                    // Numbers are literals of numeric arguments only.
                    let numeric = catalog
                        .tools
                        .get(&tool)
                        .and_then(|declared| declared.args.get(&name))
                        .is_some_and(|declared| {
                            matches!(declared.required(), Type::Int | Type::Number | Type::Money)
                        });
                    ToolArg {
                        name,
                        value: if numeric {
                            ArgValue::Number(literal)
                        } else {
                            ArgValue::Literal(literal)
                        },
                        span,
                    }
                })
                .collect(),
            tool,
            span,
            bind: None,
            check: None,
            message: None,
        },
        LlmStatement::Escalate(reason) => Action::Escalate {
            reason: Some(reason),
            queue: None,
            ticket: false,
        },
        LlmStatement::End(outcome) => Action::End { outcome },
        LlmStatement::Note(text) => Action::Note { text },
    }
}
