//! [`ir::Policy`] trees → one [`Machine`] graph.
//!
//! Each block lowers to a fragment: an entry state (or none, for a block that
//! does nothing) and the open exits that continue to whatever comes next.
//! A condition's block that does not end the conversation flows on to the
//! step after the condition; the policy's last step flows to an implicit end.
//! Defaults the author did not write are added as visible states: a tool
//! error, a lookup that finds nothing, unclear answers and a request for a
//! human each lead to a hand-off unless the policy says otherwise.

use super::{Label, Machine, PolicyInfo, State, StateId, StateKind, StateOrigin, Transition};
use crate::catalog::{Catalog, Effect};
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Block, Slot, Stmt, StmtKind};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, BTreeSet};

/// How many unclear answers an ask tolerates before its retry-exhausted edge.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// Lowers the entry policy and every policy it references into one machine.
pub fn build(
    policies: &[ir::Policy],
    entry: usize,
    catalog: &Catalog,
    diagnostics: &mut Vec<Diagnostic>,
) -> Machine {
    if entry >= policies.len() {
        // Nothing to lower: a machine that ends at once, and the reason.
        diagnostics.push(
            Diagnostic::error(codes::EMPTY_POLICY, "there is no policy to compile")
                .hint("give at least one policy file"),
        );
        return build(&[empty_policy()], 0, catalog, &mut Vec::new());
    }
    let by_name: BTreeMap<String, usize> = policies
        .iter()
        .enumerate()
        .map(|(index, policy)| (normalise(&policy.name), index))
        .collect();
    let order = lowering_order(policies, entry, &by_name, diagnostics);
    let mut builder = GraphBuilder {
        graph: DiGraph::new(),
        used_ids: BTreeSet::new(),
        copies: BTreeMap::new(),
        catalog,
        lowered: BTreeMap::new(),
        pending: Vec::new(),
    };
    // Which section each policy is entered at (`#Policy – Section`).
    let mut hooks: BTreeMap<usize, String> = BTreeMap::new();
    for &index in &order {
        for reference in references(&policies[index].body) {
            if let (true, Some(section)) = (reference.enter, reference.section) {
                if let Some(&target) = by_name.get(&normalise(&reference.policy)) {
                    hooks.insert(target, section);
                }
            }
        }
    }
    for &index in &order {
        let policy = &policies[index];
        let entered: BTreeSet<usize> = references(&policy.body)
            .into_iter()
            .filter(|reference| reference.enter)
            .filter_map(|reference| by_name.get(&normalise(&reference.policy)).copied())
            .collect();
        let hook = hooks.get(&index).cloned();
        let lowered = builder.lower_policy(policy, hook.clone(), &entered, &by_name, diagnostics);
        if let (Some(section), false) = (&hook, lowered.hook_found) {
            diagnostics.push(
                Diagnostic::error(
                    codes::UNKNOWN_SECTION,
                    format!("#{} has no section \"{section}\"", policy.name),
                )
                .at(policy.span)
                .hint("add a heading line with that title where the other policy should take over"),
            );
        }
        builder.lowered.insert(index, lowered);
    }
    for (from, target, resume) in std::mem::take(&mut builder.pending) {
        let Some(lowered) = builder.lowered.get(&target) else {
            continue;
        };
        let to = if resume {
            lowered.resume.or(lowered.entry)
        } else {
            lowered.entry
        };
        if let Some(to) = to {
            builder
                .graph
                .add_edge(from, to, Transition { label: Label::Next });
        }
    }
    let start = builder
        .lowered
        .get(&entry)
        .and_then(|lowered| lowered.entry)
        .map_or(StateId(0), StateId::from_node);
    let mut infos: Vec<PolicyInfo> = Vec::new();
    let mut info_order = vec![entry];
    info_order.extend(order.iter().copied().filter(|index| *index != entry));
    for index in info_order {
        let policy = &policies[index];
        infos.push(PolicyInfo {
            name: policy.name.clone(),
            title: policy.title.clone(),
            when: policy.when.clone(),
            channels: policy.channels.clone(),
            trigger: policy.trigger.clone(),
            entry: builder
                .lowered
                .get(&index)
                .and_then(|lowered| lowered.entry)
                .map(StateId::from_node),
            notes: policy
                .notes
                .iter()
                .map(|(origin, text)| (origin.step.clone(), origin.span, text.clone()))
                .collect(),
            anchors: policy.anchors.clone(),
        });
    }
    if builder.graph.node_count() == 0 {
        // An empty policy still gives a machine: one that ends at once.
        builder.graph.add_node(State {
            id: format!(
                "{}:end",
                policies
                    .get(entry)
                    .map_or("policy", |policy| policy.name.as_str())
            ),
            policy: policies
                .get(entry)
                .map_or(String::new(), |policy| policy.name.clone()),
            kind: StateKind::End {
                outcome: "ended".to_string(),
            },
            origin: None,
        });
    }
    let mut machine = Machine {
        graph: builder.graph,
        start,
        policies: infos,
    };
    super::repair::add_repairs(&mut machine);
    machine
}

