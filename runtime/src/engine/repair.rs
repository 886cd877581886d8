//! Conversation repair in the engine: what a repair reply does at an ask,
//! corrections of earlier answers, and answers given before their question
//! was asked.
//!
//! Every move here follows one of the ask's own transitions — `no`,
//! `withdrawn`, `start over`, `corrected` — which the compiler added and the
//! verifier checked, or asks the question again within the ask's attempts.
//! Nothing here is read from a clock or a model: a log replays exactly.

use super::cannot_handle::{beyond, hand_over};
use super::{read, reask, set, settle, take};
use crate::event::{Evidence, Output, Taken};
use crate::machine::{Ask, Kind, Machine, SlotKind, StateId};
use crate::session::{Phase, Session};
use crate::slots::{Answer, Repair, Understood};
use crate::value::Value;
use std::sync::Arc;

/// What a repair reply does at `ask`.
pub(super) fn handle(
    machine: &Machine,
    session: &mut Session,
    ask: &Ask,
    intent: Repair,
    reply: Option<&str>,
    evidence: Evidence,
    output: &mut Output,
) {
    // What the customer asked or said instead may answer a later question
    // ("where is order #1045?" before the email was given).
    if let (Repair::Question | Repair::Skip | Repair::Repeat, Some(reply)) = (intent, reply) {
        keep(session, reply, None);
    }
    match intent {
        Repair::Repeat => reask(machine, session, ask, Some("Of course. "), evidence, output),
        // A question the policy's `Answers` section names is answered, any
        // other is not; then the question is asked again (the reply still
        // counts as an attempt, so the conversation stays bounded). At a
        // confirmation, the clear-answer clarification says more.
        Repair::Question => {
            let lead = match reply.and_then(|reply| answer_to(machine, reply)) {
                Some(answer) => Some(format!("{answer} ")),
                None => {
                    (!ask.confirms).then(|| "I'm sorry, I can't answer that here. ".to_string())
                }
            };
            reask(machine, session, ask, lead.as_deref(), evidence, output);
        }
        // Skipping a choice that may be declined declines it ("skip the
        // offers").
        Repair::Skip if ask.slot == SlotKind::Options && ask.no.is_some() => {
            if let Some(edge) = ask.no {
                session.attempts = 0;
                take(machine, session, edge, evidence, output);
            }
        }
        Repair::Skip => reask(
            machine,
            session,
            ask,
            Some("I need an answer to this one before I can go on. "),
            evidence,
            output,
        ),
        // "Never mind" at a confirmation is its no.
        Repair::CancelFlow if ask.confirms => match ask.no {
            Some(edge) => {
                set(session, ask.var, Value::Bool(false));
                session.attempts = 0;
                take(machine, session, edge, evidence, output);
            }
            None => reask(machine, session, ask, None, evidence, output),
        },
        Repair::CancelFlow => {
            // Once the record is chosen, dropping the request at a question
            // whose refusal leads straight to the read-back of the action
            // ("never mind, I'll keep it" at the retention offers) refuses
            // both: the action's own no (the order is kept), never a yes.
            if let Some((jumps, confirmation)) = refusal_to_confirmation(machine, ask) {
                if let (Some(refuse), Some(no)) = (ask.no, confirmation.no) {
                    session.attempts = 0;
                    output.taken.push(Taken {
                        edge: refuse,
                        evidence: evidence.clone(),
                    });
                    for edge in jumps {
                        output.taken.push(Taken {
                            edge,
                            evidence: Evidence::Always,
                        });
                    }
                    set(session, confirmation.var, Value::Bool(false));
                    return take(machine, session, no, evidence, output);
                }
            }
            match ask.withdrawn {
                Some(edge) => {
                    session.attempts = 0;
                    take(machine, session, edge, evidence, output);
                }
                None => reask(machine, session, ask, None, evidence, output),
            }
        }
        Repair::StartOver => match ask.start_over {
            Some(edge) => {
                forget_all(session);
                // The reply may name what to start with ("start over with
                // lee@example.com").
                if let Some(reply) = reply {
                    keep(session, reply, None);
                }
                take(machine, session, edge, evidence, output);
            }
            None => reask(machine, session, ask, None, evidence, output),
        },
        // A request the policy cannot do goes to a person (never at a
        // confirmation, which is asked and answered).
        Repair::CannotHandle => match ask.human.filter(|_| !ask.confirms) {
            Some(edge) => hand_over(machine, session, edge, evidence, output),
            None => reask(machine, session, ask, None, evidence, output),
        },
        Repair::SomethingElse => {
            if matches!(ask.slot, SlotKind::Item | SlotKind::Items) {
                return reask(
                    machine,
                    session,
                    ask,
                    Some("Which one do you mean? "),
                    evidence,
                    output,
                );
            }
            // Back to the list the record was picked from, which is shown again.
            let list = ask.corrections.iter().find(|(_, target)| {
                matches!(
                    ask_at(machine, *target).map(|target| target.slot),
                    Some(SlotKind::Item | SlotKind::Items)
                )
            });
            match list {
                Some(&(edge, target)) => {
                    let phrase = match &evidence {
                        Evidence::Slot { matched, .. } => matched.as_str(),
                        _ => "",
                    };
                    let other = ask_at(machine, target)
                        .and_then(|target| the_other(session, target, phrase));
                    if let Some(target) = ask_at(machine, target) {
                        forget_since(session, target);
                    }
                    // The reply may name the other record ("can we do the
                    // espresso machine instead?"): the list reads it.
                    if let Some(reply) = other.as_deref().or(reply) {
                        keep(session, reply, None);
                    }
                    take(machine, session, edge, evidence, output);
                }
                None => reask(machine, session, ask, None, evidence, output),
            }
        }
    }
}

