//! A stable, readable listing of a machine, for snapshots and reviewers.

use super::{Label, Machine, StateId, StateKind};
use crate::ir::Slot;

impl Machine {
    /// One state per paragraph, in reading order, each with its transitions.
    /// No addresses or indices: only stable ids. A state's conversation
    /// repairs are one line, `repairs: withdrawn, start over, corrected
    /// (back to …)`, naming the questions a correction goes back to.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("machine {}\n", self.name()));
        out.push_str(&format!("start {}\n", self.state(self.start).id));
        let mut shown = std::collections::BTreeSet::new();
        for (state_id, state) in self.states() {
            out.push('\n');
            let step = state
                .origin
                .as_ref()
                .map_or("implicit".to_string(), |origin| match origin.extracted_by {
                    crate::ir::ExtractedBy::Llm => {
                        format!("step {}, extracted by an LLM: review", origin.step)
                    }
                    crate::ir::ExtractedBy::Rules => format!("step {}", origin.step),
                });
            out.push_str(&format!("{} ({step})\n", state.id));
            out.push_str(&format!("  {}\n", describe(&state.kind)));
            let mut repairs: Vec<String> = Vec::new();
            let mut corrections: Vec<String> = Vec::new();
            for (_, transition, target) in self.transitions_from(state_id) {
                match transition.label {
                    // Conversation repair, on one line (as the review page
                    // shows it as badges): the states they lead to have
                    // paragraphs of their own.
                    Label::Withdrawn | Label::StartOver => {
                        repairs.push(transition.label.text());
                    }
                    Label::Corrected => {
                        if corrections.is_empty() {
                            repairs.push(transition.label.text());
                        }
                        corrections.push(self.corrected_question(target));
                    }
                    _ => out.push_str(&format!(
                        "  {} -> {}\n",
                        transition.label.text(),
                        self.state(target).id
                    )),
                }
            }
            if !repairs.is_empty() {
                let back = if corrections.is_empty() {
                    String::new()
                } else {
                    format!(" (back to {})", corrections.join(", "))
                };
                out.push_str(&format!("  repairs: {}{back}\n", repairs.join(", ")));
            }
            // The conditions written elsewhere that were attached here.
            for anchor in self.anchors_at(state_id) {
                if shown.insert((anchor.span, anchor.outcome.clone())) {
                    out.push_str(&format!(
                        "  <- step {} \"{}\" takes {} ({})\n",
                        anchor.step, anchor.condition, anchor.outcome, anchor.why
                    ));
                }
            }
        }
        // The answers given to questions asked in the middle.
        for policy in &self.policies {
            for answer in &policy.answers {
                out.push_str(&format!(
                    "\nanswer ({}) asked about {}\n  say \"{}\"\n",
                    policy.name,
                    answer.names.join(" / "),
                    answer.text
                ));
            }
        }
        out
    }

    /// The question a correction goes back to: where the correction
    /// counter `counter` leads `again` (the counter's own id without one).
    fn corrected_question(&self, counter: StateId) -> String {
        self.transitions_from(counter)
            .into_iter()
            .find(|(_, transition, _)| transition.label == Label::Again)
            .map_or_else(
                || self.state(counter).id.clone(),
                |(_, _, question)| self.state(question).id.clone(),
            )
    }

    /// The conditions attached to the statement a state was lowered from:
    /// each the question, lookup, call or match it answers.
    pub fn anchors_at(&self, state: StateId) -> Vec<&crate::ir::Anchor> {
        let state = self.state(state);
        let Some(origin) = &state.origin else {
            return Vec::new();
        };
        self.policies
            .iter()
            .filter(|policy| policy.name == state.policy)
            .flat_map(|policy| policy.anchors.iter())
            .filter(|anchor| anchor.anchor_span == origin.span && anchor.anchor_step == origin.step)
            .collect()
    }
}

/// One line saying what a state does.
pub(crate) fn describe(kind: &StateKind) -> String {
    match kind {
        StateKind::Ask {
            slot, var, prompt, ..
        } => {
            let slot_name = match slot {
                Slot::Item(list) => format!("one item of {list}"),
                other => other.name(),
            };
            format!(
                "ask {slot_name} -> ${var}: {prompt:?}",
                prompt = prompt.to_string()
            )
        }
        StateKind::Call {
            tool,
            args,
            bind,
            effect,
        } => {
            let args: Vec<String> = args
                .iter()
                .map(|(name, expr)| format!("{name}: {expr}"))
                .collect();
            let bind = bind
                .as_ref()
                .map_or(String::new(), |(name, ty)| format!(" -> ${name}: {ty}"));
            format!(
                "call @{tool}({}){bind} [{}]",
                args.join(", "),
                effect.as_str()
            )
        }
        StateKind::Match { subject, domain } => match domain {
            Some(domain) => format!("match {subject} in {{{}}}", domain.join(", ")),
            None => format!("match {subject}"),
        },
        StateKind::Test { condition, wording } => format!("test {condition} ({wording:?})"),
        StateKind::Say { message } => format!("say {:?}", message.to_string()),
        StateKind::Set { var, value } => format!("set ${var} = {value}"),
        StateKind::Escalate {
            reason,
            queue,
            ticket,
        } => {
            let how = if *ticket { "ticket" } else { "hand-off" };
            format!("escalate {how} to {queue}: {reason:?}")
        }
        StateKind::End { outcome } => format!("end {outcome}"),
        StateKind::Retry { counter, limit } => format!("retry counter {counter} at most {limit}"),
        StateKind::Wait { seconds, wording } => format!("wait {seconds}s ({wording:?})"),
        StateKind::Goto { policy, section } => match section {
            Some(section) => format!("goto #{policy} at section {section:?}"),
            None => format!("goto #{policy}"),
        },
    }
}
