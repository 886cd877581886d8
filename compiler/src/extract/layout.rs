//! Item layout: what an item is — a note, a heading, a step read sentence
//! by sentence, or a question whose sub-items are its options.

use super::arena::{BlockId, Building, StmtId};
use super::condition::{self, Condition};
use super::rules::{self, ItemShape};
use super::scope::Scope;
use super::tokens::{self, Token};
use super::{Builder, ItemContext, message, origin};
use crate::ir::{ExtractedBy, Slot, StmtKind};
use crate::syntax::Item;

impl Builder<'_> {
    pub(super) fn item(&mut self, item: &Item, block: BlockId) {
        let tokens = tokens::tokens(&item.text);
        let mut context = ItemContext {
            step: item.label.clone(),
            condition_words: String::new(),
            extracted_by: ExtractedBy::Rules,
            rule: "step",
        };
        if let Some((shape, rule)) = rules::item_shape(item, &tokens) {
            context.rule = rule;
            match shape {
                // `Note: …` keeps the whole item as a remark, semicolons and all.
                ItemShape::Note => self
                    .notes
                    .push((origin(&context, item.span), item.plain_text())),
                ItemShape::Heading(title) => {
                    self.push(
                        block,
                        Building::Simple(StmtKind::Section(title)),
                        origin(&context, item.span),
                    );
                }
            }
            for child in &item.children {
                self.item(child, block);
            }
            return;
        }
        let mut local = block;
        let mut offer: Option<StmtId> = None;
        for sentence in tokens::sentences(&tokens) {
            for clause in tokens::clauses(&sentence) {
                let clause_span = tokens::span_of(&clause).unwrap_or(item.span);
                let (condition_tokens, action_tokens) = condition::split_condition(&clause);
                if let Some(condition_tokens) = condition_tokens {
                    context.condition_words = tokens::written(&condition_tokens);
                    let condition_span = tokens::span_of(&condition_tokens).unwrap_or(clause_span);
                    let (classified, rule) = rules::classify(&condition_tokens);
                    context.rule = rule;
                    if let Condition::Answer {
                        yes,
                        words: answer_words,
                    } = &classified
                    {
                        if answer_words.is_empty() {
                            context.condition_words = self.answer_reason(*yes, local);
                        }
                    }
                    match self.attach(classified, local, condition_span, &context) {
                        Some(target) => local = target,
                        None => continue,
                    }
                }
                for result in rules::read_actions(&action_tokens) {
                    match result {
                        Ok((action, rule)) => {
                            let span = clause_span;
                            context.rule = rule;
                            if let Some(id) = self.action(action, local, span, &context) {
                                offer = Some(id);
                            }
                        }
                        Err(phrase) => {
                            let span = tokens::span_of(&phrase).unwrap_or(clause_span);
                            self.unread(span, &tokens::written(&phrase), local, &context);
                        }
                    }
                }
            }
        }
        // `Label: what to do` sub-items under a question are its options.
        let question_here = self.arena[local].stmts.last().copied().filter(|&id| {
            self.arena[id].origin.step == item.label
                && matches!(self.arena[id].kind, Building::Ask { .. })
        });
        let labelled_children = item.children.len() >= 2
            && item
                .children
                .iter()
                .all(|child| option_label(&tokens::tokens(&child.text)).is_some());
        // As many sub-items as the question has alternatives: one each, in order.
        let positional = question_here.filter(|&question| {
            matches!(&self.arena[question].kind, Building::Ask { slot: Slot::Options(options), .. } if options.len() == item.children.len())
        });
        match (offer, question_here) {
            (Some(offer), _) => self.offer_options(offer, item, &context),
            (None, Some(question)) if positional.is_some() => {
                let labels = match &self.arena[question].kind {
                    Building::Ask {
                        slot: Slot::Options(options),
                        ..
                    } => options.clone(),
                    _ => Vec::new(),
                };
                self.offer_options(question, item, &context);
                // Keep the question's own wording of the alternatives.
                if let Building::Ask { slot, prompt, .. } = &mut self.arena[question].kind {
                    *slot = Slot::Options(labels.clone());
                    *prompt = message::choice_prompt(
                        &[],
                        &labels,
                        &Scope {
                            bindings: Vec::new(),
                            catalog: self.catalog,
                        },
                    );
                }
                self.asked.insert(
                    match &self.arena[question].kind {
                        Building::Ask { var, .. } => var.clone(),
                        _ => String::new(),
                    },
                    Slot::Options(labels),
                );
            }
            (None, Some(question)) if labelled_children => {
                self.choices.insert(question);
                self.offer_options(question, item, &context)
            }
            _ => {
                for child in &item.children {
                    self.item(child, local);
                }
            }
        }
    }

    /// The sub-items of `offer retention options:` are the options, each
    /// `Label: what to do`.
    pub(super) fn offer_options(&mut self, offer: StmtId, item: &Item, context: &ItemContext) {
        let mut labels = Vec::new();
        let mut bodies = Vec::new();
        for child in &item.children {
            let tokens = tokens::tokens(&child.text);
            // `Label: what to do`; a sub-item without a label is both the
            // option's name and what it does.
            let (label_tokens, rest) = match option_label(&tokens) {
                Some(separator) => (&tokens[..separator], &tokens[separator + 1..]),
                None => (&tokens[..], &tokens[..]),
            };
            let label = tokens::written(label_tokens);
            let block = self.arena.new_block(offer);
            labels.push(label);
            bodies.push(block);
            let mut child_context = ItemContext {
                step: child.label.clone(),
                condition_words: context.condition_words.clone(),
                extracted_by: ExtractedBy::Rules,
                rule: "option",
            };
            for sentence in tokens::sentences(rest) {
                for result in rules::read_actions(&sentence) {
                    match result {
                        Ok((action, rule)) => {
                            let span = tokens::span_of(&sentence).unwrap_or(child.span);
                            child_context.rule = rule;
                            self.action(action, block, span, &child_context);
                        }
                        Err(phrase) => {
                            let span = tokens::span_of(&phrase).unwrap_or(child.span);
                            self.unread(span, &tokens::written(&phrase), block, &child_context);
                        }
                    }
                }
            }
            for grandchild in &child.children {
                self.item(grandchild, block);
            }
        }
        let prompt = if self.choices.contains(&offer) {
            message::choice_prompt(&[], &labels, &self.scope_at(self.arena[offer].block))
        } else {
            message::offer_prompt(&labels)
        };
        if let Building::Ask {
            slot,
            options,
            prompt: ask_prompt,
            var,
            ..
        } = &mut self.arena[offer].kind
        {
            *slot = Slot::Options(labels.clone());
            *options = bodies;
            *ask_prompt = prompt;
            let var = var.clone();
            self.asked.insert(var, Slot::Options(labels));
        }
    }
}

/// Where `Label: what to do` (or `Label - what to do`) splits: the
/// separator's index, when a short label comes before it.
pub(super) fn option_label(tokens: &[Token]) -> Option<usize> {
    let separator = tokens
        .iter()
        .take(8)
        .position(|token| token.is_punct(':') || token.is_punct('-'))?;
    let label_words = tokens[..separator]
        .iter()
        .filter(|token| token.word().is_some())
        .count();
    (1..=6).contains(&label_words).then_some(separator)
}