/// The confirmation a refusal at `ask` leads to through jumps alone (no
/// message, call or other question between), with the jumps' edges: there
/// the refusal's next step reads back the action it declines.
fn refusal_to_confirmation<'m>(
    machine: &'m Machine,
    ask: &Ask,
) -> Option<(Vec<crate::machine::EdgeId>, &'m Ask)> {
    let mut jumps = Vec::new();
    let mut state = machine.edges.get(ask.no?.0 as usize)?.to;
    // A chain of jumps is short; the bound only guards a malformed machine.
    for _ in 0..8 {
        match &machine.states.get(state.0 as usize)?.kind {
            Kind::Goto { next } => {
                jumps.push(*next);
                state = machine.edges.get(next.0 as usize)?.to;
            }
            Kind::Ask(next) if next.confirms && next.slot == SlotKind::YesNo => {
                return Some((jumps, next));
            }
            _ => return None,
        }
    }
    None
}

/// "My other order" when the list it was picked from holds two records
/// and one of them was chosen: the other, named by its id for the list to
/// read when it is asked again (so it is still checked against the
/// customer's list then, and a cancellation is still read back and
/// confirmed). `None` for a longer list, or "another order", "a
/// different order" (which may be one not listed).
fn the_other(session: &Session, target: &Ask, phrase: &str) -> Option<String> {
    if !matches!(
        phrase,
        "my other order" | "the other order" | "other order" | "my other one"
    ) {
        return None;
    }
    let chosen = session.vars.get(usize::from(target.var.0))?;
    let [first, second] = super::list_items(session, target) else {
        return None;
    };
    let other = if crate::slots::same_record(first, chosen) {
        second
    } else if crate::slots::same_record(second, chosen) {
        first
    } else {
        return None;
    };
    let id = crate::slots::ID_FIELDS
        .iter()
        .find_map(|field| other.field(field).and_then(Value::as_text))?;
    Some(format!("order {id}"))
}

/// The answer the policies' `Answers` sections give to `question`, if one
/// of their entries names its topic (`keel_compiler::answers::best_match`:
/// the most specific entry, none on a tie).
fn answer_to<'a>(machine: &'a Machine, question: &str) -> Option<&'a str> {
    let entries = machine
        .artifact
        .policies
        .iter()
        .flat_map(|policy| &policy.answers)
        .map(|answer| (answer.text.as_str(), answer.topics.as_slice()));
    keel_compiler::answers::best_match(entries, question)
}

