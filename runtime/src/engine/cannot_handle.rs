//! A request the policy cannot do ("can you change the delivery
//! address?" where no tool changes one): handed to a person along the
//! ask's hand-off edge, with its own reason and a line to the customer.

use super::take;
use crate::event::{Evidence, Output};
use crate::machine::{Ask, Machine, SlotKind};
use crate::session::Session;
use crate::slots::{Answer, Repair, Understood};

/// Hands the conversation to a person when the reply asks for an action
/// the policy cannot do ("can you change the delivery address?" in an
/// order-status flow, "can I just cancel it then?" where no tool
/// cancels): the ask's own hand-off edge, as if a person had been asked
/// for. Not when the reply is already a request for a person or a
/// repair that steers elsewhere (never mind, start over, repeat), nor at
/// a confirmation, nor a question the policy's
/// `Answers` section speaks to. Returns whether it handed off.
pub(super) fn cannot_handle(
    machine: &Machine,
    session: &mut Session,
    ask: &Ask,
    understood: &Understood,
    reply: &str,
    output: &mut Output,
) -> bool {
    let Some(edge) = ask.human else {
        return false;
    };
    // A question of free text ("Could you describe what you need?") takes
    // the request as its answer: the policy says what follows from it.
    // A confirmation is asked and answered: a request there is a question
    // back ("actually, can I change the colour instead?"), asked again.
    if ask.slot == SlotKind::Text
        || ask.confirms
        || matches!(
            understood.answer,
            Answer::Human | Answer::Repair(Repair::CancelFlow | Repair::StartOver | Repair::Repeat)
        )
    {
        return false;
    }
    // A short reply that answers the question has no room for a request
    // beside its answer ("the rain jacket", "maya@example.com"): most
    // replies are turned away here, unread.
    let answered = matches!(
        understood.answer,
        Answer::Value(_)
            | Answer::Item(_)
            | Answer::Items(_)
            | Answer::Option(_)
            | Answer::Yes
            | Answer::No
    );
    if answered && reply.len() < 25 {
        return false;
    }
    let Some(request) = beyond(machine, reply) else {
        return false;
    };
    if speaks_to(machine, reply) {
        return false;
    }
    // Asked on a condition ("can I still return the candle if I don't
    // like the smell?"): a question back, never a pick of what it names.
    if request.conditional {
        let evidence = Evidence::Slot {
            rule: Repair::Question.name(),
            matched: crate::event::Snippet::new(request.verb),
        };
        output.repair = Some(Repair::Question.name());
        super::repair::handle(
            machine,
            session,
            ask,
            Repair::Question,
            Some(reply),
            evidence,
            output,
        );
        return true;
    }
    let evidence = Evidence::Slot {
        rule: Repair::CannotHandle.name(),
        matched: crate::event::Snippet::new(request.verb),
    };
    hand_over(machine, session, edge, evidence, output);
    true
}

/// What a hand-off for a request the policy cannot do says to the
/// customer, before the person takes over.
pub(super) const CANNOT_HANDLE_LINE: &str =
    "That isn't something I can do here, so I'm passing you to a person who can help with it.";

/// The hand-off's reason for such a request (the ask's hand-off edge is
/// shared with a request for a person; the reason tells them apart in the
/// log, `keel explain` and the hand-off the team receives).
pub(super) const CANNOT_HANDLE_REASON: &str =
    "the customer asked for something this policy cannot do";

/// Hands a request the policy cannot do to a person along `edge` (the
/// ask's or the ending's hand-off edge), with a line to the customer; the
/// hand-off carries [`CANNOT_HANDLE_REASON`] (see `run`).
pub(super) fn hand_over(
    machine: &Machine,
    session: &mut Session,
    edge: crate::machine::EdgeId,
    evidence: Evidence,
    output: &mut Output,
) {
    session.attempts = 0;
    output.repair = Some(Repair::CannotHandle.name());
    output
        .effects
        .push(crate::event::Effect::Send(CANNOT_HANDLE_LINE.to_string()));
    take(machine, session, edge, evidence, output);
}

/// A request in `reply` to act in a way none of the machine's writing
/// tools does (by the words of their names: `cancel_order`
/// cancels, `update_shipping_address` changes), if it is one.
pub(super) fn beyond(machine: &Machine, reply: &str) -> Option<crate::slots::Request> {
    let done = |names: &[&str]| {
        machine.tools.iter().filter(|tool| tool.writes).any(|tool| {
            tool.name
                .split('_')
                .any(|part| names.iter().any(|name| part.eq_ignore_ascii_case(name)))
        })
    };
    crate::slots::action_request(reply, &done)
}

/// Whether an entry of the policies' `Answers` sections names a topic of
/// `question` (even where two tie and neither is given): the policy
/// speaks to it, so it is a question back ("could I get a refund or
/// return it instead?" beside entries on refunds and returns), not a
/// request for a person.
fn speaks_to(machine: &Machine, question: &str) -> bool {
    let mut entries = machine
        .artifact
        .policies
        .iter()
        .flat_map(|policy| &policy.answers)
        .peekable();
    if entries.peek().is_none() {
        return false;
    }
    let words = keel_compiler::answers::question_words(question);
    entries.any(|answer| {
        answer
            .topics
            .iter()
            .any(|topic| topic.iter().all(|word| words.contains(word)))
    })
}
