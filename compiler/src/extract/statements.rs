//! Statements: each action a rule read becomes statements in the arena,
//! with names resolved against the catalog and the variables in scope.

use super::action::{self, Action};
use super::arena::{BlockId, Building, StmtId, ask_building};
use super::lexicon::{self, Class};
use super::message;
use super::predicate::{PredicateRead, predicate};
use super::scope::{self, Scope};
use super::tokens::{self, Tok, Token};
use super::{Builder, ItemContext, origin};
use crate::catalog::Type;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Escalate, Message, Origin, Path, PolicyRef, Slot, StmtKind};
use crate::source::Span;

impl Builder<'_> {
    /// Adds the statements for one action. Returns the id of an offer ask,
    /// whose options the item's sub-items define.
    pub(super) fn action(
        &mut self,
        action: Action,
        block: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Option<StmtId> {
        let here = origin(context, span);
        let scope = self.scope_at(block);
        match action {
            Action::Note { text } => {
                self.notes.push((here, text));
            }
            Action::Again { text } => {
                // After asking for the value again, the retry runs the
                // lookup again: the words say what it does already.
                let after_retry = self.arena[block]
                    .stmts
                    .iter()
                    .any(|&stmt| matches!(self.arena[stmt].kind, Building::Retry { .. }));
                if after_retry {
                    self.notes.push((here, text));
                } else {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::UNRECOGNISED_SENTENCE,
                            format!("\"{text}\" repeats a lookup, but nothing before it in this branch asks for the value again"),
                        )
                        .at(span)
                        .hint("ask for the value again first (`ask them to check the address and send it again`): that retries the lookup; see `again` in docs/policy-language.md"),
                    );
                }
            }
            Action::Statement { words } => {
                self.notes.push((here.clone(), tokens::written(&words)));
                self.last_statement = Some((block, here.step, words));
            }
            Action::SayPrevious => match self.last_statement.take() {
                Some((said_in, step, words)) if said_in == block && step == here.step => {
                    let message = message::statement(&words, action::Opening::Plain, &scope);
                    self.say(block, message, here);
                }
                // `If nothing is open, say so`: the condition is what to say.
                _ if self.last_condition.as_ref().is_some_and(|(opened, step, words)| {
                    *opened == block && *step == here.step && !words.is_empty()
                }) =>
                {
                    let words = self
                        .last_condition
                        .as_ref()
                        .map(|(_, _, words)| words.clone())
                        .unwrap_or_default();
                    let message = message::statement(&words, action::Opening::Plain, &scope);
                    self.say(block, message, here);
                }
                _ => self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNRECOGNISED_SENTENCE,
                        "`tell them` says nothing here: there is no statement just before it in this step",
                    )
                    .at(span)
                    .hint("say what: `Tell them that the order was cancelled.`"),
                ),
            },
            Action::AskValue { noun, retry } => {
                // Asking, after a lookup found nothing, for the value that
                // lookup used is a retry of the lookup, whatever the wording.
                let in_not_found = self.not_found_call(block);
                let asks_for_lookup_value =
                    in_not_found.is_some_and(|call| self.asks_for_argument_of(call, &noun));
                match in_not_found {
                    Some(call) if retry || asks_for_lookup_value => {
                        self.retry(call, block, &noun, here)
                    }
                    _ => {
                        for part in compound_nouns(&noun) {
                            self.ask_value(&part, block, here.clone(), &self.scope_at(block));
                        }
                    }
                }
            }
            Action::AskYesNo { question } => {
                // `Ask them to confirm (with a clear yes)` right after a
                // read-back is that question, not a second one.
                let asks_nothing_more = question
                    .iter()
                    .all(|token| token.word().is_none() || token.is_a(Class::ConfirmFiller));
                if asks_nothing_more {
                    match &self.read_back {
                        Some((read_in, step, _)) if *read_in == block && *step == here.step => {
                            return None;
                        }
                        _ if question.is_empty() => {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    codes::UNRECOGNISED_SENTENCE,
                                    "`ask them to confirm` confirms nothing here: there is no read-back just before it in this step",
                                )
                                .at(span)
                                .hint("say what to confirm: `Read back: … Ask them to confirm.`, or `Ask the customer to confirm that …`"),
                            );
                            return None;
                        }
                        _ => {}
                    }
                }
                let prompt = message::yes_no_question(&question, &scope);
                // `Read back: … , and ask whether that's right / they want
                // to go ahead`: the read-back's own question, in these words.
                if let Some((read_in, step, id)) = self.read_back.clone() {
                    let last = self.arena[read_in].stmts.last() == Some(&id);
                    if read_in == block && step == here.step && last {
                        if let Building::Ask {
                            prompt: asked,
                            slot: Slot::YesNo,
                            ..
                        } = &mut self.arena[id].kind
                        {
                            if let Some(ir::MessagePart::Text(text)) = asked.parts.last_mut() {
                                if let Some(kept) = text.strip_suffix(" Is that right?") {
                                    *text = format!("{kept} ");
                                    asked.parts.extend(prompt.parts);
                                    asked.normalise();
                                    return None;
                                }
                            }
                        }
                    }
                }
                let plain: Vec<Token> = question
                    .iter()
                    .filter(|token| !matches!(token.kind, Tok::Var(_)))
                    .cloned()
                    .collect();
                let var = unique_var(&self.var_name(&plain, "answer"), &scope);
                self.arena.bind(&var, Type::Bool, block);
                self.push(block, ask_building(Slot::YesNo, var, prompt), here);
            }
            Action::AskWhich { noun } => self.ask_which(&noun, block, here, &scope),
            Action::AskWhichOf {
                list,
                noun,
                several,
                var,
            } => self.ask_which_of(Path(list), &noun, several, var, block, here, &scope),
            Action::Set { var, value } => {
                let ty = self.value_type(&value, &scope);
                self.arena.bind(&var, ty, block);
                self.push(block, Building::Simple(StmtKind::Set { var, value }), here);
            }
            Action::Display { noun } => {
                let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
                // `Display $order.items`: the list the path names.
                let named_list = noun.iter().find_map(|token| match &token.kind {
                    Tok::Var(path) => scope
                        .path_type(path)
                        .filter(|ty| matches!(ty.required(), Type::List(_)))
                        .map(|_| Path(path.clone())),
                    _ => None,
                });
                if let Some(list) = named_list {
                    let mut message = Message::text("");
                    message.parts.push(ir::MessagePart::List(list));
                    message.normalise();
                    self.push(block, Building::Simple(StmtKind::Say(message)), here);
                    return None;
                }
                match scope.list_var(&words) {
                    Some((list, _)) => {
                        let shown: Vec<&str> = scope::content_words(&words)
                            .into_iter()
                            .filter(|word| *word != "list")
                            .collect();
                        let mut message =
                            Message::text(format!("Here are your {}:\n", shown.join(" ")));
                        message.parts.push(ir::MessagePart::List(Path::var(&list)));
                        self.push(block, Building::Simple(StmtKind::Say(message)), here);
                    }
                    None => match message::field_sentence(&noun, &scope) {
                        Ok(message) => {
                            self.push(block, Building::Simple(StmtKind::Say(message)), here);
                        }
                        Err(why) => self.unknown_field(span, &why),
                    },
                }
            }
            Action::Call {
                tool,
                args,
                span: tool_span,
                bind,
                check,
                message: purpose_message,
            } => {
                self.call(
                    &tool,
                    &args,
                    tool_span,
                    bind,
                    purpose_message.as_deref(),
                    block,
                    here.clone(),
                    &scope,
                );
                if let Some(predicate_words) = check {
                    self.check(&predicate_words, block, span, here);
                }
            }
            Action::SeveralTools { names } => {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::SEVERAL_TOOLS,
                        format!("one step names several tools ({}) and does not say which runs when", names.iter().map(|name| format!("@{name}")).collect::<Vec<_>>().join(", ")),
                    )
                    .at(span)
                    .hint("give each tool its own step or option, e.g. `Discount Offer: Use @set_discount_to_order …`"),
                );
            }
            Action::Check {
                predicate: predicate_words,
            } => self.check(&predicate_words, block, span, here),
            Action::Say {
                words: said,
                opening,
            } => {
                let message = message::statement(&said, opening, &scope);
                let promises_handoff = promises_handoff(&said);
                self.say(block, message, here.clone());
                if promises_handoff {
                    let reason = said
                        .iter()
                        .rposition(|token| token.is("for"))
                        .map(|position| tokens::written(&said[position + 1..]))
                        .filter(|reason| !reason.is_empty());
                    self.escalate(block, reason, None, false, here, context);
                }
            }
            Action::Provide { noun } => match message::field_sentence(&noun, &scope) {
                Ok(message) => self.say(block, message, here),
                Err(why) => self.unknown_field(span, &why),
            },
            Action::Escalate {
                reason,
                queue,
                ticket,
            } => self.escalate(block, reason, queue, ticket, here, context),
            Action::Goto {
                policy,
                span: reference,
            } => {
                self.push(
                    block,
                    Building::Simple(StmtKind::Goto(PolicyRef {
                        policy,
                        section: None,
                        span: reference,
                    })),
                    here,
                );
            }
            Action::Enter {
                policy,
                section,
                span: reference,
            } => {
                self.push(
                    block,
                    Building::Simple(StmtKind::Enter(PolicyRef {
                        policy,
                        section: Some(section),
                        span: reference,
                    })),
                    here,
                );
            }
            Action::End { outcome } => {
                self.push(block, Building::Simple(StmtKind::End(outcome)), here);
            }
            Action::Continue { step: None } => {
                self.push(block, Building::Simple(StmtKind::Continue(None)), here);
            }
            Action::Continue { step: Some(target) } => {
                self.jump(block, target, None, here, span);
            }
            Action::Wait { seconds, wording } => {
                self.push(
                    block,
                    Building::Simple(StmtKind::Wait(crate::ir::Wait { seconds, wording })),
                    here,
                );
            }
            Action::Repeat { step, limit } => {
                self.jump(block, step, Some(limit), here, span);
            }
            Action::AskQuoted { question } => {
                // `Is that right?` at the end makes a read-back a yes/no.
                let last_sentence = question
                    .trim_end_matches(['?', ' '])
                    .rsplit(['.', '!', '?', ':'])
                    .next()
                    .unwrap_or("");
                let opens = |text: &str| {
                    let first = text.split_whitespace().next().unwrap_or("").to_lowercase();
                    lexicon::is(&first, Class::QuestionOpener)
                };
                let yes_no = opens(&question) || (question.ends_with('?') && opens(last_sentence));
                let (slot, ty, base) = if yes_no {
                    (Slot::YesNo, Type::Bool, "answer")
                } else {
                    (Slot::Text, Type::String, "reply")
                };
                let (prompt, unknown) = message::quoted(&question, &scope);
                for name in unknown {
                    self.unknown_field(span, &format!("`${name}` is not known here"));
                }
                let var = unique_var(base, &scope);
                self.arena.bind(&var, ty, block);
                let id = self.push(block, ask_building(slot, var, prompt), here.clone());
                if yes_no {
                    self.read_back = Some((block, here.step, id));
                }
            }
            Action::ReadBack { content, quoted } => {
                let prompt = match (quoted, content.is_empty()) {
                    (Some(text), _) => {
                        let (prompt, unknown) = message::quoted(&text, &scope);
                        for name in unknown {
                            self.unknown_field(span, &format!("`${name}` is not known here"));
                        }
                        prompt
                    }
                    (None, false) => message::read_back(&content, &scope),
                    // `Read the refund back and ask …`: the next question is it.
                    (None, true) => return None,
                };
                let var = unique_var("confirmed", &scope);
                self.arena.bind(&var, Type::Bool, block);
                let id = self.push(block, ask_building(Slot::YesNo, var, prompt), here.clone());
                self.read_back = Some((block, here.step, id));
            }
            Action::AskChoice { question, options } => {
                let prompt = message::choice_prompt(&question, &options, &scope);
                let var = unique_var(&self.var_name(&question, "choice"), &scope);
                self.arena.bind(&var, Type::String, block);
                let option_count = options.len();
                let id = self.push(
                    block,
                    ask_building(Slot::Options(options), var, prompt),
                    here,
                );
                let bodies: Vec<BlockId> = (0..option_count)
                    .map(|_| self.arena.new_block(id))
                    .collect();
                if let Building::Ask { options, .. } = &mut self.arena[id].kind {
                    *options = bodies;
                }
                self.choices.insert(id);
            }
            Action::OfferOptions => {
                let var = unique_var("offer", &scope);
                self.arena.bind(&var, Type::String, block);
                let id = self.push(
                    block,
                    ask_building(Slot::Options(Vec::new()), var, Message::default()),
                    here,
                );
                return Some(id);
            }
            Action::OfferOne { words: offered } => {
                let mut question: Vec<Token> = ["you", "would", "like"]
                    .iter()
                    .map(|word| Token::word_at(word, span))
                    .collect();
                question.extend(offered.iter().cloned());
                let prompt = message::yes_no_question(&question, &scope);
                let var = unique_var(&self.var_name(&offered, "accepts_offer"), &scope);
                self.arena.bind(&var, Type::Bool, block);
                self.push(block, ask_building(Slot::YesNo, var, prompt), here);
            }
        }
        None
    }

    /// `check if …`: a test of the statement, or a diagnostic when no rule
    /// reads it. An existence check is the lookup's own found / not found.
    pub(super) fn check(
        &mut self,
        predicate_words: &[Token],
        block: BlockId,
        span: Span,
        here: Origin,
    ) {
        match predicate(predicate_words, &self.scope_at(block)) {
            PredicateRead::Expr(condition) => {
                self.push(
                    block,
                    Building::Check {
                        condition,
                        wording: tokens::written(predicate_words),
                        yes: None,
                        no: None,
                    },
                    here,
                );
            }
            PredicateRead::Existence => {}
            PredicateRead::Unknown => self.diagnostics.push(
                Diagnostic::error(
                    codes::UNRECOGNISED_SENTENCE,
                    format!("no rule understands the check \"{}\"", tokens::written(predicate_words)),
                )
                .at(span)
                .hint("check a date (`is within the estimated delivery date`) or a field (`$order.tracking_number is set`)"),
            ),
        }
    }

    pub(super) fn unknown_field(&mut self, span: Span, why: &str) {
        self.diagnostics.push(
            Diagnostic::error(codes::UNKNOWN_VARIABLE, format!("the message names a value that is not known: {why}"))
                .at(span)
                .hint("name the field, e.g. `provide $order.tracking_number`, after the step that looks it up"),
        );
    }

    pub(super) fn say(&mut self, block: BlockId, message: Message, here: Origin) {
        // Consecutive sentences of one step read as one message.
        if let Some(&last) = self.arena[block].stmts.last() {
            if self.arena[last].origin.step == here.step {
                if let Building::Simple(StmtKind::Say(previous)) = &mut self.arena[last].kind {
                    previous.append(message);
                    return;
                }
            }
        }
        self.push(block, Building::Simple(StmtKind::Say(message)), here);
    }

    pub(super) fn escalate(
        &mut self,
        block: BlockId,
        reason: Option<String>,
        queue: Option<String>,
        ticket: bool,
        here: Origin,
        context: &ItemContext,
    ) {
        // `route to an agent or create a ticket` is one hand-off.
        if let Some(&last) = self.arena[block].stmts.last() {
            if let Building::Simple(StmtKind::Escalate(previous)) = &mut self.arena[last].kind {
                previous.ticket |= ticket;
                return;
            }
        }
        let because = if context.condition_words.is_empty() {
            format!("policy step {}", context.step)
        } else {
            lowercase_first(&context.condition_words)
        };
        let mut reason = match reason {
            Some(reason) => format!("{reason} ({because})"),
            None => because,
        };
        // A statement just before in this step is the agent's note.
        if let Some((said_in, step, words)) = &self.last_statement {
            if *said_in == block && *step == here.step {
                reason = format!("{reason}: {}", tokens::written(words));
                self.last_statement = None;
            }
        }
        self.push(
            block,
            Building::Simple(StmtKind::Escalate(Escalate {
                reason,
                queue: queue.unwrap_or_else(|| "agent".to_string()),
                ticket,
            })),
            here,
        );
    }

    pub(super) fn ask_value(
        &mut self,
        noun: &[Token],
        block: BlockId,
        here: Origin,
        scope: &Scope<'_>,
    ) {
        // `Ask for the city as $city`: the answer's name, not part of the question.
        let (noun, named) = match noun {
            [rest @ .., as_word, var] if as_word.is("as") => match &var.kind {
                Tok::Var(path) if path.len() == 1 => (rest, path.first().cloned()),
                _ => (noun, None),
            },
            _ => (noun, None),
        };
        let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        let explicit = named.or_else(|| {
            noun.iter().find_map(|token| match &token.kind {
                Tok::Var(path) => path.first().cloned(),
                _ => None,
            })
        });
        let has = |word: &str| words.contains(&word);
        let any = |class: Class| noun.iter().any(|token| token.is_a(class));
        let (slot, default_name) = if any(Class::EmailNoun) {
            (Slot::Email, "email".to_string())
        } else if has("order") && (has("number") || has("id") || has("#")) {
            (Slot::Text, "order_id".to_string())
        } else if any(Class::DateNoun) {
            (Slot::Date, self.var_name(noun, "date"))
        } else if any(Class::PostalNoun) || (has("postal") && has("code")) {
            (Slot::PostalCode, self.var_name(noun, "postal_code"))
        } else if has("name") && !any(Class::NotAPersonName) {
            (Slot::Name, self.var_name(noun, "name"))
        } else if any(Class::QuantityNoun) || counts_something(&words) {
            (Slot::Number, self.var_name(noun, "number"))
        } else {
            (Slot::Text, self.var_name(noun, "answer"))
        };
        let var = explicit.unwrap_or(default_name);
        let slot = match &var {
            name if name.contains("email") => Slot::Email,
            _ => slot,
        };
        let prompt = message::value_prompt(noun, scope);
        let ty = match slot {
            Slot::Email => Type::Email,
            Slot::Number => Type::Number,
            Slot::Date => Type::Date,
            _ => Type::String,
        };
        self.arena.bind(&var, ty, block);
        self.push(block, ask_building(slot, var, prompt), here);
    }

    pub(super) fn ask_which(
        &mut self,
        noun: &[Token],
        block: BlockId,
        here: Origin,
        scope: &Scope<'_>,
    ) {
        let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        // `ask which email address their account is under`: the noun is
        // an email, a value to ask for, never an item of a list.
        if noun.first().is_some_and(|t| t.is_a(Class::EmailNoun)) {
            return self.ask_value(noun, block, here, scope);
        }
        let Some((list, list_type)) = scope.list_var(&words) else {
            // No list to pick from: an open question.
            let var = unique_var(&self.var_name(noun, "answer"), scope);
            let prompt = message::which_question(noun, scope);
            self.arena.bind(&var, Type::String, block);
            self.push(block, ask_building(Slot::Text, var, prompt), here);
            return;
        };
        let item_type = match list_type.required() {
            Type::List(item) => (**item).clone(),
            other => other.clone(),
        };
        let var = scope::singular(&list);
        let var = if var == list {
            format!("{list}_item")
        } else {
            var
        };
        // `ask which card` then `$card.balance`: the author's name for it.
        let var = match item_type.required() {
            Type::Record(record) => self
                .authors_name_for(&var, record, "", scope)
                .unwrap_or(var),
            _ => var,
        };
        let mut prompt = message::which_question(noun, scope);
        // `Display the list … and ask which …` is one message.
        if let Some(&last) = self.arena[block].stmts.last() {
            let shows_list = matches!(
                &self.arena[last].kind,
                Building::Simple(StmtKind::Say(message))
                    if message.parts.iter().any(|part| *part == ir::MessagePart::List(Path::var(&list)))
            );
            if shows_list {
                if let Building::Simple(StmtKind::Say(listing)) = &self.arena[last].kind {
                    let mut combined = listing.clone();
                    combined.parts.push(ir::MessagePart::Text("\n".to_string()));
                    combined.parts.extend(prompt.parts);
                    combined.normalise();
                    prompt = combined;
                }
                self.arena[block].stmts.pop();
            }
        }
        self.arena.bind(&var, item_type, block);
        self.push(
            block,
            ask_building(Slot::Item(Path::var(&list)), var, prompt),
            here,
        );
    }

    /// `Ask which items of $order.items …`: a pick of one item, or several,
    /// from the list the path names; the list is shown with the question.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn ask_which_of(
        &mut self,
        list: Path,
        noun: &[Token],
        several: bool,
        var: Option<String>,
        block: BlockId,
        here: Origin,
        scope: &Scope<'_>,
    ) {
        let Some(list_type) = scope.path_type(&list.0) else {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::UNKNOWN_VARIABLE,
                    format!("{list} is not known here, so there is nothing to pick from"),
                )
                .at(here.span)
                .hint("look the list up first (`Use @tool …`), or name a list field of a record looked up earlier"),
            );
            return;
        };
        let Type::List(item_type) = list_type.required().clone() else {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::UNKNOWN_VARIABLE,
                    format!("{list} is not a list, so there is nothing to pick from"),
                )
                .at(here.span)
                .hint("name a list (`$orders`, `$user.orders`)"),
            );
            return;
        };
        let field = list.0.last().cloned().unwrap_or_default();
        let var = var.unwrap_or_else(|| {
            if several {
                format!("selected_{field}")
            } else {
                let single = scope::singular(&field);
                if single == field {
                    format!("{field}_item")
                } else {
                    single
                }
            }
        });
        let mut prompt = Message {
            parts: vec![
                ir::MessagePart::List(list.clone()),
                ir::MessagePart::Text("\n".to_string()),
            ],
        };
        prompt
            .parts
            .extend(message::which_question(noun, scope).parts);
        prompt.normalise();
        let (slot, ty) = if several {
            (Slot::Items(list), Type::List(item_type))
        } else {
            (Slot::Item(list), *item_type)
        };
        self.arena.bind(&var, ty, block);
        self.push(block, ask_building(slot, var, prompt), here);
    }

    /// The type of a computed value, for what reads it later (unknown for
    /// an empty list: the first item added decides).
    fn value_type(&self, value: &crate::ir::Expr, scope: &Scope<'_>) -> Type {
        use crate::ir::Expr;
        let path_type = |path: &Path| scope.path_type(&path.0);
        match value {
            Expr::Path(path) => path_type(path).unwrap_or(Type::String),
            Expr::Sum(path) => match path_type(path).map(|ty| ty.required().clone()) {
                Some(Type::List(item)) if matches!(item.required(), Type::Money) => Type::Money,
                _ => Type::Number,
            },
            Expr::Plus(left, _) | Expr::Minus(left, _) => match self.value_type(left, scope) {
                Type::Money => Type::Money,
                _ => Type::Number,
            },
            Expr::Count(_) => Type::Int,
            Expr::Append(_, item) => Type::List(Box::new(self.value_type(item, scope))),
            Expr::Number(_) => Type::Number,
            Expr::Text(_) => Type::String,
            _ => Type::List(Box::new(Type::String)),
        }
    }

    pub(super) fn var_name(&self, words: &[Token], fallback: &str) -> String {
        if let Some(name) = words.iter().find_map(|token| match &token.kind {
            Tok::Var(path) => path.first().cloned(),
            _ => None,
        }) {
            return name;
        }
        let lowered: Vec<&str> = words.iter().filter_map(Token::word).collect();
        let content: Vec<String> = scope::content_words(&lowered)
            .into_iter()
            .filter(|word| !lexicon::is(word, Class::NotAVariable))
            .take(3)
            .map(|word| {
                word.chars()
                    .filter(|c| c.is_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|word| !word.is_empty())
            .collect();
        if content.is_empty() {
            fallback.to_string()
        } else {
            content.join("_")
        }
    }
}

/// A name not yet bound in scope: `answer`, then `answer_2`, …
pub(super) fn unique_var(base: &str, scope: &Scope<'_>) -> String {
    if scope.has(base).is_none() {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| scope.has(name).is_none())
        .unwrap_or_else(|| base.to_string())
}

/// `their order number and the email address` → two things to ask for,
/// when each part names a value on its own.
pub(super) fn compound_nouns(noun: &[Token]) -> Vec<Vec<Token>> {
    let parts: Vec<Vec<Token>> = noun
        .split(|token| token.is("and") || token.is_punct(','))
        .map(<[Token]>::to_vec)
        .filter(|part| !part.is_empty())
        .collect();
    let each_names_a_value = parts.len() >= 2
        && parts
            .iter()
            .all(|part| part.iter().any(|token| token.is_a(Class::ValueNoun)));
    if each_names_a_value {
        parts
    } else {
        vec![noun.to_vec()]
    }
}

/// `the number of items` counts; `the phone number` names an identifier.
pub(super) fn counts_something(words: &[&str]) -> bool {
    words
        .windows(2)
        .any(|pair| pair[0] == "number" && pair[1] == "of")
        || words.last() == Some(&"number") && words.len() == 1
}

/// `… that the request will be transferred to an agent`.
pub(super) fn promises_handoff(words: &[Token]) -> bool {
    let moves = words.iter().any(|t| t.is_a(Class::HandedOff));
    let to_human = words.iter().any(|t| t.is_a(Class::Human));
    moves && to_human && words.iter().any(|t| t.is("will"))
}

pub(super) fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
