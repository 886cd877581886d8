//! The compiled machine rendered back as numbered plain language, so a CX
//! manager reads what will actually run in their own terms.

use crate::catalog::Effect;
use crate::ir::{Expr, Slot};
use crate::machine::{Label, Machine, StateId, StateKind};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The machine as numbered steps in plain English.
pub fn plain(machine: &Machine) -> String {
    // Keel's global hand-offs and repairs are explained once, not at every
    // question.
    let global: Vec<StateId> = machine
        .states()
        .filter(|(_, state)| {
            state.origin.is_none()
                && (matches!(state.kind, StateKind::Escalate { .. })
                    || crate::machine::is_repair_state(state))
        })
        .map(|(id, _)| id)
        .collect();
    let numbered: Vec<StateId> = machine
        .states()
        .map(|(id, _)| id)
        .filter(|id| !global.contains(id))
        .collect();
    let number: BTreeMap<StateId, usize> = numbered
        .iter()
        .enumerate()
        .map(|(index, id)| (*id, index + 1))
        .collect();
    let mut out = String::new();
    let title = machine
        .policies
        .first()
        .map(|policy| {
            if policy.title.is_empty() {
                policy.name.clone()
            } else {
                policy.title.clone()
            }
        })
        .unwrap_or_default();
    let _ = writeln!(out, "{title}\n");
    let _ = writeln!(
        out,
        "What keel will do, step by step. Step numbers are keel's; [3.f] is the policy's own step.\n"
    );
    let _ = writeln!(
        out,
        "At every question, the customer can ask for a human: the conversation is then handed to an agent. An answer keel cannot understand is asked again; after {} unclear answers the conversation is handed to an agent.\n",
        crate::machine::DEFAULT_MAX_ATTEMPTS
    );
    let _ = writeln!(
        out,
        "At every question, the customer can also ask to hear it again, ask something else (keel says it cannot answer that here and asks again; both count as unclear answers), say “never mind” (the conversation ends as withdrawn; at a confirmation it is a no), start over (at most {} times: every answer is forgotten), or correct an earlier answer (keel goes back to that question, forgets every answer given since, and runs everything after it again; at most {} times per question).\n",
        crate::machine::START_OVERS,
        crate::machine::CORRECTIONS
    );
    let answers: Vec<&crate::ir::Answer> = machine
        .policies
        .iter()
        .flat_map(|policy| &policy.answers)
        .collect();
    if !answers.is_empty() {
        let _ = writeln!(
            out,
            "A question in the middle that names one of these topics is answered as written, then keel asks its question again (it still counts as an unclear answer):"
        );
        for answer in answers {
            let _ = writeln!(out, "- {}: “{}”", answer.names.join(" / "), answer.text);
        }
        let _ = writeln!(out);
    }
    for (position, id) in numbered.iter().enumerate() {
        let state = machine.state(*id);
        let step = state
            .origin
            .as_ref()
            .map_or(" [added by keel]".to_string(), |origin| {
                format!(" [{}]", origin.step)
            });
        let _ = writeln!(out, "{}. {}{step}", position + 1, sentence(&state.kind));
        let outgoing: Vec<_> = machine
            .transitions_from(*id)
            .into_iter()
            .filter(|(_, _, target)| {
                !global.contains(target) || !is_global_label_from_ask(&state.kind)
            })
            .collect();
        let corrections: Vec<String> = outgoing
            .iter()
            .filter(|(_, transition, _)| transition.label == Label::Corrected)
            .filter_map(|(_, _, counter)| {
                machine
                    .transitions_from(*counter)
                    .into_iter()
                    .find(|(_, transition, _)| transition.label == Label::Again)
                    .and_then(|(_, _, target)| number.get(&target))
                    .map(|target| format!("step {target}"))
            })
            .collect();
        let outgoing: Vec<_> = outgoing
            .into_iter()
            .filter(|(_, transition, _)| {
                !matches!(
                    transition.label,
                    Label::Withdrawn | Label::StartOver | Label::Corrected
                )
            })
            .collect();
        let single_next = outgoing.len() == 1;
        if !corrections.is_empty() {
            let _ = writeln!(
                out,
                "   - If the customer corrects an earlier answer: go back to {}.",
                corrections.join(" or ")
            );
        }
        for (_, transition, target) in outgoing {
            let destination = match number.get(&target) {
                Some(target_number) if *target_number == position + 2 && single_next => continue,
                Some(target_number) => format!("go to step {target_number}"),
                None => format!(
                    "hand off to an agent ({})",
                    reason(&machine.state(target).kind)
                ),
            };
            let _ = writeln!(
                out,
                "   - {}: {destination}.",
                condition(&transition.label, &state.kind)
            );
        }
    }
    out
}

fn is_global_label_from_ask(kind: &StateKind) -> bool {
    matches!(kind, StateKind::Ask { .. })
}

fn reason(kind: &StateKind) -> String {
    match kind {
        StateKind::Escalate { reason, .. } => reason.clone(),
        other => other.name().to_string(),
    }
}