/// A policy with no steps, standing in when none was given.
fn empty_policy() -> ir::Policy {
    ir::Policy {
        name: "policy".to_string(),
        title: String::new(),
        when: String::new(),
        channels: Vec::new(),
        body: ir::Block(Vec::new()),
        notes: Vec::new(),
        anchors: Vec::new(),
        trigger: None,
        span: crate::source::Span::new(crate::source::SourceId::default(), 0, 0),
    }
}

/// Policy names match without regard to case, spaces or dashes.
pub fn normalise(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

#[derive(Clone)]
struct Reference {
    policy: String,
    section: Option<String>,
    enter: bool,
    span: crate::source::Span,
}

fn references(block: &Block) -> Vec<Reference> {
    let mut out = Vec::new();
    visit(block, &mut |stmt| match &stmt.kind {
        StmtKind::Goto(reference) => out.push(Reference {
            policy: reference.policy.clone(),
            section: reference.section.clone(),
            enter: false,
            span: reference.span,
        }),
        StmtKind::Enter(reference) => out.push(Reference {
            policy: reference.policy.clone(),
            section: reference.section.clone(),
            enter: true,
            span: reference.span,
        }),
        _ => {}
    });
    out
}

/// Calls `f` on every statement, depth first, in written order.
pub(crate) fn visit(block: &Block, f: &mut dyn FnMut(&Stmt)) {
    for stmt in &block.0 {
        f(stmt);
        for child in child_blocks(stmt) {
            visit(child, f);
        }
    }
}

fn child_blocks(stmt: &Stmt) -> Vec<&Block> {
    let mut out = Vec::new();
    match &stmt.kind {
        StmtKind::Ask(ask) => {
            out.extend(ask.yes.iter());
            out.extend(ask.no.iter());
            out.extend(ask.options.iter());
            out.extend(ask.accepted.iter());
            out.extend(ask.not_found.iter());
        }
        StmtKind::Call(call) => {
            out.extend(call.not_found.iter());
            out.extend(call.error.iter());
        }
        StmtKind::Match(matching) => {
            out.extend(matching.cases.iter().map(|case| &case.body));
            out.extend(matching.otherwise.iter());
        }
        StmtKind::Check(check) => {
            out.extend(check.yes.iter());
            out.extend(check.no.iter());
        }
        StmtKind::Retry(retry) => out.extend(retry.exhausted.iter()),
        _ => {}
    }
    out
}

/// The policies reachable from the entry, each after the policies it enters
/// (it needs their hand-back exits). Unknown references are reported here.
fn lowering_order(
    policies: &[ir::Policy],
    entry: usize,
    by_name: &BTreeMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut order = Vec::new();
    let mut state: BTreeMap<usize, bool> = BTreeMap::new(); // false = in progress, true = done
    // Depth first with an explicit stack of (policy, its references, the
    // next one to follow): a chain of thousands of policies, each entering
    // the next, is as deep as it is long.
    let mut stack: Vec<(usize, Vec<Reference>, usize)> = Vec::new();
    state.insert(entry, false);
    stack.push((entry, references(&policies[entry].body), 0));
    while let Some((index, references_of, next)) = stack.last_mut() {
        let index = *index;
        let Some(reference) = references_of.get(*next).cloned() else {
            state.insert(index, true);
            order.push(index);
            stack.pop();
            continue;
        };
        *next += 1;
        match by_name.get(&normalise(&reference.policy)) {
            Some(&target) => {
                if reference.enter && state.get(&target) == Some(&false) {
                    diagnostics.push(
                        Diagnostic::error(
                            codes::UNKNOWN_POLICY,
                            format!("#{} is entered from a policy it is itself entered from", reference.policy),
                        )
                        .at(reference.span)
                        .hint("a policy may hand back to the one that entered it with `proceed … in #Policy`, not enter it again"),
                    );
                    continue;
                }
                if let std::collections::btree_map::Entry::Vacant(entry) = state.entry(target) {
                    entry.insert(false);
                    stack.push((target, references(&policies[target].body), 0));
                }
            }
            None => {
                let known: Vec<String> =
                    policies.iter().map(|policy| policy.name.clone()).collect();
                let suggestion = known
                    .iter()
                    .min_by_key(|name| {
                        crate::spelling::edit_distance(
                            &normalise(name),
                            &normalise(&reference.policy),
                        )
                    })
                    .filter(|name| {
                        crate::spelling::edit_distance(
                            &normalise(name),
                            &normalise(&reference.policy),
                        ) <= 4
                    });
                let mut diagnostic = Diagnostic::error(
                    codes::UNKNOWN_POLICY,
                    format!("#{} is not among the compiled policies", reference.policy),
                )
                .at(reference.span);
                diagnostic = match suggestion {
                    Some(name) => diagnostic.hint(format!("did you mean #{name}?")),
                    None => diagnostic.hint("compile it together with this one, or list it under `imports:` in the front matter"),
                };
                diagnostics.push(diagnostic);
            }
        }
    }
    order
}

struct Lowered {
    entry: Option<NodeIndex>,
    /// Where `proceed … in #Policy` resumes after the hook section.
    resume: Option<NodeIndex>,
    /// Exits that reach the hook section: they continue in the entering policy.
    hook_exits: Vec<(NodeIndex, Label)>,
    hook_found: bool,
}

struct GraphBuilder<'a> {
    graph: DiGraph<State, Transition>,
    used_ids: BTreeSet<String>,
    /// For each repeated state id, the last copy number tried.
    copies: BTreeMap<String, usize>,
    catalog: &'a Catalog,
    lowered: BTreeMap<usize, Lowered>,
    /// Goto states to link once every policy is lowered: (state, policy, resume).
    pending: Vec<(NodeIndex, usize, bool)>,
}