/// Takes an ended conversation up again when the customer's next message
/// is a repair: a person asked for, starting over, or an answer to an
/// earlier identity or record question ("great, and the lamp?", "what
/// about my other order?") — through the end state's own edges. A plain
/// thank-you gets a courtesy line; anything else is ignored, as before.
pub(super) fn reopen(machine: &Machine, session: &mut Session, reply: &str, output: &mut Output) {
    let Some(Kind::End { reopen, .. }) = machine
        .states
        .get(session.state.0 as usize)
        .map(|state| &state.kind)
    else {
        output.ignored = Some("no question is open");
        return;
    };
    let steer = crate::slots::steer(reply);
    let evidence = |rule: &'static str, matched: &str| Evidence::Slot {
        rule,
        matched: crate::event::Snippet::new(matched),
    };
    match steer {
        Some((Answer::Human, matched)) => {
            if let Some(edge) = reopen.human {
                return reopened(machine, session, edge, evidence("human", matched), output);
            }
        }
        Some((Answer::Repair(Repair::StartOver), matched)) => {
            if let Some(edge) = reopen.start_over {
                forget_all(session);
                keep(session, reply, None);
                return reopened(
                    machine,
                    session,
                    edge,
                    evidence("repair-start-over", matched),
                    output,
                );
            }
        }
        Some((Answer::Repair(Repair::SomethingElse), matched)) => {
            let list = reopen.corrections.iter().find(|(_, target)| {
                matches!(
                    ask_at(machine, *target).map(|target| target.slot),
                    Some(SlotKind::Item | SlotKind::Items)
                )
            });
            if let Some(&(edge, target)) = list {
                let other =
                    ask_at(machine, target).and_then(|target| the_other(session, target, matched));
                if let Some(target) = ask_at(machine, target) {
                    forget_since(session, target);
                }
                // "And my other order too, the espresso machine": the list
                // the conversation goes back to reads the reply.
                keep(session, other.as_deref().unwrap_or(reply), None);
                return reopened(
                    machine,
                    session,
                    edge,
                    evidence("repair-something-else", matched),
                    output,
                );
            }
        }
        _ => {}
    }
    // "Great, and can I change the delivery address on it?": a request the
    // policy cannot do goes to a person.
    if let (Some(edge), Some(request)) = (reopen.human, beyond(machine, reply)) {
        if !request.conditional {
            session.outcome = None;
            return hand_over(
                machine,
                session,
                edge,
                evidence(Repair::CannotHandle.name(), request.verb),
                output,
            );
        }
    }
    for &(edge, target_state) in &reopen.corrections {
        let Some(target) = ask_at(machine, target_state) else {
            continue;
        };
        // Who the customer is and which record they mean; never an offer or
        // a yes taken up again.
        if !matches!(
            target.slot,
            SlotKind::Email
                | SlotKind::Item
                | SlotKind::Items
                | SlotKind::Name
                | SlotKind::PostalCode
        ) {
            continue;
        }
        let understood = read(machine, session, target, reply);
        if !corrects(target, &understood, true) {
            continue;
        }
        if answer_value(session, target, &understood)
            .is_some_and(|value| session.vars.get(usize::from(target.var.0)) == Some(&value))
        {
            continue;
        }
        let matched = understood.matched.as_str().to_string();
        forget_since(session, target);
        keep(session, reply, None);
        return reopened(
            machine,
            session,
            edge,
            evidence("repair-correction", &matched),
            output,
        );
    }
    if !courtesy(session, reply, output) {
        output.ignored = Some("the conversation has ended");
    }
}

/// A message after a hand-off: a thank-you gets a courtesy line (the
/// people it was handed to answer the rest); anything else is ignored.
pub(super) fn after_hand_off(session: &Session, reply: &str, output: &mut Output) {
    if !courtesy(session, reply, output) {
        output.ignored = Some("the conversation was handed off");
    }
}