fn sentence(kind: &StateKind) -> String {
    match kind {
        StateKind::Ask {
            slot, var, prompt, ..
        } => {
            let what = match slot {
                Slot::Email => "an email address".to_string(),
                Slot::Text => "an answer in words".to_string(),
                Slot::Name => "a name".to_string(),
                Slot::PostalCode => "a zip or postal code".to_string(),
                Slot::Number => "a number".to_string(),
                Slot::Date => "a date".to_string(),
                Slot::YesNo => "yes or no".to_string(),
                Slot::Options(options) => format!("one of: {}", options.join(", ")),
                Slot::Item(list) => format!("one of the items in {}", words(&list.to_string())),
                Slot::Items(list) => {
                    format!("one or more of the items in {}", words(&list.to_string()))
                }
            };
            format!(
                "Ask the customer: “{}” (expects {what}; remembered as {})",
                flat(&prompt.to_string()),
                words(var)
            )
        }
        StateKind::Call {
            tool, args, effect, ..
        } => {
            let with: Vec<String> = args
                .iter()
                .map(|(name, expr)| format!("{} = {}", words(name), expression(expr)))
                .collect();
            let warning = match effect {
                Effect::Destructive => " — THIS CANNOT BE UNDONE",
                Effect::Write => " — this changes the order or account",
                Effect::Read => "",
            };
            if with.is_empty() {
                format!("Use {}{warning}", words(tool))
            } else {
                format!("Use {} with {}{warning}", words(tool), with.join(", "))
            }
        }
        StateKind::Match { subject, .. } => format!("Look at {}", words(&subject.to_string())),
        StateKind::Test { wording, condition } => {
            format!("Check whether {wording} ({})", expression(condition))
        }
        StateKind::Say { message } => {
            format!("Tell the customer: “{}”", flat(&message.to_string()))
        }
        StateKind::Set { var, value } => {
            format!(
                "Remember {} as {}",
                expression(value),
                words(&format!("${var}"))
            )
        }
        StateKind::Escalate {
            reason,
            ticket,
            queue,
        } => {
            let how = if *ticket {
                "Create a ticket for"
            } else {
                "Hand the conversation to"
            };
            let who = if queue == "agent" {
                "an agent".to_string()
            } else {
                format!("the {queue} team")
            };
            format!("{how} {who}, because: {reason}. The conversation ends here")
        }
        StateKind::End { outcome } => format!("End the conversation ({})", words(outcome)),
        StateKind::Retry { limit, .. } => {
            format!(
                "Ask again, at most {limit} more time{}",
                if *limit == 1 { "" } else { "s" }
            )
        }
        StateKind::Wait { wording, .. } => {
            format!("Wait {wording} (or until the customer writes), then follow up")
        }
        StateKind::Goto { policy, section } => match section {
            Some(section) => format!("Continue with the policy {} at “{section}”", words(policy)),
            None => format!("Continue with the policy {}", words(policy)),
        },
    }
}

fn condition(label: &Label, kind: &StateKind) -> String {
    match label {
        Label::Next => "Then".to_string(),
        Label::Case(values) => {
            let subject = match kind {
                StateKind::Match { subject, .. } => words(&subject.to_string()),
                _ => "it".to_string(),
            };
            format!(
                "If {subject} is {}",
                values
                    .iter()
                    .map(|value| format!("“{value}”"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        }
        Label::Option(option) => format!("If the customer chooses “{option}”"),
        Label::Else => "Otherwise".to_string(),
        Label::Ok => "If it works".to_string(),
        Label::NotFound => match kind {
            StateKind::Ask { .. } => "If there is nothing to choose from".to_string(),
            _ => "If nothing is found".to_string(),
        },
        Label::Error => "If it fails".to_string(),
        Label::Yes => match kind {
            StateKind::Test { .. } => "If so".to_string(),
            _ => "If the customer says yes".to_string(),
        },
        Label::No => match kind {
            StateKind::Test { .. } => "If not".to_string(),
            StateKind::Ask {
                slot: Slot::Options(_),
                ..
            } => "If the customer declines every option".to_string(),
            _ => "If the customer says no".to_string(),
        },
        Label::Again => "Ask again".to_string(),
        Label::RetryExhausted => match kind {
            StateKind::Retry { .. } => "If it is still not found".to_string(),
            _ => "If the answers stay unclear".to_string(),
        },
        Label::HumanRequested => "If the customer asks for a human".to_string(),
        Label::Withdrawn => "If the customer says never mind".to_string(),
        Label::StartOver => "If the customer asks to start over".to_string(),
        Label::Corrected => "If the customer corrects an earlier answer".to_string(),
    }
}

fn expression(expr: &Expr) -> String {
    match expr {
        Expr::Path(path) => words(&path.to_string()),
        Expr::Text(text) => format!("“{text}”"),
        Expr::Number(number) => number.clone(),
        Expr::Today => "today".to_string(),
        Expr::AtMost(left, right) => {
            format!("{} is on or before {}", expression(left), expression(right))
        }
        Expr::After(left, right) => format!("{} is after {}", expression(left), expression(right)),
        Expr::IsSet(path) => format!("{} is known", words(&path.to_string())),
        Expr::DaysSince(path) => format!("the days since {}", words(&path.to_string())),
        Expr::Equals(left, right) => {
            format!("{} is the same as {}", expression(left), expression(right))
        }
        Expr::Sum(path) => format!("the sum of {}", words(&path.to_string())),
        Expr::Count(path) => format!("how many {} there are", words(&path.to_string())),
        Expr::Plus(left, right) => format!("{} plus {}", expression(left), expression(right)),
        Expr::Minus(left, right) => {
            format!("{} minus {}", expression(left), expression(right))
        }
        Expr::Nothing => "nothing (an empty list)".to_string(),
        Expr::Append(list, item) => format!(
            "{} with {} added",
            words(&list.to_string()),
            expression(item)
        ),
    }
}

/// `$order.tracking_number` → `the order's tracking number`.
fn words(name: &str) -> String {
    let trimmed = name.trim_start_matches('$');
    let mut parts = trimmed.split('.');
    let first = parts.next().unwrap_or("").replace('_', " ");
    let rest: Vec<String> = parts.map(|part| part.replace('_', " ")).collect();
    if rest.is_empty() {
        if name.starts_with('$') {
            format!("the {first}")
        } else {
            first
        }
    } else {
        format!("the {first}'s {}", rest.join("'s "))
    }
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
