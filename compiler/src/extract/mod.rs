//! [`Document`] → [`ir::Policy`]: extraction rules, then attachment.
//!
//! The stages, each in its own module:
//!
//! * `lexicon`: the word classes (the customer, negation, say-verbs, …),
//!   in one place; every token is tagged with its classes once;
//! * [`tokens`]: item text → tokens → sentences → clauses;
//! * [`layout`]: what an item is — a heading, a note, a step, a question
//!   whose sub-items are its options;
//! * [`condition`] and [`action`]: a clause's optional condition and its
//!   action phrases, each read by the first rule of the ordered tables in
//!   [`rules`] that recognises it (the rule's name is the statement's
//!   evidence);
//! * [`attach`]: a condition is attached to the earlier step it is about —
//!   a literal to a match on the enum field whose domain holds it, a
//!   not-found to the last lookup, a yes/no to the last question or check —
//!   and its actions go into that step's block for the outcome;
//! * [`statements`]: actions become statements (names resolved against the
//!   catalog and the variables in scope, messages phrased by [`message`]);
//! * [`predicate`]: English statements to test (`the order is within 30
//!   days`) as expressions;
//! * [`arena`]: statements live in an arena while they are built, so later
//!   sentences can reach back into earlier steps ("16. If no, …" answers the
//!   check made in step 15); it turns into the IR tree at the end.
//!
//! A sentence no rule understands becomes an `unrecognised-sentence`
//! diagnostic with its span ([`unread`]); an LLM's rewrite of it, frozen in
//! the lock file, is put in its place before extraction (`crate::lock`).

mod action;
mod arena;
mod attach;
mod calls;
mod clauses;
mod compute;
mod condition;
mod guards;
mod jump;
mod layout;
mod lexicon;
mod message;
mod predicate;
pub mod reference;
mod rules;
mod scope;
mod statements;
mod tokens;
mod unread;

pub use unread::fold_cascades;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, ExtractedBy, Origin, Slot};
use crate::source::Span;
use crate::syntax::Document;
use arena::{Arena, BlockId, Building, ROOT, StmtId};
use scope::Scope;
use std::collections::{BTreeMap, BTreeSet};