/// Answers a thank-you or goodbye with a courtesy line; whether it was one.
fn courtesy(session: &Session, reply: &str, output: &mut Output) -> bool {
    if !crate::slots::is_courtesy(reply) {
        return false;
    }
    output
        .effects
        .push(crate::event::Effect::Send("You're welcome.".to_string()));
    output.rest = Some(session.state);
    true
}

fn reopened(
    machine: &Machine,
    session: &mut Session,
    edge: crate::machine::EdgeId,
    evidence: Evidence,
    output: &mut Output,
) {
    session.outcome = None;
    session.attempts = 0;
    if let Evidence::Slot { rule, .. } = &evidence {
        if rule.starts_with("repair-") {
            output.repair = Some(rule);
        }
    }
    take(machine, session, edge, evidence, output);
}

/// Goes back to an earlier question when `reply` answers it instead of
/// `ask` ("sorry, wrong email, it's maya@example.com"; "actually, the
/// espresso machine instead"): that question reads the reply again, and
/// every answer given since it is forgotten, so everything after it runs
/// again. At a confirmation only an explicit switch counts ("instead", "I
/// meant"), never a condition. Returns whether it went back.
pub(super) fn correct(
    machine: &Machine,
    session: &mut Session,
    ask: &Ask,
    reply: &str,
    output: &mut Output,
) -> bool {
    if ask.corrections.is_empty() {
        return false;
    }
    let lower = reply.to_lowercase();
    let cue = has_any(&lower, CORRECTION_CUES);
    if ask.confirms && (!cue || has_any(&lower, &["if", "unless", "only"])) {
        return false;
    }
    for &(edge, target_state) in &ask.corrections {
        let Some(target) = ask_at(machine, target_state) else {
            continue;
        };
        // "Hold on, wrong email": back to the email question, to be asked
        // it again (who the customer is, and all after it, runs again).
        if target.slot == SlotKind::Email
            && has_any(&lower, &["email", "e-mail", "email address"])
            && has_any(&lower, EMAIL_WRONG)
            && !lower.contains('@')
            && !lower.contains("n't")
            && !has_any(&lower, &["not", "dont", "no other", "only"])
        {
            forget_since(session, target);
            session.attempts = 0;
            output.repair = Some("repair-correction");
            let evidence = Evidence::Slot {
                rule: "repair-correction",
                matched: crate::event::Snippet::new("email"),
            };
            take(machine, session, edge, evidence, output);
            return true;
        }
        let understood = read(machine, session, target, reply);
        if !corrects(target, &understood, cue) {
            continue;
        }
        // The same answer again corrects nothing.
        if answer_value(session, target, &understood)
            .is_some_and(|value| session.vars.get(usize::from(target.var.0)) == Some(&value))
        {
            continue;
        }
        let evidence = Evidence::Slot {
            rule: "repair-correction",
            matched: understood.matched,
        };
        forget_since(session, target);
        // Kept as given at a yes/no or read-back: only such a reply may
        // choose an option by its words when that question comes again.
        keep(
            session,
            reply,
            (ask.slot == SlotKind::YesNo).then_some(SlotKind::YesNo),
        );
        session.attempts = 0;
        output.repair = Some("repair-correction");
        take(machine, session, edge, evidence, output);
        return true;
    }
    false
}

/// Words that say an email given before was the wrong one.
const EMAIL_WRONG: &[&str] = &[
    "wrong",
    "typo",
    "mistake",
    "different",
    "another",
    "other",
    "change",
    "incorrect",
    "old",
    "misspelled",
    "misspelt",
];

/// Words that say a reply corrects something said before.
const CORRECTION_CUES: &[&str] = &[
    "sorry", "actually", "wrong", "i mean", "i meant", "instead", "not that", "not this", "wait",
    "change", "switch", "rather", "mistake", "typo", "other",
];