#[derive(Default)]
struct Fragment {
    entry: Option<NodeIndex>,
    exits: Vec<(NodeIndex, Label)>,
}

struct PolicyLowering<'p> {
    policy: &'p ir::Policy,
    hook: Option<String>,
    hook_exits: Vec<(NodeIndex, Label)>,
    hook_found: bool,
    resume_pending: bool,
    resume: Option<NodeIndex>,
    entered: &'p BTreeSet<usize>,
    by_name: &'p BTreeMap<String, usize>,
    implicit: BTreeMap<&'static str, NodeIndex>,
    /// The call whose not-found block is being lowered (for retries).
    calls: Vec<NodeIndex>,
    /// `go to step N` states, linked once the whole policy is lowered.
    step_jumps: Vec<(NodeIndex, String, crate::source::Span)>,
}

/// What happens at the end of a condition's block that does not say.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BlockEnd {
    /// Flow on to the step after the condition (answers to a question,
    /// checks, offers).
    FlowsOn,
    /// End the conversation unless the block says `continue` (status cases,
    /// not found, errors, otherwise): an exception handled is an exception
    /// closed, as a reader of an SOP expects.
    EndsUnlessContinued,
}

impl GraphBuilder<'_> {
    fn lower_policy(
        &mut self,
        policy: &ir::Policy,
        hook: Option<String>,
        entered: &BTreeSet<usize>,
        by_name: &BTreeMap<String, usize>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Lowered {
        let mut lowering = PolicyLowering {
            policy,
            hook,
            hook_exits: Vec::new(),
            hook_found: false,
            resume_pending: false,
            resume: None,
            entered,
            by_name,
            implicit: BTreeMap::new(),
            calls: Vec::new(),
            step_jumps: Vec::new(),
        };
        let body = self.block(&policy.body, &mut lowering, diagnostics);
        self.link_step_jumps(&mut lowering, diagnostics);
        let needs_end = body.entry.is_none() || !body.exits.is_empty() || lowering.resume_pending;
        let mut entry = body.entry;
        if needs_end {
            let end = self.implicit(
                &mut lowering,
                "end",
                StateKind::End {
                    outcome: "ended".to_string(),
                },
            );
            for (from, label) in body.exits {
                self.graph.add_edge(from, end, Transition { label });
            }
            if entry.is_none() && lowering.hook_exits.is_empty() {
                entry = Some(end);
            }
            if lowering.resume_pending {
                lowering.resume = Some(end);
            }
        }
        Lowered {
            entry,
            resume: lowering.resume,
            hook_exits: lowering.hook_exits,
            hook_found: lowering.hook_found,
        }
    }

    fn block(
        &mut self,
        block: &Block,
        lowering: &mut PolicyLowering<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Fragment {
        let mut fragment = Fragment::default();
        let mut started = false;
        let mut open: Vec<(NodeIndex, Label)> = Vec::new();
        for stmt in &block.0 {
            if let (StmtKind::Section(title), Some(hook)) = (&stmt.kind, &lowering.hook) {
                if normalise(title) == normalise(hook) {
                    lowering.hook_found = true;
                    lowering.hook_exits.append(&mut open);
                    lowering.resume_pending = true;
                    started = true;
                    continue;
                }
            }
            // The resume point is this statement, not one nested inside it.
            let claims_resume = std::mem::take(&mut lowering.resume_pending);
            let part = self.stmt(stmt, lowering, diagnostics);
            let Some(entry) = part.entry else {
                lowering.resume_pending |= claims_resume;
                continue;
            };
            for (from, label) in open.drain(..) {
                self.graph.add_edge(from, entry, Transition { label });
            }
            if !started {
                fragment.entry = Some(entry);
                started = true;
            }
            if claims_resume {
                lowering.resume = Some(entry);
            }
            open = part.exits;
        }
        fragment.exits = open;
        fragment
    }

    /// Lowers an outcome's block after `from`: an edge into it, or, for an
    /// empty block, `from` itself continues with the given label.
    #[allow(clippy::too_many_arguments)]
    fn branch(
        &mut self,
        from: NodeIndex,
        label: Label,
        block: Option<&Block>,
        ending: BlockEnd,
        exits: &mut Vec<(NodeIndex, Label)>,
        lowering: &mut PolicyLowering<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let fragment = match block {
            Some(block) => self.block(block, lowering, diagnostics),
            None => Fragment::default(),
        };
        let continues = block.is_none_or(|block| {
            block.0.is_empty()
                || matches!(
                    block.0.last().map(|stmt| &stmt.kind),
                    Some(StmtKind::Continue(None))
                )
        });
        let (entry, open) = match fragment.entry {
            Some(entry) => {
                self.graph.add_edge(from, entry, Transition { label });
                (Some(entry), fragment.exits)
            }
            None => (None, vec![(from, label)]),
        };
        if ending == BlockEnd::EndsUnlessContinued && !continues && entry.is_some() {
            if !open.is_empty() {
                let end = self.implicit(
                    lowering,
                    "end",
                    StateKind::End {
                        outcome: "ended".to_string(),
                    },
                );
                for (state, label) in open {
                    self.graph.add_edge(state, end, Transition { label });
                }
            }
        } else {
            exits.extend(open);
        }
    }

    /// Links each `go to step N` state to the first state of step N (or of
    /// its first sub-step), by position in the text.
    fn link_step_jumps(
        &mut self,
        lowering: &mut PolicyLowering<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for (node, label, span) in std::mem::take(&mut lowering.step_jumps) {
            // The step's entry is its earliest text, whatever order its
            // states were made in (a not-found block may be lowered first).
            let target = self
                .graph
                .node_indices()
                .filter(|&candidate| {
                    let state = &self.graph[candidate];
                    candidate != node
                        && state.policy == lowering.policy.name
                        && state.origin.as_ref().is_some_and(|origin| {
                            origin.step == label || origin.step.starts_with(&format!("{label}."))
                        })
                })
                .min_by_key(|&candidate| {
                    self.graph[candidate]
                        .origin
                        .as_ref()
                        .map_or(usize::MAX, |origin| origin.span.range().start)
                });
            match target {
                Some(target) => {
                    self.graph
                        .add_edge(node, target, Transition { label: Label::Next });
                }
                None => diagnostics.push(
                    Diagnostic::error(
                        codes::UNKNOWN_SECTION,
                        format!("there is no step {label} to go to"),
                    )
                    .at(span)
                    .hint("name a step of this policy that does something, e.g. `go to step 4`"),
                ),
            }
        }
    }

    fn stmt(
        &mut self,
        stmt: &Stmt,
        lowering: &mut PolicyLowering<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Fragment {
        let origin = Some(StateOrigin {
            span: stmt.origin.span,
            step: stmt.origin.step.clone(),
            extracted_by: stmt.origin.extracted_by,
        });
        let step = stmt.origin.step.clone();
        let mut exits = Vec::new();
        let node = match &stmt.kind {
            StmtKind::Section(_) | StmtKind::Continue(None) => return Fragment::default(),
            StmtKind::Continue(Some(target)) => {
                self.jump(lowering, &step, target, origin, stmt.origin.span)
            }
            StmtKind::Repeat {
                step: target,
                limit,
            } => {
                // A counter: `again` jumps back, `retry exhausted` goes on.
                let node = self.counter(lowering, &step, *limit, origin.clone());
                let jump = self.jump(lowering, &step, target, origin, stmt.origin.span);
                self.graph.add_edge(
                    node,
                    jump,
                    Transition {
                        label: Label::Again,
                    },
                );
                exits.push((node, Label::RetryExhausted));
                node
            }
            StmtKind::Wait(wait) => {
                let node = self.add(
                    lowering,
                    &step,
                    StateKind::Wait {
                        seconds: wait.seconds,
                        wording: wait.wording.clone(),
                    },
                    origin,
                );
                exits.push((node, Label::Next));
                node
            }
            StmtKind::Say(message) => {
                let node = self.add(
                    lowering,
                    &step,
                    StateKind::Say {
                        message: message.clone(),
                    },
                    origin,
                );
                exits.push((node, Label::Next));
                node
            }
            StmtKind::Set { var, value } => {
                let node = self.add(
                    lowering,
                    &step,
                    StateKind::Set {
                        var: var.clone(),
                        value: value.clone(),
                    },
                    origin,
                );
                exits.push((node, Label::Next));
                node
            }
            StmtKind::Ask(ask) => {
                let node = self.add(
                    lowering,
                    &step,
                    StateKind::Ask {
                        slot: ask.slot.clone(),
                        var: ask.var.clone(),
                        prompt: ask.prompt.clone(),
                        max_attempts: DEFAULT_MAX_ATTEMPTS,
                    },
                    origin,
                );
                match &ask.slot {
                    Slot::YesNo => {
                        self.branch(
                            node,
                            Label::Yes,
                            ask.yes.as_ref(),
                            BlockEnd::FlowsOn,
                            &mut exits,
                            lowering,
                            diagnostics,
                        );
                        self.branch(
                            node,
                            Label::No,
                            ask.no.as_ref(),
                            BlockEnd::FlowsOn,
                            &mut exits,
                            lowering,
                            diagnostics,
                        );
                    }
                    Slot::Options(labels) => {
                        let mut accepted_exits = Vec::new();
                        for (index, label) in labels.iter().enumerate() {
                            self.branch(
                                node,
                                Label::Option(label.clone()),
                                ask.options.get(index),
                                BlockEnd::FlowsOn,
                                &mut accepted_exits,
                                lowering,
                                diagnostics,
                            );
                        }
                        match &ask.accepted {
                            Some(accepted) => {
                                let fragment = self.block(accepted, lowering, diagnostics);
                                match fragment.entry {
                                    Some(entry) => {
                                        for (from, label) in accepted_exits {
                                            self.graph.add_edge(from, entry, Transition { label });
                                        }
                                        exits.extend(fragment.exits);
                                    }
                                    None => exits.extend(accepted_exits),
                                }
                            }
                            None => exits.extend(accepted_exits),
                        }
                        // A choice among fixed answers has no `no`.
                        if ask.declinable || ask.no.is_some() {
                            self.branch(
                                node,
                                Label::No,
                                ask.no.as_ref(),
                                BlockEnd::FlowsOn,
                                &mut exits,
                                lowering,
                                diagnostics,
                            );
                        }
                    }
                    Slot::Item(_) | Slot::Items(_) => {
                        exits.push((node, Label::Next));
                        match &ask.not_found {
                            Some(block) => self.branch(
                                node,
                                Label::NotFound,
                                Some(block),
                                BlockEnd::EndsUnlessContinued,
                                &mut exits,
                                lowering,
                                diagnostics,
                            ),
                            None => {
                                self.hand_off_on(
                                    node,
                                    Label::NotFound,
                                    lowering,
                                    "nothing_to_choose",
                                    "there was nothing for the customer to choose from",
                                );
                            }
                        }
                    }
                    _ => exits.push((node, Label::Next)),
                }
                self.ask_defaults(node, lowering);
                node
            }
            StmtKind::Call(call) => {
                let effect = self
                    .catalog
                    .tools
                    .get(&call.tool)
                    .map_or(Effect::Read, |tool| tool.effect);
                let may_find_nothing = self.catalog.tools.get(&call.tool).is_some_and(|tool| {
                    tool.returns.is_optional()
                        || matches!(tool.returns, crate::catalog::Type::List(_))
                });
                let node = self.add(
                    lowering,
                    &step,
                    StateKind::Call {
                        tool: call.tool.clone(),
                        args: call.args.clone(),
                        bind: call.bind.clone(),
                        effect,
                    },
                    origin,
                );
                exits.push((node, Label::Ok));
                if may_find_nothing || call.not_found.is_some() {
                    match &call.not_found {
                        Some(block) => {
                            lowering.calls.push(node);
                            self.branch(
                                node,
                                Label::NotFound,
                                Some(block),
                                BlockEnd::EndsUnlessContinued,
                                &mut exits,
                                lowering,
                                diagnostics,
                            );
                            lowering.calls.pop();
                        }
                        None => {
                            self.hand_off_on(
                                node,
                                Label::NotFound,
                                lowering,
                                "lookup_found_nothing",
                                "a lookup found nothing and the policy says nothing more",
                            );
                        }
                    }
                }
                match &call.error {
                    Some(block) => self.branch(
                        node,
                        Label::Error,
                        Some(block),
                        BlockEnd::EndsUnlessContinued,
                        &mut exits,
                        lowering,
                        diagnostics,
                    ),
                    None => {
                        self.hand_off_on(
                            node,
                            Label::Error,
                            lowering,
                            "tool_error",
                            "a system keel relies on failed",
                        );
                    }
                }
                node
            }
            StmtKind::Retry(retry) => {
                let node = self.counter(lowering, &step, retry.limit, origin.clone());
                let again = self.add(
                    lowering,
                    &step,
                    StateKind::Ask {
                        slot: retry.slot.clone(),
                        var: retry.var.clone(),
                        prompt: retry.prompt.clone(),
                        max_attempts: DEFAULT_MAX_ATTEMPTS,
                    },
                    origin,
                );
                self.graph.add_edge(
                    node,
                    again,
                    Transition {
                        label: Label::Again,
                    },
                );
                match lowering.calls.last() {
                    Some(&call) => {
                        self.graph
                            .add_edge(again, call, Transition { label: Label::Next });
                    }
                    None => diagnostics.push(
                        Diagnostic::error(
                            codes::DANGLING_CONDITION,
                            "asking again only makes sense after a lookup that found nothing",
                        )
                        .at(stmt.origin.span),
                    ),
                }
                self.ask_defaults(again, lowering);
                match &retry.exhausted {
                    Some(block) => self.branch(
                        node,
                        Label::RetryExhausted,
                        Some(block),
                        BlockEnd::EndsUnlessContinued,
                        &mut exits,
                        lowering,
                        diagnostics,
                    ),
                    None => {
                        self.hand_off_on(
                            node,
                            Label::RetryExhausted,
                            lowering,
                            "still_not_found",
                            "still not found after asking again",
                        );
                    }
                }
                node
            }
            StmtKind::Match(matching) => {
                let node = self.add(
                    lowering,
                    &step,
                    StateKind::Match {
                        subject: matching.subject.clone(),
                        domain: matching.domain.clone(),
                    },
                    origin,
                );
                for case in &matching.cases {
                    self.branch(
                        node,
                        Label::Case(case.values.clone()),
                        Some(&case.body),
                        BlockEnd::EndsUnlessContinued,
                        &mut exits,
                        lowering,
                        diagnostics,
                    );
                }
                let covered: BTreeSet<&String> = matching
                    .cases
                    .iter()
                    .flat_map(|case| case.values.iter())
                    .collect();
                let uncovered = matching
                    .domain
                    .as_ref()
                    .is_some_and(|domain| domain.iter().any(|value| !covered.contains(value)));
                match (&matching.otherwise, &matching.domain) {
                    (Some(block), _) => self.branch(
                        node,
                        Label::Else,
                        Some(block),
                        BlockEnd::EndsUnlessContinued,
                        &mut exits,
                        lowering,
                        diagnostics,
                    ),
                    // Values the policy does not mention go to a person, the
                    // safe default; the verifier lists them (K0304) so the
                    // author handles them or writes `Otherwise, continue`.
                    (None, Some(_)) if uncovered => self.hand_off_on(
                        node,
                        Label::Else,
                        lowering,
                        "unhandled_value",
                        "the policy has no rule for this value",
                    ),
                    (None, Some(_)) => {}
                    (None, None) => exits.push((node, Label::Else)),
                }
                node
            }
            StmtKind::Check(check) => {
                let node = self.add(
                    lowering,
                    &step,
                    StateKind::Test {
                        condition: check.condition.clone(),
                        wording: check.wording.clone(),
                    },
                    origin,
                );
                self.branch(
                    node,
                    Label::Yes,
                    check.yes.as_ref(),
                    BlockEnd::FlowsOn,
                    &mut exits,
                    lowering,
                    diagnostics,
                );
                self.branch(
                    node,
                    Label::No,
                    check.no.as_ref(),
                    BlockEnd::FlowsOn,
                    &mut exits,
                    lowering,
                    diagnostics,
                );
                node
            }
            StmtKind::Escalate(escalate) => self.add(
                lowering,
                &step,
                StateKind::Escalate {
                    reason: escalate.reason.clone(),
                    queue: escalate.queue.clone(),
                    ticket: escalate.ticket,
                },
                origin,
            ),
            StmtKind::End(outcome) => self.add(
                lowering,
                &step,
                StateKind::End {
                    outcome: outcome.clone(),
                },
                origin,
            ),
            StmtKind::Goto(reference) | StmtKind::Enter(reference) => {
                let entering = matches!(stmt.kind, StmtKind::Enter(_));
                let target = lowering.by_name.get(&normalise(&reference.policy)).copied();
                let resume =
                    !entering && target.is_some_and(|target| lowering.entered.contains(&target));
                let node = self.add(
                    lowering,
                    &step,
                    StateKind::Goto {
                        policy: reference.policy.clone(),
                        section: if entering || resume {
                            reference.section.clone().or_else(|| lowering.hook.clone())
                        } else {
                            None
                        },
                    },
                    origin,
                );
                if let Some(target) = target {
                    self.pending.push((node, target, resume));
                    if entering {
                        if let Some(lowered) = self.lowered.get(&target) {
                            exits.extend(lowered.hook_exits.iter().cloned());
                        }
                    }
                }
                node
            }
        };
        Fragment {
            entry: Some(node),
            exits,
        }
    }

    /// Every ask gets the two global edges: a human on request, and a
    /// hand-off when answers stay unclear.
    fn ask_defaults(&mut self, node: NodeIndex, lowering: &mut PolicyLowering<'_>) {
        self.hand_off_on(
            node,
            Label::HumanRequested,
            lowering,
            "human_requested",
            "the customer asked for a human",
        );
        self.hand_off_on(
            node,
            Label::RetryExhausted,
            lowering,
            "unclear_answers",
            "the customer's answers stayed unclear",
        );
    }

    /// A `go to step N` state; linked to the step once every step is
    /// lowered.
    fn jump(
        &mut self,
        lowering: &mut PolicyLowering<'_>,
        step: &str,
        target: &str,
        origin: Option<StateOrigin>,
        span: crate::source::Span,
    ) -> NodeIndex {
        let node = self.add(
            lowering,
            step,
            StateKind::Goto {
                policy: lowering.policy.name.clone(),
                section: Some(format!("step {target}")),
            },
            origin,
        );
        lowering.step_jumps.push((node, target.to_string(), span));
        node
    }

    /// A counter state (`retry`), named after its own id.
    fn counter(
        &mut self,
        lowering: &PolicyLowering<'_>,
        step: &str,
        limit: u32,
        origin: Option<StateOrigin>,
    ) -> NodeIndex {
        let node = self.add(
            lowering,
            step,
            StateKind::Retry {
                counter: String::new(),
                limit,
            },
            origin,
        );
        let counter = self.graph[node].id.clone();
        if let StateKind::Retry { counter: name, .. } = &mut self.graph[node].kind {
            *name = counter;
        }
        node
    }

    fn add(
        &mut self,
        lowering: &PolicyLowering<'_>,
        step: &str,
        kind: StateKind,
        origin: Option<StateOrigin>,
    ) -> NodeIndex {
        let base = format!("{}:{}.{}", lowering.policy.name, step, kind.name());
        let id = self.unique(base);
        self.graph.add_node(State {
            id,
            policy: lowering.policy.name.clone(),
            kind,
            origin,
        })
    }

    /// Sends `label` out of `from` to the implicit hand-off `name`.
    fn hand_off_on(
        &mut self,
        from: NodeIndex,
        label: Label,
        lowering: &mut PolicyLowering<'_>,
        name: &'static str,
        reason: &str,
    ) {
        let fallback = self.implicit_handoff(lowering, name, reason);
        self.graph.add_edge(from, fallback, Transition { label });
    }

    /// A hand-off keel adds for an outcome the policy leaves unsaid, one per
    /// policy and reason.
    fn implicit_handoff(
        &mut self,
        lowering: &mut PolicyLowering<'_>,
        name: &'static str,
        reason: &str,
    ) -> NodeIndex {
        self.implicit(
            lowering,
            name,
            StateKind::Escalate {
                reason: reason.to_string(),
                queue: "agent".to_string(),
                ticket: false,
            },
        )
    }

    fn implicit(
        &mut self,
        lowering: &mut PolicyLowering<'_>,
        name: &'static str,
        kind: StateKind,
    ) -> NodeIndex {
        if let Some(&node) = lowering.implicit.get(name) {
            return node;
        }
        let id = self.unique(format!("{}:{name}", lowering.policy.name));
        let node = self.graph.add_node(State {
            id,
            policy: lowering.policy.name.clone(),
            kind,
            origin: None,
        });
        lowering.implicit.insert(name, node);
        node
    }

    fn unique(&mut self, base: String) -> String {
        if !self.used_ids.contains(&base) {
            self.used_ids.insert(base.clone());
            return base;
        }
        // The last copy number tried for this base: linear, however many
        // states share it.
        let copy = self.copies.entry(base.clone()).or_insert(1);
        let id = loop {
            *copy += 1;
            let id = format!("{base}-{copy}");
            if !self.used_ids.contains(&id) {
                break id;
            }
        };
        self.used_ids.insert(id.clone());
        id
    }
}
