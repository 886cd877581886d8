//! [`ir::Policy`] trees → one [`Machine`](super::Machine) graph, a policy
//! at a time (cross-policy linking is [`super::link`]).
//!
//! Each block lowers to a fragment: an entry state (or none, for a block that
//! does nothing) and the open exits that continue to whatever comes next.
//! A condition's block that does not end the conversation flows on to the
//! step after the condition; the policy's last step flows to an implicit end.
//! Defaults the author did not write are added as visible states: a tool
//! error, a lookup that finds nothing, unclear answers and a request for a
//! human each lead to a hand-off unless the policy says otherwise. The
//! lowering of each kind of statement is [`stmt`].

mod stmt;

use super::link::normalise;
use super::{Label, State, StateKind, StateOrigin, Transition};
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Block, StmtKind};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeMap, BTreeSet};

/// How many unclear answers an ask tolerates before its retry-exhausted edge.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// A policy lowered: where it starts and where another policy re-enters it.
pub(super) struct Lowered {
    pub(super) entry: Option<NodeIndex>,
    /// Where `proceed … in #Policy` resumes after the hook section.
    pub(super) resume: Option<NodeIndex>,
    /// Exits that reach the hook section: they continue in the entering policy.
    pub(super) hook_exits: Vec<(NodeIndex, Label)>,
    pub(super) hook_found: bool,
}

/// The graph being built, over every policy of the machine.
pub(super) struct GraphBuilder<'a> {
    pub(super) graph: DiGraph<State, Transition>,
    pub(super) used_ids: BTreeSet<String>,
    /// For each repeated state id, the last copy number tried.
    pub(super) copies: BTreeMap<String, usize>,
    pub(super) catalog: &'a Catalog,
    pub(super) lowered: BTreeMap<usize, Lowered>,
    /// Goto states to link once every policy is lowered: (state, policy, resume).
    pub(super) pending: Vec<(NodeIndex, usize, bool)>,
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
    /// Lowers one policy into the graph.
    pub(super) fn lower_policy(
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