/// Whether `understood`, read at the earlier question `target`, is an
/// answer the customer plainly meant for it.
fn corrects(target: &Ask, understood: &Understood, cue: bool) -> bool {
    match (&understood.answer, target.slot) {
        (Answer::Value(_), SlotKind::Email) => true,
        (Answer::Item(_), SlotKind::Item) => {
            cue || matches!(
                understood.rule,
                "item-id" | "item-id-suffix" | "item-word" | "item-every-word"
            )
        }
        (Answer::Items(_), SlotKind::Items) => cue,
        (Answer::Option(_), SlotKind::Options) => cue || understood.rule == "option-label",
        (
            Answer::Value(_),
            SlotKind::Name | SlotKind::PostalCode | SlotKind::Number | SlotKind::Date,
        ) => cue,
        _ => false,
    }
}

/// The value an answer would bind at `target`, to compare with its current.
fn answer_value(session: &Session, target: &Ask, understood: &Understood) -> Option<Value> {
    match &understood.answer {
        Answer::Value(value) => Some(value.clone()),
        Answer::Item(index) => super::list_items(session, target).get(*index).cloned(),
        Answer::Option(index) => target
            .options
            .get(*index)
            .map(|(label, _)| Value::text(label)),
        _ => None,
    }
}

/// Answers `ask` from a reply given earlier, if one plainly answers it:
/// an email, a record named by its id or its own words (or "my newest
/// order"), an option by its label (or the offers refused by name), a
/// name or a zip code. Never a yes or
/// no: an offered yes is no confirmation. Returns whether it answered.
pub(super) fn prefill(
    machine: &Machine,
    session: &mut Session,
    state: StateId,
    ask: &Ask,
    output: &mut Output,
) -> bool {
    if ask.confirms
        || !matches!(
            ask.slot,
            SlotKind::Email
                | SlotKind::Item
                | SlotKind::Items
                | SlotKind::Options
                | SlotKind::Name
                | SlotKind::PostalCode
        )
    {
        return false;
    }
    for index in (0..session.offered.len()).rev() {
        let Some((reply, used)) = session.offered.get(index).cloned() else {
            continue;
        };
        if used == Some(ask.slot) {
            continue;
        }
        let understood = read(machine, session, ask, &reply);
        if !answers_early(ask, &understood, &reply, used) {
            continue;
        }
        session.offered.remove(index);
        session.state = state;
        session.phase = Phase::WaitingForUser;
        session.attempts = 0;
        let rule = if understood.rule == super::FIRST_OF_FULL_NAME {
            super::FIRST_OF_FULL_NAME_EARLY
        } else {
            "answered-early"
        };
        let early = Understood { rule, ..understood };
        settle(machine, session, ask, early, Some(&reply), output);
        return true;
    }
    false
}

fn answers_early(ask: &Ask, understood: &Understood, reply: &str, used: Option<SlotKind>) -> bool {
    match (&understood.answer, ask.slot) {
        (Answer::Value(_), SlotKind::Email | SlotKind::Name | SlotKind::PostalCode) => true,
        (Answer::Item(_), SlotKind::Item) => {
            matches!(understood.rule, "item-id" | "item-id-suffix")
                || (matches!(understood.rule, "item-word" | "item-every-word")
                    && !only_the_questions_words(ask, understood.matched.as_str()))
                || matches!(
                    understood.matched.as_str(),
                    "most recent" | "latest" | "newest"
                )
        }
        (Answer::Items(_), SlotKind::Items) => understood.rule == "items-named",
        // A refusal of the offers themselves, said before they were made
        // ("I don't want any discounts or offers, just cancel it"): the
        // decline, which leads on to what the policy does without them
        // (a cancellation still read back and confirmed). A refusal that
        // names no offer ("just cancel it") is no answer to them.
        (Answer::Decline, SlotKind::Options) => {
            understood.rule == "decline"
                && ["offer", "discount", "deal", "coupon"]
                    .iter()
                    .any(|word| understood.matched.as_str().contains(word))
        }
        // By its label; by its other words only when the reply went back
        // on a yes/no or read-back to choose it ("hmm wait, actually the
        // 10% off would be fine, don't cancel" at the read-back that
        // followed the refusal of the offers).
        (Answer::Option(_), SlotKind::Options) => {
            understood.rule == "option-label"
                || (matches!(understood.rule, "option-word" | "option-description")
                    && used == Some(SlotKind::YesNo)
                    && has_any(&reply.to_lowercase(), CORRECTION_CUES))
        }
        _ => false,
    }
}