/// Extracts one policy. Problems are appended to `diagnostics`.
pub fn extract(
    document: &Document,
    default_name: &str,
    catalog: &Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) -> ir::Policy {
    // The `Answers` section is fixed text, not procedure (crate::answers).
    let (document, answers) = crate::answers::split(document, diagnostics);
    let document = &document;
    let value = |key: &str| document.front_matter_value(key).map(|entry| entry.scalar());
    let mut builder = Builder {
        catalog,
        arena: Arena::new(),
        asked: BTreeMap::new(),
        choices: BTreeSet::new(),
        notes: Vec::new(),
        last_statement: None,
        last_condition: None,
        read_back: None,
        anchors: Vec::new(),
        anchored: BTreeSet::new(),
        top_steps: Vec::new(),
        in_introduction: true,
        written_roots: written_roots(&document.items),
        outline: jump::Outline::new(&document.items),
        jumps: Vec::new(),
        diagnostics,
    };
    // A triggered policy starts with `$event` bound (crate::trigger).
    let trigger = crate::trigger::read(document, catalog, builder.diagnostics);
    if let Some(trigger) = &trigger {
        builder.arena.bind(
            crate::trigger::EVENT_VAR,
            crate::catalog::Type::Record(trigger.record.clone()),
            ROOT,
        );
    }
    for item in &document.items {
        builder.top_steps.push(item.label.clone());
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
    // A choice among fixed answers cannot be declined with a `no`.
    for &choice in &builder.choices {
        if let Building::Ask { declinable, .. } = &mut builder.arena[choice].kind {
            *declinable = false;
        }
    }
    builder.resolve_jumps();
    builder.guard_matches();
    let anchors = builder.finish_anchors();
    let body = builder.arena.finish_block(ROOT);
    ir::Policy {
        name: value("policy").unwrap_or_else(|| default_name.to_string()),
        title: value("title").unwrap_or_default(),
        when: value("when").unwrap_or_default(),
        channels: document
            .front_matter_value("channels")
            .map_or_else(Vec::new, |entry| entry.values()),
        body,
        notes: builder.notes,
        anchors,
        trigger,
        answers,
        span: whole,
    }
}

/// How deep conditions may nest: bounded so no input can overflow the
/// stack of the recursive stages (lowering, finishing the tree).
const MAX_NESTING: usize = 64;

/// Extraction's state: the arena of statements built so far and what the
/// later sentences need to know about them.
struct Builder<'a> {
    catalog: &'a Catalog,
    arena: Arena,
    /// Variables that an ask fills, with their slot (for retries).
    asked: BTreeMap<String, Slot>,
    /// Option asks that are a choice, not an offer (their prompt lists
    /// alternatives instead of offering them).
    choices: BTreeSet<StmtId>,
    notes: Vec<(Origin, String)>,
    /// The last statement kept as a note, with its block and step: a
    /// hand-off in that step carries it, a bare `tell them` says it.
    last_statement: Option<(BlockId, String, Vec<tokens::Token>)>,
    /// The last condition's words (without its `if`), with the block it
    /// opened and its step: `If nothing is open, say so` says them.
    last_condition: Option<(BlockId, String, Vec<tokens::Token>)>,
    /// The last read-back question, with its block and step: `Ask them to
    /// confirm` right after it is the same question.
    read_back: Option<(BlockId, String, StmtId)>,
    /// Every condition's attachment so far.
    anchors: Vec<PendingAnchor>,
    /// The statements some condition has been attached to (the targets
    /// of `anchors`), for the ambiguity test.
    anchored: BTreeSet<StmtId>,
    /// Until the first numbered or lettered item (or one naming a tool or
    /// policy), the policy is in its introduction.
    in_introduction: bool,
    /// Every `$name` the text uses, with the fields it reads of it
    /// (`$check.amount` → `check` → `{amount}`): a call's result takes the
    /// author's name for it.
    written_roots: BTreeMap<String, BTreeSet<String>>,
    /// The top-level step labels in the order written (`1`, `2`, `h3`, …).
    top_steps: Vec<String>,
    /// Every item in order, for the places jumps name.
    outline: jump::Outline,
    /// Jumps to link once every statement is known.
    jumps: Vec<jump::PendingJump>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

/// A condition's attachment, recorded as it is made: the anchor statement
/// is turned into its step and span when extraction ends.
struct PendingAnchor {
    condition: String,
    span: Span,
    step: String,
    target: StmtId,
    outcome: String,
    why: String,
}

/// Per-item context: its step label and span, for origins.
#[derive(Clone)]
struct ItemContext {
    step: String,
    /// The condition words in force, for hand-off reasons.
    condition_words: String,
    /// The condition as written, for its anchor.
    condition_written: String,
    /// Who read the sentence (an LLM for lock-file answers).
    extracted_by: ExtractedBy,
    /// The name of the rule that read the sentence: the evidence recorded
    /// in the origin of the statements made from it.
    rule: &'static str,
}

impl<'a> Builder<'a> {
    /// Appends a statement to `block`; an ask's variable is remembered
    /// with its slot (for retries).
    fn push(&mut self, block: BlockId, kind: Building, origin: Origin) -> StmtId {
        if let Building::Ask { var, slot, .. } = &kind {
            self.asked.insert(var.clone(), slot.clone());
        }
        self.arena.push(block, kind, origin)
    }

    /// The variables visible in `block`.
    fn scope_at(&self, block: BlockId) -> Scope<'a> {
        self.arena.scope_at(block, self.catalog)
    }

    /// The recorded attachments, with their anchors' steps and spans.
    fn finish_anchors(&mut self) -> Vec<ir::Anchor> {
        let mut anchors: Vec<ir::Anchor> = Vec::new();
        let mut seen: BTreeMap<(Span, Span), Vec<usize>> = BTreeMap::new();
        for pending in std::mem::take(&mut self.anchors) {
            let node = &self.arena[pending.target];
            let anchor_kind = match &node.kind {
                Building::Ask {
                    slot: Slot::Item(_) | Slot::Items(_),
                    ..
                } => "pick",
                Building::Ask { .. } => "question",
                Building::Call {
                    optional_result: true,
                    ..
                } => "lookup",
                Building::Call { .. } => "call",
                Building::Match { .. } => "match",
                Building::Check { .. } => "check",
                Building::Retry { .. } => "retry",
                Building::Simple(_) => "step",
            };
            let anchor = ir::Anchor {
                condition: pending.condition,
                span: pending.span,
                step: pending.step,
                anchor_kind: anchor_kind.to_string(),
                anchor_step: node.origin.step.clone(),
                anchor_span: node.origin.span,
                outcome: pending.outcome,
                why: pending.why,
            };
            // A condition read in several branches is one attachment per
            // anchor and outcome (compared among those of the same spans
            // only: comparing with every anchor so far was quadratic).
            let same = seen.entry((anchor.span, anchor.anchor_span)).or_default();
            if !same.iter().any(|&index| anchors[index] == anchor) {
                same.push(anchors.len());
                anchors.push(anchor);
            }
        }
        anchors
    }
}

fn origin(context: &ItemContext, span: Span) -> Origin {
    Origin {
        span,
        step: context.step.clone(),
        extracted_by: context.extracted_by,
        rule: context.rule,
    }
}

/// Every `$name` the items use, with the first field read of each use.
fn written_roots(items: &[crate::syntax::Item]) -> BTreeMap<String, BTreeSet<String>> {
    let mut roots: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending: Vec<&crate::syntax::Item> = items.iter().collect();
    while let Some(item) = pending.pop() {
        for token in tokens::tokens(&item.text) {
            if let tokens::Tok::Var(path) = &token.kind {
                if let Some(root) = path.first() {
                    let fields = roots.entry(root.clone()).or_default();
                    if let Some(field) = path.get(1) {
                        fields.insert(field.clone());
                    }
                }
            }
        }
        pending.extend(item.children.iter());
    }
    roots
}
