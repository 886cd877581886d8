//! [`Document`] → [`ir::Policy`]: extraction rules, then attachment.
//!
//! Each item's text is cut into sentences and clauses. A clause is an
//! optional condition ([`condition`]) and actions ([`action`]). Actions
//! become statements; a condition is attached to the earlier step it is
//! about — a literal to a match on the enum field whose domain holds it, a
//! not-found to the last lookup, a yes/no to the last question or check — and
//! its actions go into that step's block for the outcome.
//!
//! Statements live in an arena while they are built, so later sentences can
//! reach back into earlier steps ("16. If no, …" answers the check made in
//! step 15). [`Builder::finish`] turns the arena into the IR tree.
//!
//! A sentence no rule understands becomes an `unrecognised-sentence`
//! diagnostic with its span; this is the seam where an LLM extractor (with
//! its answer frozen in a lock file) plugs in.

mod action;
mod condition;
mod message;
mod scope;
mod words;

use crate::catalog::{Catalog, Effect, Type};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{
    self, Ask, Block, Call, Check, Escalate, Expr, ExtractedBy, Match, MatchCase, Message, Origin,
    Path, PolicyRef, Retry, Slot, Stmt, StmtKind,
};
use crate::lock::{self, LlmStatement, Lock, Unread};
use crate::source::Span;
use crate::syntax::{ArgValue, Document, Item, MarkerKind, ToolArg};
use action::Action;
use condition::Condition;
use scope::Scope;
use std::collections::BTreeMap;
use words::{Tok, Token};

/// Extracts one policy. Problems are appended to `diagnostics`.
pub fn extract(
    document: &Document,
    default_name: &str,
    catalog: &Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) -> ir::Policy {
    extract_locked(document, default_name, catalog, None, diagnostics).0
}

/// What extraction did with the lock file: the keys of the entries it
/// used, and the sentences neither the rules nor the lock understood.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LockUse {
    /// Keys of the lock entries used.
    pub used: std::collections::BTreeSet<String>,
    /// Sentences to ask an LLM about.
    pub unread: Vec<Unread>,
}

/// [`extract`], reading the sentences the rules do not understand from
/// `lock` when it has them (the statements are marked as extracted by an
/// LLM); the others stay `unrecognised-sentence` errors and are returned.
pub fn extract_locked(
    document: &Document,
    default_name: &str,
    catalog: &Catalog,
    lock: Option<&Lock>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (ir::Policy, LockUse) {
    let value = |key: &str| document.front_matter_value(key).map(|entry| entry.scalar());
    let mut builder = Builder {
        catalog,
        stmts: Vec::new(),
        blocks: vec![BlockData {
            stmts: Vec::new(),
            parent: None,
        }],
        bindings: vec![Vec::new()],
        binding_sequence: 0,
        decision_points: Vec::new(),
        asked: BTreeMap::new(),
        choices: std::collections::BTreeSet::new(),
        notes: Vec::new(),
        lock,
        lock_use: LockUse::default(),
        diagnostics,
    };
    for item in &document.items {
        builder.item(item, ROOT);
    }
    let whole = document
        .items
        .first()
        .map(|first| {
            let last = document.items.last().map_or(first.span, |last| last.span);
            first.span.join(last)
        })
        .unwrap_or(Span::new(document.source, 0, 0));
    if document.items.is_empty() {
        builder.diagnostics.push(
            Diagnostic::error(codes::EMPTY_POLICY, "the policy has no steps")
                .at(whole)
                .hint("write the steps as a numbered list: `1. Ask for the user's email address.`"),
        );
    }
    let body = builder.finish_block(ROOT);
    let policy = ir::Policy {
        name: value("policy").unwrap_or_else(|| default_name.to_string()),
        title: value("title").unwrap_or_default(),
        when: value("when").unwrap_or_default(),
        body,
        notes: builder.notes,
        span: whole,
    };
    (policy, builder.lock_use)
}

/// How deep conditions may nest: bounded so no input can overflow the
/// stack of the recursive stages (lowering, finishing the tree).
const MAX_NESTING: usize = 64;

type StmtId = usize;
type BlockId = usize;
const ROOT: BlockId = 0;

struct BlockData {
    stmts: Vec<StmtId>,
    parent: Option<StmtId>,
}

struct Node {
    kind: Building,
    origin: Origin,
    block: BlockId,
}

/// A statement under construction: compound statements point at blocks.
enum Building {
    Ask {
        slot: Slot,
        var: String,
        prompt: Message,
        yes: Option<BlockId>,
        no: Option<BlockId>,
        options: Vec<BlockId>,
        accepted: Option<BlockId>,
        not_found: Option<BlockId>,
    },
    Call {
        tool: String,
        args: Vec<(String, Expr)>,
        bind: Option<(String, Type)>,
        not_found: Option<BlockId>,
        error: Option<BlockId>,
        optional_result: bool,
    },
    Match {
        subject: Path,
        domain: Option<Vec<String>>,
        cases: Vec<(Vec<String>, Span, BlockId)>,
        otherwise: Option<BlockId>,
    },
    Check {
        condition: Expr,
        wording: String,
        yes: Option<BlockId>,
        no: Option<BlockId>,
    },
    Retry {
        var: String,
        slot: Slot,
        prompt: Message,
        limit: u32,
        exhausted: Option<BlockId>,
    },
    Simple(StmtKind),
}

struct Builder<'a> {
    catalog: &'a Catalog,
    stmts: Vec<Node>,
    blocks: Vec<BlockData>,
    /// Variables bound in each block (indexed by block), newest binding of
    /// a name only, each with a global sequence number for recency.
    bindings: Vec<Vec<(u64, String, Type)>>,
    /// The next binding's sequence number.
    binding_sequence: u64,
    /// Compound statements (asks, calls, matches, checks, retries) in
    /// creation order: the only statements conditions attach to.
    decision_points: Vec<StmtId>,
    /// Variables that an ask fills, with their slot (for retries).
    asked: BTreeMap<String, Slot>,
    /// Option asks that are a choice, not an offer (their prompt lists
    /// alternatives instead of offering them).
    choices: std::collections::BTreeSet<StmtId>,
    notes: Vec<(Origin, String)>,
    /// Frozen LLM answers for sentences the rules do not understand.
    lock: Option<&'a Lock>,
    lock_use: LockUse,
    diagnostics: &'a mut Vec<Diagnostic>,
}

/// Per-item context: its step label and span, for origins.
#[derive(Clone)]
struct ItemContext {
    step: String,
    /// The condition words in force, for hand-off reasons.
    condition_words: String,
    /// Who read the sentence (an LLM for lock-file answers).
    extracted_by: ExtractedBy,
}

impl<'a> Builder<'a> {
    // ----- items -------------------------------------------------------------------------