/// Whether every word of `matched` is a word of the question itself: "I
/// want to pay with a different payment method", given before "Which
/// payment method do you want to pay with instead?", names the kind of
/// thing the list holds, not one of its items ("the original payment
/// method" among them), so it answers nothing early.
fn only_the_questions_words(ask: &Ask, matched: &str) -> bool {
    let question: Vec<String> = ask
        .prompt
        .iter()
        .filter_map(|piece| match piece {
            crate::machine::Piece::Text(text) => Some(text.as_ref()),
            _ => None,
        })
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut words = matched
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .peekable();
    words.peek().is_some()
        && words.all(|word| {
            question
                .iter()
                .any(|known| known.eq_ignore_ascii_case(word))
        })
}

/// Keeps what a reply that answered `ask` said besides its answer, so a
/// later question can use it ("maya@example.com, where is order 1039?").
pub(super) fn offer(session: &mut Session, ask: &Ask, rest: &str) {
    keep(session, rest, Some(ask.slot));
}

/// The reply with the words its answer matched blanked out (found ignoring
/// ASCII case), so they answer no second question: "I'd like to change
/// the payment method of an order" chose an option, and its "payment
/// method" must not pick a payment method later. The whole reply when the
/// matched words are not found in it.
pub(super) fn without_answer(reply: &str, matched: &str) -> String {
    // ASCII lower case keeps every byte offset; `find` is linear.
    let found = (!matched.is_empty())
        .then(|| {
            reply
                .to_ascii_lowercase()
                .find(&matched.to_ascii_lowercase())
        })
        .flatten();
    match found {
        Some(start) => {
            let mut rest = String::with_capacity(reply.len());
            rest.push_str(reply.get(..start).unwrap_or_default());
            rest.push(' ');
            rest.push_str(reply.get(start + matched.len()..).unwrap_or_default());
            rest
        }
        None => reply.to_string(),
    }
}

/// Keeps a reply no rule could read at its question: it may answer a
/// later one ("Where is order #1045?" before the email was given).
pub(super) fn keep_unread(session: &mut Session, reply: &str) {
    keep(session, reply, None);
}

fn keep(session: &mut Session, reply: &str, used: Option<SlotKind>) {
    if reply.trim().is_empty() {
        return;
    }
    if session.offered.len() >= 2 {
        session.offered.remove(0);
    }
    session.offered.push((Arc::from(reply), used));
}

/// Forgets every answer given since `target` was answered (and its own).
fn forget_since(session: &mut Session, target: &Ask) {
    let threshold = session
        .bound_at
        .get(usize::from(target.var.0))
        .copied()
        .unwrap_or(0);
    if threshold == 0 {
        return;
    }
    for (value, at) in session.vars.iter_mut().zip(session.bound_at.iter_mut()) {
        if *at >= threshold {
            *value = Value::Null;
            *at = 0;
        }
    }
}

/// Forgets every answer (starting over).
fn forget_all(session: &mut Session) {
    for (value, at) in session.vars.iter_mut().zip(session.bound_at.iter_mut()) {
        *value = Value::Null;
        *at = 0;
    }
    session.offered.clear();
}

fn ask_at(machine: &Machine, state: StateId) -> Option<&Ask> {
    match machine
        .states
        .get(state.0 as usize)
        .map(|state| &state.kind)
    {
        Some(Kind::Ask(ask)) => Some(ask),
        _ => None,
    }
}

/// Whether `text` holds one of `needles` as whole words.
fn has_any(text: &str, needles: &[&str]) -> bool {
    needles.iter().any(|needle| {
        text.match_indices(needle).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + needle.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}
