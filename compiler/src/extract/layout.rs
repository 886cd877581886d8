//! Item layout: what an item is — a note, a heading, a step read sentence
//! by sentence, or a question whose sub-items are its options.

use super::arena::{BlockId, Building, StmtId};
use super::attach::names_an_answer;
use super::clauses;
use super::condition::{self, Condition};
use super::lexicon::Class;
use super::rules::{self, ItemShape};
use super::scope::Scope;
use super::tokens::{self, Tok, Token};
use super::{Builder, ItemContext, message, origin};
use crate::ir::{ExtractedBy, Slot, StmtKind};
use crate::source::Span;
use crate::syntax::{Item, MarkerKind};

impl Builder<'_> {
    /// Attaches a condition from every block the item runs in.
    fn attach_everywhere(
        &mut self,
        condition: Condition,
        locals: &[BlockId],
        span: Span,
        context: &ItemContext,
    ) -> Vec<BlockId> {
        let mut next = Vec::new();
        for &local in locals {
            for block in self.attach(condition.clone(), local, span, context) {
                if !next.contains(&block) {
                    next.push(block);
                }
            }
        }
        next
    }

    /// A label (`Not found`, `"Shipped"`, `Yes`, `Refund`) as a condition,
    /// when it reads as one: anything but a plain answer with words, which
    /// reads as one only when it names an answer (`Declined`), an option
    /// of a question before it (`Refund`), or a value of an enum field in
    /// scope (`Monthly`).
    fn label_condition(
        &self,
        label: &[Token],
        current: BlockId,
    ) -> Option<(Condition, &'static str)> {
        let (condition, rule) = rules::classify(label);
        match &condition {
            Condition::Answer { words, .. } if !words.is_empty() => {
                let names_option = self
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
                    .any(|question| self.option_named(question, words).is_some());
                if names_an_answer(words) || names_option {
                    return Some((condition, rule));
                }
                // `Monthly:` over a plan's values.
                let values = self.unquoted_values(condition, current);
                matches!(values, Condition::Values { .. }).then_some((values, "values"))
            }
            _ => Some((condition, rule)),
        }
    }

    /// An answer whose words name values of an enum field in scope, without
    /// quotes (`If the plan is annual`, `Monthly:`), compares that field.
    pub(super) fn unquoted_values(&self, condition: Condition, current: BlockId) -> Condition {
        let Condition::Answer { yes: true, words } = &condition else {
            return condition;
        };
        let named = self.enum_values_named(words, current);
        if named.is_empty() {
            return condition;
        }
        Condition::Values {
            subject: None,
            values: named,
            hint_words: words
                .iter()
                .filter_map(Token::word)
                .map(str::to_string)
                .collect(),
            tokens: words.clone(),
            still: false,
        }
    }

    /// The values of enum fields in scope that the words spell out, each
    /// with its span (`in transit` from two words).
    fn enum_values_named(
        &self,
        words: &[Token],
        current: BlockId,
    ) -> Vec<(String, crate::source::Span)> {
        let scope = self.scope_at(current);
        let mut found = Vec::new();
        let fields = scope.all_enum_fields();
        let mut index = 0;
        while index < words.len() {
            let mut matched = None;
            for (_, domain) in &fields {
                for value in domain {
                    let parts: Vec<String> = value
                        .to_lowercase()
                        .split(|c: char| c.is_whitespace() || c == '_')
                        .map(str::to_string)
                        .collect();
                    let here: Vec<&str> = words[index..]
                        .iter()
                        .take(parts.len())
                        .filter_map(Token::word)
                        .collect();
                    if here.len() == parts.len()
                        && here.iter().zip(&parts).all(|(word, part)| word == part)
                        && matched.as_ref().is_none_or(|(known, _): &(String, usize)| {
                            parts.len() > known.split_whitespace().count()
                        })
                    {
                        matched = Some((value.clone(), parts.len()));
                    }
                }
            }
            match matched {
                Some((value, length)) => {
                    let span =
                        tokens::span_of(&words[index..index + length]).unwrap_or(words[index].span);
                    found.push((value, span));
                    index += length;
                }
                None => index += 1,
            }
        }
        found
    }

    /// Whether `block` ends the conversation's branch: its last statement
    /// hands off, ends or jumps, or is a retry (whose `again` goes back to
    /// the lookup) whose exhausted branch ends too (`If no match: ask once
    /// more. If still no match: hand off.` — what follows in the item goes
    /// on after the lookup, not after the retry, where nothing can reach it).
    fn block_ends(&self, block: BlockId) -> bool {
        self.arena[block]
            .stmts
            .last()
            .is_some_and(|&last| match &self.arena[last].kind {
                Building::Simple(
                    StmtKind::Escalate(_)
                    | StmtKind::End(_)
                    | StmtKind::Goto(_)
                    | StmtKind::Continue(Some(_)),
                ) => true,
                Building::Retry {
                    exhausted: Some(exhausted),
                    ..
                } => self.block_ends(*exhausted),
                _ => false,
            })
    }

    /// `block`, or, when it ends in a hand-off, an ending or a jump, the
    /// nearest block around it that does not, up to the item's own block
    /// `floor`: where the item's text goes on.
    fn open_block(&self, block: BlockId, floor: BlockId) -> BlockId {
        let mut current = block;
        loop {
            if current == floor {
                return current;
            }
            let ended = self.block_ends(current);
            match self.arena[current].parent {
                Some(parent) if ended => current = self.arena[parent].block,
                _ => return current,
            }
        }
    }

    /// Reads a clause's actions into every block the item runs in.
    fn read_clause(
        &mut self,
        action_tokens: &[Token],
        locals: &[BlockId],
        clause_span: Span,
        context: &mut ItemContext,
        offer: &mut Option<StmtId>,
    ) {
        // `go back to 4.3 and offer the link instead`: nothing after a jump
        // in the same clause can run; it is reported, never left dead.
        let mut jumped_to: Option<String> = None;
        for result in rules::read_clause_actions(action_tokens) {
            match result {
                Ok((action, rule)) => {
                    if let Some(target) = &jumped_to {
                        if !matches!(
                            action,
                            super::action::Action::Note { .. }
                                | super::action::Action::Statement { .. }
                        ) {
                            self.diagnostics.push(
                                crate::diagnostic::Diagnostic::error(
                                    crate::diagnostic::codes::UNREAD_WORDS,
                                    format!(
                                        "what follows the jump to {target} in \"{}\" would never run: a jump ends its branch",
                                        tokens::written(action_tokens)
                                    ),
                                )
                                .at(clause_span)
                                .hint("put it before the jump, or leave it out if the step jumped to does it"),
                            );
                            continue;
                        }
                    }
                    if let super::action::Action::Continue { step: Some(target) } = &action {
                        jumped_to = Some(target.written());
                    }
                    context.rule = rule;
                    for &local in locals {
                        if let Some(id) = self.action(action.clone(), local, clause_span, context) {
                            *offer = Some(id);
                        }
                    }
                }
                Err(phrase) => {
                    let span = tokens::span_of(&phrase).unwrap_or(clause_span);
                    // `→ Renewal switch`: a place on its own is a jump to it.
                    let mut jumped = false;
                    for &local in locals {
                        jumped = self.bare_jump(&phrase, local, origin(context, span), span);
                        if !jumped {
                            break;
                        }
                    }
                    if jumped {
                        continue;
                    }
                    match rules::unread_guard(&phrase) {
                        Some(guard) => {
                            self.unread_words(span, &phrase, &guard, locals[0], context);
                        }
                        None => self.unread(span, &tokens::written(&phrase), locals[0], context),
                    }
                }
            }
        }
    }

    pub(super) fn item(&mut self, item: &Item, block: BlockId) {
        let tokens = tokens::tokens(&item.text);
        // The first numbered or lettered step, or anything naming a tool
        // or policy, ends the introduction.
        if matches!(item.marker, MarkerKind::Number | MarkerKind::Letter)
            || tokens
                .iter()
                .any(|token| matches!(token.kind, Tok::Tool { .. } | Tok::Policy(_)))
        {
            self.in_introduction = false;
        }
        let mut context = ItemContext {
            step: item.label.clone(),
            condition_words: String::new(),
            condition_written: String::new(),
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
        // The blocks the item's text runs in: one, or one per option a
        // condition names (`If "a" or "b", …` on an options question).
        let mut locals: Vec<BlockId> = vec![block];
        let mut offer: Option<StmtId> = None;
        let sentences = tokens::sentences_ending(&tokens);
        for (index, (sentence, ending)) in sentences.iter().cloned().enumerate() {
            // `Then check where they subscribed. If it was "web", …`: a
            // check written as a lead-in to the conditions right after it
            // is what they test; kept as a note, never a state.
            if let Some((next, _)) = sentences.get(index + 1) {
                if clauses::lead_in_check(&sentence, next) {
                    context.rule = "lead-in check";
                    let span = tokens::span_of(&sentence).unwrap_or(item.span);
                    self.notes
                        .push((origin(&context, span), tokens::written(&sentence)));
                    continue;
                }
            }
            // `Member: a. ask … b. check …`: letters written inline as
            // markers of sub-steps, and a section name before them.
            if let Some(title) = inline_marker(&sentence) {
                if let Some(title) = title {
                    self.push(
                        locals[0],
                        Building::Simple(StmtKind::Section(title)),
                        origin(&context, tokens::span_of(&sentence).unwrap_or(item.span)),
                    );
                }
                continue;
            }
            // `Is the service down right now? (yes/no)`: the answers a
            // question takes, written after it, say nothing more.
            if clauses::answers_annotation(&sentence) {
                continue;
            }
            // `Read back: … . Schedule that?`: what no rule reads right
            // after a read-back in its step is more of it, or its question.
            if self.extends_read_back(&sentence, ending, &locals, &context) {
                continue;
            }
            // `Not found?` alone is a condition for the rest of the item.
            if ending == Some('?') {
                if let Some(condition_tokens) = condition::elliptic(&sentence) {
                    if let Some(condition) = self.label_condition(&condition_tokens, locals[0]) {
                        let span = tokens::span_of(&sentence).unwrap_or(item.span);
                        context.condition_words = tokens::written(&sentence);
                        context.condition_written = context.condition_words.clone();
                        context.rule = condition.1;
                        let next = self.attach_everywhere(condition.0, &locals, span, &context);
                        if !next.is_empty() {
                            locals = next;
                        }
                        continue;
                    }
                }
            }
            // `Hand off to a CSR if there's no match`: a trailing guard on
            // what ends the branch is read as the condition it is (see
            // `rules::trailing_guard`); what follows goes on outside it.
            let clauses = clauses::read_order(&sentence);
            let mut after_turned = false;
            for (clause_index, (clause, turned)) in clauses.into_iter().enumerate() {
                let clause_span = tokens::span_of(&clause).unwrap_or(item.span);
                let (mut condition_tokens, mut action_tokens) = condition::split_condition(&clause);
                let reopen = std::mem::replace(&mut after_turned, turned);
                // `… if it isn't on the list, hand off; if it's "delivered",
                // …`: a branch that ended (a hand-off, an ending, a jump)
                // takes nothing more: the next sentence, or the next
                // condition, goes on where that branch was opened.
                // (`Otherwise` is about the last condition, wherever it was.)
                let otherwise = condition_tokens
                    .as_ref()
                    .and_then(|tokens| tokens.first())
                    .is_some_and(|first| first.is_a(Class::Otherwise));
                if !otherwise && (clause_index == 0 || condition_tokens.is_some() || reopen) {
                    locals = locals
                        .iter()
                        .map(|&local| self.open_block(local, block))
                        .fold(Vec::new(), |mut open, block| {
                            if !open.contains(&block) {
                                open.push(block);
                            }
                            open
                        });
                }
                // `Provide the tracking number, unless it was canceled.`: a
                // condition after what it guards, with nothing of its own
                // to do, is not read (never a branch the rest runs in).
                if clause_index > 0
                    && !self.in_introduction
                    && !action_tokens.iter().any(|token| token.word().is_some())
                {
                    if let Some(trailing) = &condition_tokens {
                        if !trailing[0].is_a(Class::Otherwise) {
                            self.unread_words(
                                clause_span,
                                &sentence,
                                trailing,
                                locals[0],
                                &context,
                            );
                            continue;
                        }
                    }
                }
                let mut classified = condition_tokens
                    .as_ref()
                    .map(|tokens| rules::classify(tokens));
                let mut label_line = false;
                // `Not found: ask again`, `"Shipped": …`, `Yes → @refund(…)`.
                if condition_tokens.is_none() {
                    if let Some((label, rest)) = condition::split_label(&clause) {
                        if let Some(read) = self.label_condition(&label, locals[0]) {
                            condition_tokens = Some(label);
                            action_tokens = rest;
                            classified = Some(read);
                            label_line = true;
                        }
                    }
                }
                // `Once the order is selected, …` is context, not a condition:
                // `once` opens a condition only about an answer or a call.
                if condition_tokens
                    .as_ref()
                    .is_some_and(|tokens| tokens[0].is("once"))
                    && matches!(&classified, Some((Condition::Answer { words, .. }, _)) if !words.is_empty() && !names_an_answer(words))
                {
                    action_tokens = clause[..].to_vec();
                    condition_tokens = None;
                    classified = None;
                }
                if let (Some(condition_tokens), Some((classified, rule))) =
                    (condition_tokens, classified)
                {
                    // A label's `if` is keel's, not the author's.
                    let written = if label_line {
                        &condition_tokens[1..]
                    } else {
                        &condition_tokens[..]
                    };
                    context.condition_words = tokens::written(written);
                    context.condition_written = context.condition_words.clone();
                    let condition_span = tokens::span_of(&condition_tokens).unwrap_or(clause_span);
                    context.rule = rule;
                    // `If A, or B, …`: what follows runs in both outcomes.
                    let alternatives = condition::alternatives(&condition_tokens);
                    if alternatives.len() > 1 {
                        let mut next = Vec::new();
                        let read: Vec<(Condition, &'static str)> =
                            alternatives.iter().map(|a| rules::classify(a)).collect();
                        // `If they say no, or they want to think it over`:
                        // words beside a bare yes or no that say no yes or
                        // no of their own (`want`, `prefer`, not `accept`,
                        // `decline`) are that answer.
                        let bare = read.iter().find_map(|(condition, _)| match condition {
                            Condition::Answer { yes, words } if words.is_empty() => Some(*yes),
                            _ => None,
                        });
                        for (alternative, (classified, rule)) in alternatives.iter().zip(read) {
                            let classified = match (classified, bare) {
                                (Condition::Answer { words, .. }, Some(yes))
                                    if !words.is_empty()
                                        && !words.iter().any(|t| {
                                            t.is_a(Class::BareAnswer) || t.is_a(Class::Negation)
                                        }) =>
                                {
                                    Condition::Answer { yes, words }
                                }
                                (classified, _) => classified,
                            };
                            context.rule = rule;
                            context.condition_written = tokens::written(alternative);
                            let span = tokens::span_of(alternative).unwrap_or(condition_span);
                            for block in self.attach_everywhere(classified, &locals, span, &context)
                            {
                                if !next.contains(&block) {
                                    next.push(block);
                                }
                            }
                        }
                        if next.is_empty() {
                            continue;
                        }
                        locals = next;
                        self.read_clause(
                            &action_tokens,
                            &locals,
                            clause_span,
                            &mut context,
                            &mut offer,
                        );
                        continue;
                    }
                    if let Condition::Answer {
                        yes,
                        words: answer_words,
                    } = &classified
                    {
                        if answer_words.is_empty() {
                            context.condition_words = self.answer_reason(*yes, locals[0]);
                        }
                    }
                    let next =
                        self.attach_everywhere(classified, &locals, condition_span, &context);
                    if next.is_empty() {
                        continue;
                    }
                    locals = next;
                    if !label_line {
                        self.last_condition = Some((
                            locals[0],
                            context.step.clone(),
                            condition_tokens[1..].to_vec(),
                        ));
                    }
                }
                self.read_clause(
                    &action_tokens,
                    &locals,
                    clause_span,
                    &mut context,
                    &mut offer,
                );
            }
        }
        let local = locals[0];
        // `Label: what to do` sub-items under a question are its options.
        let question_here = self.arena[local].stmts.last().copied().filter(|&id| {
            self.arena[id].origin.step == item.label
                && matches!(self.arena[id].kind, Building::Ask { .. })
        });
        // `Yes – …` / `No – …` under a yes/no question answer it: they are
        // not options of a new choice.
        let answers_yes_no = question_here.is_some_and(|question| {
            matches!(
                &self.arena[question].kind,
                Building::Ask {
                    slot: Slot::YesNo,
                    ..
                }
            )
        }) && item.children.iter().all(|child| {
            tokens::tokens(&child.text)
                .first()
                .is_some_and(|first| first.is_a(Class::YesOrNo))
        });
        let labelled_children = item.children.len() >= 2
            && !answers_yes_no
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

    /// A sentence right after a read-back in the same step that no rule
    /// reads and that states no condition: a statement is more of what is
    /// read back, a question (`Schedule that?`) is how it asks.
    fn extends_read_back(
        &mut self,
        sentence: &[Token],
        ending: Option<char>,
        locals: &[BlockId],
        context: &ItemContext,
    ) -> bool {
        let Some((block, step, id)) = self.read_back.clone() else {
            return false;
        };
        let last_here = self.arena[block].stmts.last() == Some(&id);
        if step != context.step || !locals.contains(&block) || !last_here {
            return false;
        }
        // Unread, or read only as a statement (a note no one hears).
        let unread = rules::read_actions(sentence).iter().all(|read| {
            matches!(
                read,
                Err(_) | Ok((super::action::Action::Statement { .. }, _))
            )
        });
        // `Yes: go to step 8` is a label line, not more of the read-back.
        let condition = sentence
            .iter()
            .any(|t| t.is_a(Class::ConditionOpener) || t.is_a(Class::Otherwise))
            || condition::split_label(sentence).is_some()
            || sentence.first().is_some_and(|t| t.is_a(Class::YesOrNo));
        if !unread || condition {
            return false;
        }
        let scope = self.scope_at(block);
        let Building::Ask { prompt, .. } = &mut self.arena[id].kind else {
            return false;
        };
        let suffix = " Is that right?";
        let Some(crate::ir::MessagePart::Text(last)) = prompt.parts.last_mut() else {
            return false;
        };
        let Some(kept) = last.strip_suffix(suffix) else {
            return false;
        };
        *last = kept.to_string();
        if ending == Some('?') {
            let question = tokens::written(sentence);
            let mut question_chars = question.chars();
            let question: String = question_chars
                .next()
                .map(|first| first.to_uppercase().chain(question_chars).collect())
                .unwrap_or_default();
            prompt
                .parts
                .push(crate::ir::MessagePart::Text(format!(" {question}?")));
        } else {
            let said = message::statement(sentence, super::action::Opening::Plain, &scope);
            prompt
                .parts
                .push(crate::ir::MessagePart::Text(" ".to_string()));
            prompt.parts.extend(said.parts);
            prompt
                .parts
                .push(crate::ir::MessagePart::Text(suffix.to_string()));
        }
        prompt.normalise();
        true
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
                // `Refund -> step 8`: the arrow's `>` goes with it.
                Some(separator) => {
                    let arrow = tokens.get(separator + 1).is_some_and(|t| t.is_punct('>'));
                    (
                        &tokens[..separator],
                        &tokens[separator + 1 + usize::from(arrow)..],
                    )
                }
                None => (&tokens[..], &tokens[..]),
            };
            let label = tokens::written(label_tokens);
            let block = self.arena.new_block(offer);
            labels.push(label);
            bodies.push(block);
            let mut child_context = ItemContext {
                step: child.label.clone(),
                condition_words: context.condition_words.clone(),
                condition_written: context.condition_written.clone(),
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
                            if self.bare_jump(&phrase, block, origin(&child_context, span), span) {
                                continue;
                            }
                            match rules::unread_guard(&phrase) {
                                Some(guard) => {
                                    self.unread_words(span, &phrase, &guard, block, &child_context)
                                }
                                None => self.unread(
                                    span,
                                    &tokens::written(&phrase),
                                    block,
                                    &child_context,
                                ),
                            }
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

/// `b` alone, or `Member: a`: a sentence that is only the marker of an
/// inline sub-step (`a. ask … b. check …`), with the section name written
/// before it (`Some(None)` when there is none); `None` for any other sentence.
fn inline_marker(sentence: &[Token]) -> Option<Option<String>> {
    let (last, before) = sentence.split_last()?;
    let is_marker = last.word().is_some_and(|word| {
        word.len() == 1 && word.chars().all(|c| c.is_ascii_lowercase()) && word != "i"
    });
    if !is_marker {
        return None;
    }
    match before {
        [] => Some(None),
        [title @ .., colon] if colon.is_punct(':') && !title.is_empty() => {
            let words = title.iter().filter(|token| token.word().is_some()).count();
            let plain = title
                .iter()
                .all(|token| matches!(token.kind, Tok::Word { .. }));
            (plain && words <= 5).then(|| Some(tokens::written(title)))
        }
        _ => None,
    }
}

/// Where `Label: what to do` (or `Label - what to do`) splits: the
/// separator's index, when a short label comes before it.
pub(super) fn option_label(tokens: &[Token]) -> Option<usize> {
    let separator = tokens
        .iter()
        .take(8)
        .position(|token| token.is_punct(':') || token.is_punct('-') || token.is_punct('→'))?;
    let label_words = tokens[..separator]
        .iter()
        .filter(|token| token.word().is_some())
        .count();
    (1..=6).contains(&label_words).then_some(separator)
}