    fn item(&mut self, item: &Item, block: BlockId) {
        let tokens = words::tokens(&item.text);
        let context = ItemContext {
            step: item.label.clone(),
            condition_words: String::new(),
            extracted_by: ExtractedBy::Rules,
        };
        // `Note: …` keeps the whole item as a remark, semicolons and all.
        if tokens.first().is_some_and(|token| token.is("note"))
            && tokens.get(1).is_some_and(|token| token.is_punct(':'))
        {
            self.notes
                .push((origin(&context, item.span), item.plain_text()));
            for child in &item.children {
                self.item(child, block);
            }
            return;
        }
        let heading_title = heading(item, &tokens).or_else(|| colon_heading(&tokens));
        if let Some(title) = heading_title {
            self.push(
                block,
                Building::Simple(StmtKind::Section(title)),
                origin(&context, item.span),
            );
            for child in &item.children {
                self.item(child, block);
            }
            return;
        }
        let mut local = block;
        let mut offer: Option<StmtId> = None;
        let mut context = context;
        for sentence in words::sentences(&tokens) {
            for clause in words::clauses(&sentence) {
                let clause_span = words::span_of(&clause).unwrap_or(item.span);
                let (condition_tokens, action_tokens) = condition::split_condition(&clause);
                if let Some(condition_tokens) = condition_tokens {
                    context.condition_words = words::written(&condition_tokens);
                    let condition_span = words::span_of(&condition_tokens).unwrap_or(clause_span);
                    let classified = condition::classify(&condition_tokens);
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
                for result in action::actions(&action_tokens) {
                    match result {
                        Ok(action) => {
                            let span = clause_span;
                            if let Some(id) = self.action(action, local, span, &context) {
                                offer = Some(id);
                            }
                        }
                        Err(phrase) => {
                            let span = words::span_of(&phrase).unwrap_or(clause_span);
                            self.unread(span, &words::written(&phrase), local, &context);
                        }
                    }
                }
            }
        }
        // `Label: what to do` sub-items under a question are its options.
        let question_here = self.blocks[local].stmts.last().copied().filter(|&id| {
            self.stmts[id].origin.step == item.label
                && matches!(self.stmts[id].kind, Building::Ask { .. })
        });
        let labelled_children = item.children.len() >= 2
            && item
                .children
                .iter()
                .all(|child| option_label(&words::tokens(&child.text)).is_some());
        // As many sub-items as the question has alternatives: one each, in order.
        let positional = question_here.filter(|&question| {
            matches!(&self.stmts[question].kind, Building::Ask { slot: Slot::Options(options), .. } if options.len() == item.children.len())
        });
        match (offer, question_here) {
            (Some(offer), _) => self.offer_options(offer, item, &context),
            (None, Some(question)) if positional.is_some() => {
                let labels = match &self.stmts[question].kind {
                    Building::Ask {
                        slot: Slot::Options(options),
                        ..
                    } => options.clone(),
                    _ => Vec::new(),
                };
                self.offer_options(question, item, &context);
                // Keep the question's own wording of the alternatives.
                if let Building::Ask { slot, prompt, .. } = &mut self.stmts[question].kind {
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
                    match &self.stmts[question].kind {
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

    /// A phrase no rule reads: the lock file's frozen answer if it has one
    /// (checked against the catalog again), else an `unrecognised-sentence`.
    fn unread(&mut self, span: Span, text: &str, block: BlockId, context: &ItemContext) {
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

    fn unrecognised(&mut self, span: Span, text: &str) {
        self.diagnostics.push(
            Diagnostic::error(codes::UNRECOGNISED_SENTENCE, format!("no rule understands \"{text}\""))
                .at(span)
                .hint(
                    "start with a verb keel knows (ask for, use @tool, inform that, route to an agent, proceed as described in #Policy), or prefix a remark with `Note:`",
                ),
        );
    }

    /// The sub-items of `offer retention options:` are the options, each
    /// `Label: what to do`.
    fn offer_options(&mut self, offer: StmtId, item: &Item, context: &ItemContext) {
        let mut labels = Vec::new();
        let mut bodies = Vec::new();
        for child in &item.children {
            let tokens = words::tokens(&child.text);
            // `Label: what to do`; a sub-item without a label is both the
            // option's name and what it does.
            let (label_tokens, rest) = match option_label(&tokens) {
                Some(separator) => (&tokens[..separator], &tokens[separator + 1..]),
                None => (&tokens[..], &tokens[..]),
            };
            let label = words::written(label_tokens);
            let block = self.new_block(offer);
            labels.push(label);
            bodies.push(block);
            let child_context = ItemContext {
                step: child.label.clone(),
                condition_words: context.condition_words.clone(),
                extracted_by: ExtractedBy::Rules,
            };
            for sentence in words::sentences(rest) {
                for result in action::actions(&sentence) {
                    match result {
                        Ok(action) => {
                            let span = words::span_of(&sentence).unwrap_or(child.span);
                            self.action(action, block, span, &child_context);
                        }
                        Err(phrase) => {
                            let span = words::span_of(&phrase).unwrap_or(child.span);
                            self.unread(span, &words::written(&phrase), block, &child_context);
                        }
                    }
                }
            }
            for grandchild in &child.children {
                self.item(grandchild, block);
            }
        }
        let prompt = if self.choices.contains(&offer) {
            message::choice_prompt(&[], &labels, &self.scope_at(self.stmts[offer].block))
        } else {
            message::offer_prompt(&labels)
        };
        if let Building::Ask {
            slot,
            options,
            prompt: ask_prompt,
            var,
            ..
        } = &mut self.stmts[offer].kind
        {
            *slot = Slot::Options(labels.clone());
            *options = bodies;
            *ask_prompt = prompt;
            let var = var.clone();
            self.asked.insert(var, Slot::Options(labels));
        }
    }

    // ----- conditions ----------------------------------------------------------------------

    /// Finds the step a condition is about and returns the block for the
    /// outcome it names; `None` after reporting a diagnostic.
    fn attach(
        &mut self,
        condition: Condition,
        current: BlockId,
        span: Span,
        context: &ItemContext,
    ) -> Option<BlockId> {
        let block = self.attach_to_step(condition, current, span, context)?;
        if self.lineage(block).len() > MAX_NESTING {
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

    fn attach_to_step(
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
                let retry = self.recent(current, |kind| matches!(kind, Building::Retry { .. }));
                match retry {
                    Some(retry) => Some(self.outcome_block(retry, Outcome::Exhausted)),
                    None => {
                        self.attach(Condition::NotFound { still: false }, current, span, context)
                    }
                }
            }
            Condition::NotFound { still: false } => {
                let target = self.recent(current, |kind| match kind {
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
                    Some(target) => Some(self.outcome_block(target, Outcome::NotFound)),
                    None => self.dangling(span, "nothing before it can come back empty", "put it after a step that looks something up with @tool, or that asks the customer to pick from a list"),
                }
            }
            Condition::Failed => {
                match self.recent(current, |kind| matches!(kind, Building::Call { .. })) {
                    Some(target) => Some(self.outcome_block(target, Outcome::Error)),
                    None => self.dangling(
                        span,
                        "there is no tool call before it that could fail",
                        "put it after the `Use @tool` step it is about",
                    ),
                }
            }
            Condition::Otherwise => {
                let target = self.recent(current, |kind| {
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
                        let outcome = if matches!(self.stmts[target].kind, Building::Match { .. }) {
                            Outcome::Otherwise
                        } else {
                            Outcome::No
                        };
                        Some(self.outcome_block(target, outcome))
                    }
                    None => self.dangling(
                        span,
                        "there is no condition before `otherwise`",
                        "write the `If …` case first",
                    ),
                }
            }
            Condition::Answer { yes, words } => {
                let question = self.recent(current, |kind| {
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
                        return Some(self.outcome_block(question, outcome));
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
                                wording: words::written(&words),
                                yes: None,
                                no: None,
                            },
                            origin(context, span),
                        );
                        Some(self.outcome_block(check, outcome))
                    }
                    _ => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::UNRECOGNISED_SENTENCE,
                                format!("no rule understands the condition \"{}\"", words::written(&words)),
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
    fn option_named(&self, question: StmtId, words: &[Token]) -> Option<BlockId> {
        let Building::Ask {
            slot: Slot::Options(labels),
            options,
            ..
        } = &self.stmts[question].kind
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
    fn echoes_question(&self, question: StmtId, words: &[Token]) -> bool {
        let asked = match &self.stmts[question].kind {
            Building::Ask { prompt, .. } => prompt.to_string(),
            Building::Check { wording, .. } => wording.clone(),
            _ => return false,
        }
        .to_lowercase();
        let lowered: Vec<&str> = words.iter().filter_map(Token::word).collect();
        let content: Vec<&str> = scope::content_words(&lowered)
            .into_iter()
            .filter(|word| {
                !matches!(
                    *word,
                    "not" | "no" | "was" | "were" | "is" | "are" | "did" | "does" | "has" | "have"
                )
            })
            .filter(|word| !word.ends_with("n't"))
            .collect();
        if content.is_empty() {
            return false;
        }
        let echoed = content.iter().filter(|word| asked.contains(*word)).count();
        echoed * 2 >= content.len() && echoed >= 1
    }

    /// A hand-off reason for a bare `if no`: what the answer was to.
    fn answer_reason(&self, yes: bool, current: BlockId) -> String {
        let question = self.recent(current, |kind| {
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
        match question.map(|id| &self.stmts[id].kind) {
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

    fn dangling(&mut self, span: Span, why: &str, hint: &str) -> Option<BlockId> {
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

    fn attach_values(
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
            let option = self.recent(current, |kind| match kind {
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
                } = &self.stmts[ask].kind
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
        let existing = self.recent(
            current,
            |kind| matches!(kind, Building::Match { subject: known, .. } if *known == subject),
        );
        let existing = existing.filter(|&id| {
            let block = &self.blocks[self.stmts[id].block];
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
        if let Building::Match { cases, .. } = &self.stmts[target].kind {
            if let Some((_, _, block)) = cases.iter().find(|(known, _, _)| *known == spelled) {
                return Some(*block);
            }
        }
        let block = self.new_block(target);
        if let Building::Match { cases, .. } = &mut self.stmts[target].kind {
            cases.push((spelled, case_span, block));
        }
        Some(block)
    }

    /// `If "delivered" more than 30 days ago`: the words after the values
    /// that are not about the subject become a check inside the case. Words
    /// no rule reads are reported, never dropped.
    fn qualify_case(
        &mut self,
        case: BlockId,
        tokens: &[Token],
        span: Span,
        context: &ItemContext,
    ) -> Option<BlockId> {
        let subject_words: Vec<String> =
            match self.blocks[case].parent.map(|id| &self.stmts[id].kind) {
                Some(Building::Match { subject, .. }) => subject
                    .0
                    .iter()
                    .flat_map(|part| part.split('_').map(str::to_string).collect::<Vec<_>>())
                    .collect(),
                _ => Vec::new(),
            };
        const FILLER: &[&str] = &[
            "the",
            "status",
            "state",
            "is",
            "was",
            "are",
            "has",
            "have",
            "been",
            "its",
            "it",
            "order",
            "orders",
            "or",
            "and",
            "either",
            "of",
            "current",
            "set",
            "to",
            "marked",
            "as",
            "shows",
            "says",
            "reads",
            "in",
            "a",
            "an",
            "still",
            "already",
            "field",
            "value",
            "customer's",
            "their",
            "his",
            "her",
            "user's",
            "should",
            "be",
            "for",
            "this",
            "that",
            "one",
            "these",
            "those",
            "order's",
            "currently",
            "now",
            "if",
            "when",
            "whenever",
            "should",
            "in",
            "case",
            "cases",
            "where",
        ];
        let leftover: Vec<Token> = tokens
            .iter()
            .filter(|token| match &token.kind {
                Tok::Word { lower, .. } => {
                    !FILLER.contains(&lower.as_str())
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
                        wording: words::written(&leftover),
                        yes: None,
                        no: None,
                    },
                    origin(context, span),
                );
                Some(self.outcome_block(check, Outcome::Yes))
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNRECOGNISED_SENTENCE,
                        format!("part of this condition is not understood: \"{}\"", words::written(&leftover)),
                    )
                    .at(span)
                    .hint("split it: `If \"delivered\", check if …` — or compare a field: `If $order.delivered_at …`"),
                );
                None
            }
        }
    }

    fn unknown_subject(
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

    // ----- actions -------------------------------------------------------------------------

    /// Adds the statements for one action. Returns the id of an offer ask,
    /// whose options the item's sub-items define.
    fn action(
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
                let prompt = message::yes_no_question(&question, &scope);
                let plain: Vec<Token> = question
                    .iter()
                    .filter(|token| !matches!(token.kind, Tok::Var(_)))
                    .cloned()
                    .collect();
                let var = unique_var(&self.var_name(&plain, "answer"), &scope);
                self.bind(&var, Type::Bool, block);
                self.push(block, ask_building(Slot::YesNo, var, prompt), here);
            }
            Action::AskWhich { noun } => self.ask_which(&noun, block, here, &scope),
            Action::Display { noun } => {
                let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
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
                        .map(|position| words::written(&said[position + 1..]))
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
            Action::Continue { step } => {
                self.push(block, Building::Simple(StmtKind::Continue(step)), here);
            }
            Action::Repeat { step, limit } => {
                self.push(
                    block,
                    Building::Simple(StmtKind::Repeat { step, limit }),
                    here,
                );
            }
            Action::AskQuoted { question } => {
                let first = question
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                let yes_no = matches!(
                    first.as_str(),
                    "are"
                        | "is"
                        | "do"
                        | "does"
                        | "did"
                        | "can"
                        | "could"
                        | "would"
                        | "will"
                        | "have"
                        | "has"
                        | "should"
                        | "shall"
                        | "may"
                        | "was"
                        | "were"
                );
                let (slot, ty, base) = if yes_no {
                    (Slot::YesNo, Type::Bool, "answer")
                } else {
                    (Slot::Text, Type::String, "reply")
                };
                let var = unique_var(base, &scope);
                self.bind(&var, ty, block);
                self.push(
                    block,
                    ask_building(slot, var, Message::text(question)),
                    here,
                );
            }
            Action::AskChoice { question, options } => {
                let prompt = message::choice_prompt(&question, &options, &scope);
                let var = unique_var(&self.var_name(&question, "choice"), &scope);
                self.bind(&var, Type::String, block);
                let option_count = options.len();
                let id = self.push(
                    block,
                    ask_building(Slot::Options(options), var, prompt),
                    here,
                );
                let bodies: Vec<BlockId> = (0..option_count).map(|_| self.new_block(id)).collect();
                if let Building::Ask { options, .. } = &mut self.stmts[id].kind {
                    *options = bodies;
                }
                self.choices.insert(id);
            }
            Action::OfferOptions => {
                let var = unique_var("offer", &scope);
                self.bind(&var, Type::String, block);
                let id = self.push(
                    block,
                    ask_building(Slot::Options(Vec::new()), var, Message::default()),
                    here,
                );
                return Some(id);
            }
            Action::OfferOne { words: offered } => {
                let mut question = vec![Token {
                    kind: Tok::Word {
                        lower: "you".into(),
                        text: "you".into(),
                    },
                    span,
                }];
                question.push(Token {
                    kind: Tok::Word {
                        lower: "would".into(),
                        text: "would".into(),
                    },
                    span,
                });
                question.push(Token {
                    kind: Tok::Word {
                        lower: "like".into(),
                        text: "like".into(),
                    },
                    span,
                });
                question.extend(offered.iter().cloned());
                let prompt = message::yes_no_question(&question, &scope);
                let var = unique_var(&self.var_name(&offered, "accepts_offer"), &scope);
                self.bind(&var, Type::Bool, block);
                self.push(block, ask_building(Slot::YesNo, var, prompt), here);
            }
        }
        None
    }

    /// `check if …`: a test of the statement, or a diagnostic when no rule
    /// reads it. An existence check is the lookup's own found / not found.
    fn check(&mut self, predicate_words: &[Token], block: BlockId, span: Span, here: Origin) {
        match predicate(predicate_words, &self.scope_at(block)) {
            PredicateRead::Expr(condition) => {
                self.push(
                    block,
                    Building::Check {
                        condition,
                        wording: words::written(predicate_words),
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
                    format!("no rule understands the check \"{}\"", words::written(predicate_words)),
                )
                .at(span)
                .hint("check a date (`is within the estimated delivery date`) or a field (`$order.tracking_number is set`)"),
            ),
        }
    }

    fn unknown_field(&mut self, span: Span, why: &str) {
        self.diagnostics.push(
            Diagnostic::error(codes::UNKNOWN_VARIABLE, format!("the message names a value that is not known: {why}"))
                .at(span)
                .hint("name the field, e.g. `provide $order.tracking_number`, after the step that looks it up"),
        );
    }

    fn say(&mut self, block: BlockId, message: Message, here: Origin) {
        // Consecutive sentences of one step read as one message.
        if let Some(&last) = self.blocks[block].stmts.last() {
            if self.stmts[last].origin.step == here.step {
                if let Building::Simple(StmtKind::Say(previous)) = &mut self.stmts[last].kind {
                    previous.append(message);
                    return;
                }
            }
        }
        self.push(block, Building::Simple(StmtKind::Say(message)), here);
    }

    fn escalate(
        &mut self,
        block: BlockId,
        reason: Option<String>,
        queue: Option<String>,
        ticket: bool,
        here: Origin,
        context: &ItemContext,
    ) {
        // `route to an agent or create a ticket` is one hand-off.
        if let Some(&last) = self.blocks[block].stmts.last() {
            if let Building::Simple(StmtKind::Escalate(previous)) = &mut self.stmts[last].kind {
                previous.ticket |= ticket;
                return;
            }
        }
        let because = if context.condition_words.is_empty() {
            format!("policy step {}", context.step)
        } else {
            lowercase_first(&context.condition_words)
        };
        let reason = match reason {
            Some(reason) => format!("{reason} ({because})"),
            None => because,
        };
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

    fn ask_value(&mut self, noun: &[Token], block: BlockId, here: Origin, scope: &Scope<'_>) {
        let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        let explicit = noun.iter().find_map(|token| match &token.kind {
            Tok::Var(path) => path.first().cloned(),
            _ => None,
        });
        let has = |word: &str| words.contains(&word);
        let (slot, default_name) = if has("email") || has("e-mail") {
            (Slot::Email, "email".to_string())
        } else if has("order") && (has("number") || has("id") || has("#")) {
            (Slot::Text, "order_id".to_string())
        } else if has("date") || has("when") {
            (Slot::Date, self.var_name(noun, "date"))
        } else if has("zip") || has("postcode") || (has("postal") && has("code")) {
            (Slot::PostalCode, self.var_name(noun, "postal_code"))
        } else if has("name") && !has("product") && !has("item") && !has("company") {
            (Slot::Name, self.var_name(noun, "name"))
        } else if has("amount")
            || has("quantity")
            || has("many")
            || has("count")
            || counts_something(&words)
        {
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
        self.bind(&var, ty, block);
        self.push(block, ask_building(slot, var, prompt), here);
    }

    fn ask_which(&mut self, noun: &[Token], block: BlockId, here: Origin, scope: &Scope<'_>) {
        let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        let Some((list, list_type)) = scope.list_var(&words) else {
            // No list to pick from: an open question.
            let var = unique_var(&self.var_name(noun, "answer"), scope);
            let prompt = message::which_question(noun, scope);
            self.bind(&var, Type::String, block);
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
        let mut prompt = message::which_question(noun, scope);
        // `Display the list … and ask which …` is one message.
        if let Some(&last) = self.blocks[block].stmts.last() {
            let shows_list = matches!(
                &self.stmts[last].kind,
                Building::Simple(StmtKind::Say(message))
                    if message.parts.iter().any(|part| *part == ir::MessagePart::List(Path::var(&list)))
            );
            if shows_list {
                if let Building::Simple(StmtKind::Say(listing)) = &self.stmts[last].kind {
                    let mut combined = listing.clone();
                    combined.parts.push(ir::MessagePart::Text("\n".to_string()));
                    combined.parts.extend(prompt.parts);
                    combined.normalise();
                    prompt = combined;
                }
                self.blocks[block].stmts.pop();
            }
        }
        self.bind(&var, item_type, block);
        self.push(
            block,
            ask_building(Slot::Item(Path::var(&list)), var, prompt),
            here,
        );
    }

    fn retry(&mut self, call: StmtId, block: BlockId, noun: &[Token], here: Origin) {
        // The value to ask again is the asked-for variable the call used:
        // the one the wording names ("ask for the zip code again"), else
        // the first.
        let said: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        let used: Vec<(String, Slot, bool)> = match &self.stmts[call].kind {
            Building::Call { args, .. } => args
                .iter()
                .filter_map(|(name, expr)| match expr {
                    Expr::Path(path) => self.asked.get(path.root()).map(|slot| {
                        let root = path.root().to_string();
                        let named = root.split('_').chain(name.split('_')).any(|part| {
                            !matches!(part, "id" | "name")
                                && said
                                    .iter()
                                    .any(|word| scope::singular(word) == scope::singular(part))
                        });
                        (root, slot.clone(), named)
                    }),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let used = used
            .iter()
            .find(|(_, _, named)| *named)
            .or(used.first())
            .map(|(var, slot, _)| (var.clone(), slot.clone()));
        let Some((var, slot)) = used else {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::DANGLING_CONDITION,
                    "there is nothing the customer gave that could be asked for again",
                )
                .at(here.span)
                .hint("ask again only after a lookup that used the customer's answer"),
            );
            return;
        };
        let words: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        let what = scope::content_words(&words)
            .into_iter()
            .filter(|word| {
                !matches!(
                    *word,
                    "valid"
                        | "again"
                        | "another"
                        | "correct"
                        | "different"
                        | "times"
                        | "time"
                        | "more"
                        | "most"
                        | "up"
                        | "once"
                        | "twice"
                        | "thrice"
                        | "one"
                        | "two"
                        | "three"
                        | "four"
                        | "five"
                ) && !word.bytes().all(|byte| byte.is_ascii_digit())
            })
            .collect::<Vec<_>>()
            .join(" ");
        let what = if what.is_empty() {
            var.replace('_', " ")
        } else {
            what
        };
        let prompt = message::retry_prompt(&format!("that {what}"));
        // "ask again up to 3 times"; once when no number is written.
        let limit = action::times_limit(noun).unwrap_or(1);
        self.push(
            block,
            Building::Retry {
                var,
                slot,
                prompt,
                limit,
                exhausted: None,
            },
            here,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        tool_name: &str,
        written_args: &[ToolArg],
        tool_span: Span,
        explicit_bind: Option<String>,
        purpose_message: Option<&[Token]>,
        block: BlockId,
        here: Origin,
        scope: &Scope<'_>,
    ) {
        let Some(tool) = self.catalog.tools.get(tool_name).cloned() else {
            let suggestion =
                crate::spelling::closest(tool_name, self.catalog.tools.keys()).cloned();
            let mut diagnostic = Diagnostic::error(
                codes::UNKNOWN_TOOL,
                format!("`@{tool_name}` is not in the catalog"),
            )
            .at(tool_span);
            diagnostic = match suggestion {
                Some(suggestion) => diagnostic.hint(format!("did you mean `@{suggestion}`?")),
                None => diagnostic.hint("declare it under [tools.NAME] in the catalog"),
            };
            self.diagnostics.push(diagnostic);
            return;
        };
        // `Ask for the new date. Then use @tool(date: $new_date)`: the
        // author's name for the answer just asked for wins.
        for written in written_args {
            if let ArgValue::Var(path) = &written.value {
                if let Some(root) = path.first() {
                    if scope.has(root).is_none() {
                        self.rename_last_answer(block, &here.step, root);
                    }
                }
            }
        }
        let mut args = Vec::new();
        for written in written_args {
            if !tool.args.contains_key(&written.name) {
                self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNBOUND_ARGUMENT,
                        format!("`@{tool_name}` has no argument `{}`", written.name),
                    )
                    .at(written.span)
                    .hint(format!(
                        "its arguments are: {}",
                        tool.args.keys().cloned().collect::<Vec<_>>().join(", ")
                    )),
                );
            }
        }
        for (arg, arg_type) in &tool.args {
            let written = written_args.iter().find(|written| written.name == *arg);
            let expr = match written.map(|written| &written.value) {
                Some(ArgValue::Var(path)) => Some(Expr::Path(Path(path.clone()))),
                Some(ArgValue::Literal(text)) => Some(Expr::Text(text.clone())),
                Some(ArgValue::Number(number)) => Some(Expr::Number(number.clone())),
                Some(ArgValue::Type(written))
                    if matches!(written.as_str(), "true" | "false" | "yes" | "no") =>
                {
                    Some(Expr::Text(
                        if matches!(written.as_str(), "true" | "yes") {
                            "true"
                        } else {
                            "false"
                        }
                        .to_string(),
                    ))
                }
                Some(ArgValue::Type(_)) | None => {
                    if arg == "message" && purpose_message.is_some() {
                        purpose_message.map(|words| {
                            Expr::Text(
                                message::statement(words, action::Opening::Plain, scope)
                                    .to_string(),
                            )
                        })
                    } else {
                        bind_argument(arg, arg_type, scope).map(Expr::Path)
                    }
                }
            };
            match expr {
                Some(expr) => args.push((arg.clone(), expr)),
                None => self.diagnostics.push(
                    Diagnostic::error(
                        codes::UNBOUND_ARGUMENT,
                        format!(
                            "nothing in scope can supply `{arg}` ({arg_type}) for `@{tool_name}`"
                        ),
                    )
                    .at(tool_span)
                    .hint(format!(
                        "ask for it first, or pass it: `@{tool_name}({arg}: $var.field)`"
                    )),
                ),
            }
        }
        let bind = match tool.returns.required() {
            Type::Bool if explicit_bind.is_none() => None,
            returns => {
                let name = explicit_bind.unwrap_or_else(|| default_binding(returns, tool_name));
                Some((name, tool.returns.clone()))
            }
        };
        let optional_result = tool.returns.is_optional() || matches!(tool.returns, Type::List(_));
        if let Some((name, ty)) = &bind {
            self.bind(name, ty.required().clone(), block);
        }
        let _ = tool.effect == Effect::Destructive;
        self.push(
            block,
            Building::Call {
                tool: tool_name.to_string(),
                args,
                bind,
                not_found: None,
                error: None,
                optional_result,
            },
            here,
        );
    }

    /// Whether the noun names a value the customer gave that `call` uses.
    fn asks_for_argument_of(&self, call: StmtId, noun: &[Token]) -> bool {
        let Building::Call { args, .. } = &self.stmts[call].kind else {
            return false;
        };
        let said: Vec<&str> = noun.iter().filter_map(Token::word).collect();
        args.iter().any(|(name, expr)| match expr {
            Expr::Path(path) if self.asked.contains_key(path.root()) => {
                let root = path.root().to_string();
                root.split('_').chain(name.split('_')).any(|part| {
                    part != "id"
                        && said
                            .iter()
                            .any(|word| scope::singular(word) == scope::singular(part))
                })
            }
            _ => false,
        })
    }

    /// Renames the answer of the last value question asked in this step
    /// of `block` (if it has a name keel made up) to the author's name.
    fn rename_last_answer(&mut self, block: BlockId, step: &str, name: &str) {
        let Some(&last_ask) = self.blocks[block].stmts.iter().rev().find(|&&id| {
            self.stmts[id].origin.step == step
                && matches!(
                    &self.stmts[id].kind,
                    Building::Ask {
                        slot: Slot::Text
                            | Slot::Name
                            | Slot::PostalCode
                            | Slot::Number
                            | Slot::Date
                            | Slot::Email,
                        ..
                    }
                )
        }) else {
            return;
        };
        let Building::Ask { var, slot, .. } = &mut self.stmts[last_ask].kind else {
            return;
        };
        let old = std::mem::replace(var, name.to_string());
        let slot = slot.clone();
        let ty = match slot {
            Slot::Email => Type::Email,
            Slot::Number => Type::Number,
            Slot::Date => Type::Date,
            _ => Type::String,
        };
        self.asked.remove(&old);
        self.asked.insert(name.to_string(), slot);
        self.bindings[block].retain(|(_, bound, _)| *bound != old);
        self.bind(name, ty, block);
    }

    /// The call whose not-found block `block` is, if it is one.
    fn not_found_call(&self, block: BlockId) -> Option<StmtId> {
        let parent = self.blocks[block].parent?;
        match &self.stmts[parent].kind {
            Building::Call {
                not_found: Some(found),
                ..
            } if *found == block => Some(parent),
            _ => None,
        }
    }

    // ----- arena ---------------------------------------------------------------------------

    fn push(&mut self, block: BlockId, kind: Building, origin: Origin) -> StmtId {
        let id = self.stmts.len();
        match &kind {
            Building::Simple(_) => {}
            Building::Ask { var, slot, .. } => {
                self.asked.insert(var.clone(), slot.clone());
                self.decision_points.push(id);
            }
            _ => self.decision_points.push(id),
        }
        self.stmts.push(Node {
            kind,
            origin,
            block,
        });
        self.blocks[block].stmts.push(id);
        id
    }

    fn new_block(&mut self, parent: StmtId) -> BlockId {
        self.blocks.push(BlockData {
            stmts: Vec::new(),
            parent: Some(parent),
        });
        self.bindings.push(Vec::new());
        self.blocks.len() - 1
    }

    fn bind(&mut self, name: &str, ty: Type, block: BlockId) {
        let in_block = &mut self.bindings[block];
        in_block.retain(|(_, bound, _)| bound != name);
        in_block.push((self.binding_sequence, name.to_string(), ty));
        self.binding_sequence += 1;
    }

    /// The chain of blocks from `block` out to the root.
    fn lineage(&self, block: BlockId) -> Vec<BlockId> {
        let mut chain = vec![block];
        let mut current = block;
        while let Some(parent) = self.blocks[current].parent {
            current = self.stmts[parent].block;
            chain.push(current);
        }
        chain
    }

    /// Whether something in `target` can be seen from `current`: it is on the
    /// way out from `current`, or nested inside it.
    fn visible(&self, target: BlockId, current: BlockId) -> bool {
        self.lineage(current).contains(&target) || self.lineage(target).contains(&current)
    }

    /// The most recently created statement visible from `current` that matches.
    fn recent(&self, current: BlockId, matches: impl Fn(&Building) -> bool) -> Option<StmtId> {
        self.decision_points.iter().rev().copied().find(|&id| {
            matches(&self.stmts[id].kind) && self.visible(self.stmts[id].block, current)
        })
    }

    fn scope_at(&self, block: BlockId) -> Scope<'a> {
        let mut visible: Vec<&(u64, String, Type)> = self
            .lineage(block)
            .into_iter()
            .flat_map(|bound_in| self.bindings[bound_in].iter())
            .collect();
        visible.sort_by_key(|(sequence, _, _)| *sequence);
        Scope {
            bindings: visible
                .into_iter()
                .map(|(_, name, ty)| (name.clone(), ty.clone()))
                .collect(),
            catalog: self.catalog,
        }
    }

    fn outcome_block(&mut self, id: StmtId, outcome: Outcome) -> BlockId {
        let existing = match (&self.stmts[id].kind, outcome) {
            (
                Building::Ask {
                    slot: Slot::Options(_),
                    accepted,
                    ..
                },
                Outcome::Yes,
            ) => *accepted,
            (Building::Ask { yes, .. } | Building::Check { yes, .. }, Outcome::Yes) => *yes,
            (Building::Ask { no, .. } | Building::Check { no, .. }, Outcome::No) => *no,
            (
                Building::Ask { not_found, .. } | Building::Call { not_found, .. },
                Outcome::NotFound,
            ) => *not_found,
            (Building::Call { error, .. }, Outcome::Error) => *error,
            (Building::Match { otherwise, .. }, Outcome::Otherwise) => *otherwise,
            (Building::Retry { exhausted, .. }, Outcome::Exhausted) => *exhausted,
            _ => None,
        };
        if let Some(block) = existing {
            return block;
        }
        let block = self.new_block(id);
        match (&mut self.stmts[id].kind, outcome) {
            (
                Building::Ask {
                    slot: Slot::Options(_),
                    accepted,
                    ..
                },
                Outcome::Yes,
            ) => *accepted = Some(block),
            (Building::Ask { yes, .. } | Building::Check { yes, .. }, Outcome::Yes) => {
                *yes = Some(block)
            }
            (Building::Ask { no, .. } | Building::Check { no, .. }, Outcome::No) => {
                *no = Some(block)
            }
            (
                Building::Ask { not_found, .. } | Building::Call { not_found, .. },
                Outcome::NotFound,
            ) => *not_found = Some(block),
            (Building::Call { error, .. }, Outcome::Error) => *error = Some(block),
            (Building::Match { otherwise, .. }, Outcome::Otherwise) => *otherwise = Some(block),
            (Building::Retry { exhausted, .. }, Outcome::Exhausted) => *exhausted = Some(block),
            _ => {}
        }
        block
    }

    fn var_name(&self, words: &[Token], fallback: &str) -> String {
        if let Some(name) = words.iter().find_map(|token| match &token.kind {
            Tok::Var(path) => path.first().cloned(),
            _ => None,
        }) {
            return name;
        }
        let lowered: Vec<&str> = words.iter().filter_map(Token::word).collect();
        let content: Vec<String> = scope::content_words(&lowered)
            .into_iter()
            .filter(|word| {
                !matches!(
                    *word,
                    "they"
                        | "would"
                        | "like"
                        | "was"
                        | "were"
                        | "is"
                        | "are"
                        | "if"
                        | "whether"
                        | "e.g."
                        | "you"
                        | "please"
                        | "want"
                        | "wants"
                        | "placed"
                        | "on"
                        | "for"
                )
            })
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

    // ----- finishing -----------------------------------------------------------------------

    fn finish_block(&mut self, block: BlockId) -> Block {
        let ids = self.blocks[block].stmts.clone();
        Block(ids.into_iter().map(|id| self.finish_stmt(id)).collect())
    }

    fn finish_optional(&mut self, block: Option<BlockId>) -> Option<Block> {
        block.map(|block| self.finish_block(block))
    }

    fn finish_stmt(&mut self, id: StmtId) -> Stmt {
        let origin = self.stmts[id].origin.clone();
        let kind = std::mem::replace(
            &mut self.stmts[id].kind,
            Building::Simple(StmtKind::Continue(None)),
        );
        let kind = match kind {
            Building::Ask {
                slot,
                var,
                prompt,
                yes,
                no,
                options,
                accepted,
                not_found,
            } => StmtKind::Ask(Ask {
                slot,
                var,
                prompt,
                yes: self.finish_optional(yes),
                no: self.finish_optional(no),
                options: options
                    .into_iter()
                    .map(|block| self.finish_block(block))
                    .collect(),
                accepted: self.finish_optional(accepted),
                not_found: self.finish_optional(not_found),
            }),
            Building::Call {
                tool,
                args,
                bind,
                not_found,
                error,
                ..
            } => StmtKind::Call(Call {
                tool,
                args,
                bind,
                not_found: self.finish_optional(not_found),
                error: self.finish_optional(error),
            }),
            Building::Match {
                subject,
                domain,
                cases,
                otherwise,
            } => StmtKind::Match(Match {
                subject,
                domain,
                cases: cases
                    .into_iter()
                    .map(|(values, span, block)| MatchCase {
                        values,
                        span,
                        body: self.finish_block(block),
                    })
                    .collect(),
                otherwise: self.finish_optional(otherwise),
            }),
            Building::Check {
                condition,
                wording,
                yes,
                no,
            } => StmtKind::Check(Check {
                condition,
                wording,
                yes: self.finish_optional(yes),
                no: self.finish_optional(no),
            }),
            Building::Retry {
                var,
                slot,
                prompt,
                limit,
                exhausted,
            } => StmtKind::Retry(Retry {
                var,
                slot,
                prompt,
                limit,
                exhausted: self.finish_optional(exhausted),
            }),
            Building::Simple(kind) => kind,
        };
        Stmt { kind, origin }
    }
}

#[derive(Clone, Copy)]
enum Outcome {
    Yes,
    No,
    NotFound,
    Error,
    Otherwise,
    Exhausted,
}

fn ask_building(slot: Slot, var: String, prompt: Message) -> Building {
    Building::Ask {
        slot,
        var,
        prompt,
        yes: None,
        no: None,
        options: Vec::new(),
        accepted: None,
        not_found: None,
    }
}

fn origin(context: &ItemContext, span: Span) -> Origin {
    Origin {
        span,
        step: context.step.clone(),
        extracted_by: context.extracted_by,
    }
}

/// The action a frozen LLM statement stands for. Its words are read by
/// the same rules as written text; every token points at the sentence.
fn llm_action(statement: LlmStatement, span: Span, catalog: &Catalog) -> Action {
    let tokens = |text: &str| -> Vec<Token> {
        // The rules add the final full stop themselves.
        let text = text.trim().trim_end_matches(['.', '!']);
        let (document, _) = crate::syntax::parse(span.source, text);
        document
            .items
            .iter()
            .flat_map(|item| words::tokens(&item.text))
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

/// A name not yet bound in scope: `answer`, then `answer_2`, …
fn unique_var(base: &str, scope: &Scope<'_>) -> String {
    if scope.has(base).is_none() {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| scope.has(name).is_none())
        .unwrap_or_else(|| base.to_string())
}

/// The variable a tool's result binds by default: `Order` → `order`,
/// `[Order]` → `orders`, otherwise the tool's name.
fn default_binding(returns: &Type, tool: &str) -> String {
    match returns.required() {
        Type::Record(name) => snake(name),
        Type::List(item) => match item.required() {
            Type::Record(name) => format!("{}s", snake(name)),
            _ => format!("{tool}_result"),
        },
        _ => format!("{tool}_result"),
    }
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Supplies a tool argument from scope: a variable of that name, a field of
/// that name on the most recent record, or `x_id` from a record of type X.
fn bind_argument(arg: &str, arg_type: &Type, scope: &Scope<'_>) -> Option<Path> {
    if let Some(ty) = scope.has(arg) {
        if ty.fits(arg_type) {
            return Some(Path::var(arg));
        }
    }
    for (name, ty) in scope.bindings.iter().rev() {
        if let Type::Record(record) = ty.required() {
            if let Some(field_type) = scope
                .catalog
                .types
                .get(record)
                .and_then(|r| r.fields.get(arg))
            {
                if field_type.fits(arg_type) {
                    return Some(Path::var(name).field(arg));
                }
            }
        }
    }
    if let Some(record_word) = arg.strip_suffix("_id") {
        if let Some((var, record)) = scope.record_var(record_word) {
            if scope
                .catalog
                .types
                .get(&record)
                .is_some_and(|r| r.fields.contains_key("id"))
            {
                return Some(Path::var(&var).field("id"));
            }
        }
    }
    // A value of the very type wanted (an email for an email).
    if matches!(arg_type.required(), Type::Email) {
        return scope
            .bindings
            .iter()
            .rev()
            .find(|(_, ty)| matches!(ty.required(), Type::Email))
            .map(|(name, _)| Path::var(name));
    }
    None
}

enum PredicateRead {
    Expr(Expr),
    /// `the user exists`: the lookup's own found / not-found outcome.
    Existence,
    Unknown,
}

/// Reads a testable statement: comparisons of two values, date windows and
/// day counts, set fields, existence.
fn predicate(words_tokens: &[Token], scope: &Scope<'_>) -> PredicateRead {
    let words: Vec<&str> = words_tokens.iter().filter_map(Token::word).collect();
    let paths: Vec<Path> = words_tokens
        .iter()
        .filter_map(|token| match &token.kind {
            Tok::Var(path) => Some(Path(path.clone())),
            _ => None,
        })
        .collect();
    let compares = words
        .iter()
        .any(|word| matches!(*word, "match" | "matches" | "equal" | "equals" | "same"));
    if compares {
        // `$email does not match $order.email`, or one `$path` and a field named in words.
        let right = match paths.as_slice() {
            [_, second, ..] => Some(second.clone()),
            [only] => {
                let others: Vec<&str> = words
                    .iter()
                    .copied()
                    .filter(|word| {
                        !matches!(
                            *word,
                            "match" | "matches" | "equal" | "equals" | "same" | "as" | "to"
                        )
                    })
                    .collect();
                scope
                    .find_field(&others, &|_| true)
                    .map(|(path, _)| path)
                    .filter(|path| path != only)
            }
            [] => None,
        };
        if let (Some(left), Some(right)) = (paths.first(), right) {
            return PredicateRead::Expr(Expr::Equals(
                Box::new(Expr::Path(left.clone())),
                Box::new(Expr::Path(right)),
            ));
        }
    }
    if let Some(path) = paths.first() {
        if words.iter().any(|word| {
            matches!(
                *word,
                "set" | "present" | "available" | "known" | "provided"
            )
        }) {
            return PredicateRead::Expr(Expr::IsSet(path.clone()));
        }
    }
    let is_date = |ty: &Type| matches!(ty.required(), Type::Date);
    let field_words: Vec<&str> = words
        .iter()
        .copied()
        .filter(|word| !matches!(*word, "today" | "now" | "days" | "day" | "ago"))
        .collect();
    let date_field = paths
        .iter()
        .find(|path| scope.path_type(&path.0).is_some_and(|ty| is_date(&ty)))
        .cloned()
        .or_else(|| {
            scope
                .find_field(&field_words, &is_date)
                .map(|(path, _)| path)
        });
    // Day counts: `more than 30 days ago`, `within the last 30 days`.
    let days = words_tokens
        .windows(2)
        .find_map(|pair| match (&pair[0].kind, pair[1].word()) {
            (Tok::Number(number), Some("days" | "day")) => Some(number.clone()),
            _ => None,
        });
    if let (Some(days), Some(field)) = (&days, &date_field) {
        let since = Box::new(Expr::DaysSince(field.clone()));
        let count = Box::new(Expr::Number(days.clone()));
        let more = words.iter().any(|word| {
            matches!(
                *word,
                "more" | "over" | "older" | "longer" | "beyond" | "after" | "past"
            )
        });
        let fewer = words.iter().any(|word| {
            matches!(
                *word,
                "within" | "less" | "under" | "fewer" | "last" | "recent"
            )
        });
        if more && !fewer {
            return PredicateRead::Expr(Expr::After(since, count));
        }
        if fewer && !more {
            return PredicateRead::Expr(Expr::AtMost(since, count));
        }
        return PredicateRead::Unknown;
    }
    let mentions_today = words.iter().any(|word| matches!(*word, "today" | "now"));
    if let (true, Some(field)) = (mentions_today, &date_field) {
        let field = Box::new(Expr::Path(field.clone()));
        let today = Box::new(Expr::Today);
        if words
            .iter()
            .any(|word| matches!(*word, "before" | "earlier"))
        {
            return PredicateRead::Expr(Expr::After(today, field));
        }
        if words.iter().any(|word| matches!(*word, "after" | "later")) {
            return PredicateRead::Expr(Expr::After(field, today));
        }
        if words
            .iter()
            .any(|word| matches!(*word, "is" | "was" | "on"))
        {
            return PredicateRead::Expr(Expr::Equals(field, today));
        }
        return PredicateRead::Unknown;
    }
    let within = words
        .iter()
        .any(|word| matches!(*word, "within" | "before" | "by" | "on"));
    let late = words.iter().any(|word| {
        matches!(
            *word,
            "past" | "after" | "beyond" | "passed" | "exceeded" | "overdue" | "late" | "later"
        )
    });
    if within || late {
        if let Some(field) = date_field {
            let today = Box::new(Expr::Today);
            let field = Box::new(Expr::Path(field));
            return PredicateRead::Expr(if late {
                Expr::After(today, field)
            } else {
                Expr::AtMost(today, field)
            });
        }
    }
    if words
        .iter()
        .any(|word| matches!(*word, "exists" | "exist" | "registered" | "valid" | "found"))
    {
        return PredicateRead::Existence;
    }
    if words.iter().any(|word| matches!(*word, "has" | "have")) {
        if let Some((path, _)) = scope.find_field(&words, &|ty| ty.is_optional()) {
            return PredicateRead::Expr(Expr::IsSet(path));
        }
    }
    PredicateRead::Unknown
}

/// `Check the order:` — a short line ending in a colon that states no
/// condition and no action keel reads is a heading for the steps below it.
fn colon_heading(tokens: &[Token]) -> Option<String> {
    if !tokens.last().is_some_and(|token| token.is_punct(':')) {
        return None;
    }
    let words: Vec<&str> = tokens.iter().filter_map(Token::word).collect();
    if words.is_empty()
        || words.len() > 6
        || tokens
            .iter()
            .any(|token| !matches!(token.kind, Tok::Word { .. } | Tok::Punct(_)))
    {
        return None;
    }
    if tokens
        .first()
        .is_some_and(|token| token.is_any(words::CONDITION_OPENERS))
    {
        return None;
    }
    let understood = action::actions(&tokens[..tokens.len() - 1])
        .iter()
        .any(Result::is_ok);
    (!understood).then(|| {
        tokens
            .iter()
            .filter_map(|token| match &token.kind {
                Tok::Word { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// `their order number and the email address` → two things to ask for,
/// when each part names a value on its own.
fn compound_nouns(noun: &[Token]) -> Vec<Vec<Token>> {
    let parts: Vec<Vec<Token>> = noun
        .split(|token| token.is("and") || token.is_punct(','))
        .map(<[Token]>::to_vec)
        .filter(|part| !part.is_empty())
        .collect();
    const VALUES: &[&str] = &[
        "email", "e-mail", "number", "id", "name", "zip", "postcode", "phone", "address", "date",
        "code", "reason",
    ];
    let each_names_a_value = parts.len() >= 2
        && parts
            .iter()
            .all(|part| part.iter().any(|token| token.is_any(VALUES)));
    if each_names_a_value {
        parts
    } else {
        vec![noun.to_vec()]
    }
}

/// Where `Label: what to do` (or `Label - what to do`) splits: the
/// separator's index, when a short label comes before it.
fn option_label(tokens: &[Token]) -> Option<usize> {
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

/// Verbs that say how the customer answered (`accepts`, `declines`, …).
fn names_an_answer(words: &[Token]) -> bool {
    words.iter().filter_map(Token::word).any(|word| {
        [
            "accept",
            "agree",
            "confirm",
            "decline",
            "refuse",
            "reject",
            "approve",
            "want",
            "interested",
            "choose",
            "chose",
            "keep",
            "prefer",
            "like",
            "yes",
            "no",
            "ok",
            "okay",
        ]
        .iter()
        .any(|stem| word.starts_with(stem))
    })
}

/// `the number of items` counts; `the phone number` names an identifier.
fn counts_something(words: &[&str]) -> bool {
    words
        .windows(2)
        .any(|pair| pair[0] == "number" && pair[1] == "of")
        || words.last() == Some(&"number") && words.len() == 1
}

/// `… that the request will be transferred to an agent`.
fn promises_handoff(words: &[Token]) -> bool {
    let lowered: Vec<&str> = words.iter().filter_map(Token::word).collect();
    let moves = lowered.iter().any(|word| {
        matches!(
            *word,
            "transferred" | "routed" | "escalated" | "handed" | "passed" | "forwarded"
        )
    });
    let to_human = lowered.iter().any(|word| {
        matches!(
            *word,
            "agent" | "human" | "person" | "team" | "specialist" | "representative" | "support"
        )
    });
    moves && to_human && lowered.contains(&"will")
}

/// A heading: a short Title Case line or a line ending in `:` with no
/// references and no condition, e.g. `Check Order Status`, `Escalation:`.
fn heading(item: &Item, tokens: &[Token]) -> Option<String> {
    if tokens.is_empty()
        || tokens.iter().any(|token| {
            matches!(
                token.kind,
                Tok::Tool { .. } | Tok::Policy(_) | Tok::Var(_) | Tok::Literal(_)
            )
        })
    {
        return None;
    }
    let word_tokens: Vec<&str> = tokens
        .iter()
        .filter_map(|token| match &token.kind {
            Tok::Word { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    if word_tokens.is_empty() || word_tokens.len() > 7 {
        return None;
    }
    if tokens
        .first()
        .is_some_and(|token| token.is_any(words::CONDITION_OPENERS))
    {
        return None;
    }
    let ends_with_colon = tokens.last().is_some_and(|token| token.is_punct(':'));
    let ends_sentence = tokens.last().is_some_and(|token| token.is_punct('.'));
    const SMALL: &[&str] = &[
        "a", "an", "the", "of", "and", "or", "to", "for", "in", "on", "with", "by", "at",
    ];
    let title_case = word_tokens.iter().all(|word| {
        SMALL.contains(word) || word.starts_with(|c: char| c.is_uppercase() || c.is_numeric())
    });
    let no_children_sentence = item.marker == MarkerKind::Paragraph || !ends_sentence;
    if (title_case && no_children_sentence && !word_tokens.is_empty() && !ends_sentence)
        || (ends_with_colon && title_case)
    {
        return Some(word_tokens.join(" "));
    }
    None
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
