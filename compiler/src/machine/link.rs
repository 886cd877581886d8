//! Cross-policy linking: which policies a machine holds and in which order
//! they are lowered (each after the policies it enters, whose hand-back
//! exits it needs), which section each is entered at, the `go to #Policy`
//! edges once every policy is lowered, and the machine assembled from the
//! lowered graphs. Lowering one policy is [`super::lower`].

use super::lower::GraphBuilder;
use super::{Label, Machine, PolicyInfo, State, StateId, StateKind, Transition};
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, codes};
use crate::ir::{self, Block, Stmt, StmtKind};
use petgraph::graph::DiGraph;
use std::collections::{BTreeMap, BTreeSet};

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
            answers: policy.answers.clone(),
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
        answers: Vec::new(),
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
