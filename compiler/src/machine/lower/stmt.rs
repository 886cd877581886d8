//! Lowering one statement: the states and edges of each kind of statement
//! (`ask`, `call`, `match`, …) and the blocks of its outcomes.

use super::{BlockEnd, DEFAULT_MAX_ATTEMPTS, Fragment, GraphBuilder, PolicyLowering};
use crate::catalog::Effect;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{Slot, Stmt, StmtKind};
use crate::machine::link::normalise;
use crate::machine::{Label, StateKind, StateOrigin, Transition};
use petgraph::graph::NodeIndex;
use std::collections::BTreeSet;

impl GraphBuilder<'_> {
    /// Lowers one statement: its states, and the blocks of its outcomes.
    pub(super) fn stmt(
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
            StmtKind::Wait(wait) => self.flowing_on(
                lowering,
                &step,
                StateKind::Wait {
                    seconds: wait.seconds,
                    wording: wait.wording.clone(),
                },
                origin,
                &mut exits,
            ),
            StmtKind::Say(message) => self.flowing_on(
                lowering,
                &step,
                StateKind::Say {
                    message: message.clone(),
                },
                origin,
                &mut exits,
            ),
            StmtKind::Set { var, value } => self.flowing_on(
                lowering,
                &step,
                StateKind::Set {
                    var: var.clone(),
                    value: value.clone(),
                },
                origin,
                &mut exits,
            ),
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

    /// A state with one way on (`next`): a wait, a message, a value set.
    fn flowing_on(
        &mut self,
        lowering: &PolicyLowering<'_>,
        step: &str,
        kind: StateKind,
        origin: Option<StateOrigin>,
        exits: &mut Vec<(NodeIndex, Label)>,
    ) -> NodeIndex {
        let node = self.add(lowering, step, kind, origin);
        exits.push((node, Label::Next));
        node
    }
}
