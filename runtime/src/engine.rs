//! The pure step function: a session and an event in, the session's next
//! state and the effects to perform out.
//!
//! No IO, no clock (the date is in the session), no randomness, no async.
//! Each step moves along the machine's transitions until it must wait (an
//! ask, a tool call) or stops (an escalate or end state); a fuel budget
//! bounds the moves per step so no machine can loop forever.

mod calls;
mod cannot_handle;
mod repair;

use crate::eval::{eval, test};
use crate::event::{Effect, Event, Evidence, Handoff, Output, Snippet, Taken};
use crate::machine::{Ask, EdgeId, Kind, Machine, Piece, SlotKind, StateId, VarId};
use crate::render::{capacity, lookup, render, untranslated};
use crate::session::{Phase, Session};
use crate::slots::{Answer, Question, ReadBack, understand};
use crate::value::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Moves a step may make before keel stops the machine.
pub const FUEL: u32 = 512;

/// Applies one event: `(session, event) → (session', output)`.
pub fn step(machine: &Machine, mut session: Session, event: &Event) -> (Session, Output) {
    let mut output = Output::default();
    advance(machine, &mut session, event, &mut output);
    (session, output)
}

/// [`step`] in place, appending to `output` (for callers that reuse buffers).
pub fn advance(machine: &Machine, session: &mut Session, event: &Event, output: &mut Output) {
    match (session.phase, event) {
        (Phase::New, Event::Start) => run(machine, session, machine.start, output),
        (Phase::New, Event::Triggered(_))
        | (Phase::WaitingForTimer, Event::TimerFired(_) | Event::User(_)) => {
            crate::proactive::advance(machine, session, event, output);
        }
        (Phase::WaitingForUser, Event::User(text)) => {
            answer(machine, session, Some(text), None, output);
        }
        (Phase::WaitingForUser, Event::Interpreted(interpretation)) => answer(
            machine,
            session,
            Some(&interpretation.question.reply),
            Some(&interpretation.chosen),
            output,
        ),
        (Phase::WaitingForUser, Event::Timer) => answer(machine, session, None, None, output),
        (Phase::WaitingForTool, Event::ToolResult(result)) if result.call == session.pending => {
            calls::tool_result(machine, session, &result.outcome, output);
        }
        (Phase::HandedOff, Event::HandoffAcknowledged) => session.phase = Phase::Closed,
        // A message after the end may take the conversation up again.
        (Phase::Ended, Event::User(text)) => repair::reopen(machine, session, text, output),
        (Phase::HandedOff, Event::User(text)) => repair::after_hand_off(session, text, output),
        // A record of what was sent; the machine does not move.
        (_, Event::Phrased(_)) => {}
        (_, Event::ToolResult(_)) => output.ignored = Some("no tool call with that id is pending"),
        (_, Event::User(_) | Event::Interpreted(_)) => {
            output.ignored = Some("no question is open");
        }
        (_, Event::Start | Event::Triggered(_)) => {
            output.ignored = Some("the session has already started");
        }
        (_, Event::TimerFired(_)) => output.ignored = Some(crate::proactive::NO_SUCH_TIMER),
        (_, Event::Timer) => output.ignored = Some("nobody is being waited for"),
        (_, Event::HandoffAcknowledged) => output.ignored = Some("nothing was handed off"),
    }
}

fn answer(
    machine: &Machine,
    session: &mut Session,
    reply: Option<&String>,
    interpreted: Option<&String>,
    output: &mut Output,
) {
    let state = session.state;
    let Some(Kind::Ask(ask)) = machine
        .states
        .get(state.0 as usize)
        .map(|state| &state.kind)
    else {
        return fault(
            machine,
            session,
            "the session waits at a state that asks nothing",
            output,
        );
    };
    let mut understood = match reply {
        Some(reply) => read(machine, session, ask, reply),
        None => crate::slots::Understood {
            answer: Answer::Unclear,
            rule: "silence",
            matched: Snippet::default(),
        },
    };
    // The rules decide first; an interpreter's value counts only where
    // they found the reply unclear, only at an ask that may use one, and
    // only if it names one of the ask's own edges.
    if let (Answer::Unclear, Some(chosen)) = (&understood.answer, interpreted) {
        if let Some(closed) = closed_set(ask) {
            if let Some(answer) = crate::interpret::closed_answer(ask, &closed, chosen) {
                understood = crate::slots::Understood {
                    answer,
                    rule: "llm",
                    matched: Snippet::from(chosen.as_str()),
                };
            }
        }
    }
    // A request the policy cannot do goes to a person.
    if let Some(reply) = reply {
        if cannot_handle::cannot_handle(machine, session, ask, &understood, reply, output) {
            return;
        }
    }
    settle(
        machine,
        session,
        ask,
        understood,
        reply.map(String::as_str),
        output,
    );
}

/// Reads `reply` as an answer to `ask`, with the ask's own slot rules (a
/// confirmation strictly, against what it reads back).
pub(crate) fn read(
    machine: &Machine,
    session: &Session,
    ask: &Ask,
    reply: &str,
) -> crate::slots::Understood {
    let mut prompt = String::new();
    let options: Vec<&str>;
    let described: Vec<&str>;
    // The list an item is picked from, looked up once.
    let items = list_items(session, ask);
    let question = match ask.slot {
        SlotKind::Email => Question::Email,
        SlotKind::Text => Question::Text,
        SlotKind::Name => Question::Name,
        SlotKind::PostalCode => Question::PostalCode,
        SlotKind::Number => Question::Number,
        SlotKind::Date => Question::Date,
        // Only the last rule for a yes/no (the reply echoing the question's
        // verb) reads the question: it is rendered below, when needed.
        SlotKind::YesNo => Question::YesNo { prompt: "" },
        SlotKind::Options => {
            options = ask
                .options
                .iter()
                .map(|(label, _)| label.as_ref())
                .collect();
            described = ask.descriptions.iter().map(AsRef::as_ref).collect();
            Question::Described(&options, &described)
        }
        SlotKind::Item => Question::Item(items),
        SlotKind::Items => Question::Items(items),
    };
    if ask.confirms {
        render(machine, session, &ask.prompt, &mut prompt);
        let read_back = read_back(session, ask, &prompt);
        return understand(Question::Confirm(&read_back), reply, session.today);
    }
    let first = understand(question, reply, session.today);
    if ask.slot == SlotKind::Name {
        render(machine, session, &ask.prompt, &mut prompt);
        return name_part_of_full_name(session, first, &prompt);
    }
    if ask.slot == SlotKind::YesNo && first.answer == Answer::Unclear {
        render(machine, session, &ask.prompt, &mut prompt);
        understand(Question::YesNo { prompt: &prompt }, reply, session.today)
    } else {
        first
    }
}

/// A full name given where one part of it is asked: at the first-name
/// question ("I'm Isabella Brown") the first name is its first word, and
/// the rest stays in the reply, kept for the last-name question (see
/// [`settle`]); at the last-name question, a name that starts with the
/// first name the customer already gave ("Isabella Brown" after
/// "Isabella") is the rest.
fn name_part_of_full_name(
    session: &Session,
    read: crate::slots::Understood,
    prompt: &str,
) -> crate::slots::Understood {
    let prompt = prompt.to_ascii_lowercase();
    let asks_first = prompt.contains("first name") || prompt.contains("given name");
    let asks_last = ["last name", "surname", "family name"]
        .iter()
        .any(|part| prompt.contains(part));
    let Answer::Value(Value::Text(name)) = &read.answer else {
        return read;
    };
    let mut words = name.split_whitespace();
    let (Some(first), Some(_)) = (words.next(), words.next()) else {
        return read;
    };
    if asks_first {
        return crate::slots::Understood {
            answer: Answer::Value(Value::text(first)),
            rule: FIRST_OF_FULL_NAME,
            matched: crate::event::Snippet::from(first),
        };
    }
    let given = |value: &Value| {
        value
            .as_text()
            .is_some_and(|text| text.eq_ignore_ascii_case(first))
    };
    match name.get(first.len()..).map(str::trim) {
        Some(rest) if asks_last && session.vars.iter().any(given) => crate::slots::Understood {
            answer: Answer::Value(Value::text(rest)),
            rule: "last-name-of-full-name",
            matched: crate::event::Snippet::from(rest),
        },
        _ => read,
    }
}

/// The rule of [`name_part_of_full_name`]'s first names, and its name when
/// the full name was given before the question (see `repair::prefill`).
pub(super) const FIRST_OF_FULL_NAME: &str = "first-name-of-full-name";
pub(super) const FIRST_OF_FULL_NAME_EARLY: &str = "answered-early-first-name-of-full-name";

/// Acts on what a reply meant at `ask`: the answer's edge, a repair, a
/// correction of an earlier answer, or the question again.
fn settle(
    machine: &Machine,
    session: &mut Session,
    ask: &Ask,
    understood: crate::slots::Understood,
    reply: Option<&str>,
    output: &mut Output,
) {
    // What the reply says besides its answer, kept for a later question
    // (only a reply longer than its answer; never the answer's own words).
    let split_name = matches!(
        understood.rule,
        FIRST_OF_FULL_NAME | FIRST_OF_FULL_NAME_EARLY
    );
    let rest = reply
        .filter(|reply| split_name || reply.len() > understood.matched.as_str().len() + 12)
        .map(|reply| repair::without_answer(reply, understood.matched.as_str()));
    let evidence = Evidence::Slot {
        rule: understood.rule,
        matched: understood.matched,
    };
    // A no at a read-back that chooses an earlier answer instead ("hmm
    // wait, actually the 10% off would be fine, don't cancel") goes back
    // to that question (never a yes; a plain no stays a no).
    if let (true, Answer::No, Some(reply)) = (ask.confirms, &understood.answer, reply) {
        if repair::correct(machine, session, ask, reply, output) {
            return;
        }
    }
    let confirmed = matches!(understood.answer, Answer::Yes);
    let items = list_items(session, ask);
    let (edge, value) = match understood.answer {
        Answer::Repair(intent) => {
            // A question that names another answer to an earlier question
            // with a cue ("actually, can I still get that discount
            // instead?" at the read-back) goes back to that question.
            if let (crate::slots::Repair::Question, Some(reply)) = (intent, reply) {
                if repair::correct(machine, session, ask, reply, output) {
                    return;
                }
            }
            output.repair = Some(intent.name());
            return repair::handle(machine, session, ask, intent, reply, evidence, output);
        }
        Answer::Human => (ask.human, None),
        Answer::Value(value) => (ask.next, Some(value)),
        Answer::Yes => (ask.yes, Some(Value::Bool(true))),
        Answer::No => (ask.no, Some(Value::Bool(false))),
        Answer::Option(index) => match ask.options.get(index) {
            Some((label, edge)) => (Some(*edge), Some(Value::text(label))),
            None => (None, None),
        },
        Answer::Decline => (ask.no, None),
        Answer::Item(index) => (ask.next, items.get(index).cloned()),
        Answer::Items(indexes) => (
            ask.next,
            Some(Value::List(
                indexes
                    .iter()
                    .filter_map(|index| items.get(*index).cloned())
                    .collect(),
            )),
        ),
        Answer::NoneOfThem => (ask.not_found, None),
        Answer::Unclear => (None, None),
    };
    match edge {
        Some(edge) => {
            session.confirmed = confirmed;
            if let Some(value) = value {
                set(session, ask.var, value);
            }
            session.attempts = 0;
            if let Some(rest) = rest {
                if split_name {
                    // "Brown" of "I'm Isabella Brown" answers the last name.
                    repair::keep_unread(session, &rest);
                } else {
                    repair::offer(session, ask, &rest);
                }
            }
            take(machine, session, edge, evidence, output);
        }
        None => {
            // An answer to an earlier question ("sorry, wrong email, it's
            // maya@example.com") goes back to that question.
            if let Some(reply) = reply {
                if repair::correct(machine, session, ask, reply, output) {
                    return;
                }
                repair::keep_unread(session, reply);
            }
            unclear(machine, session, ask, evidence, output);
        }
    }
}

fn unclear(
    machine: &Machine,
    session: &mut Session,
    ask: &Ask,
    evidence: Evidence,
    output: &mut Output,
) {
    reask(machine, session, ask, None, evidence, output);
}

/// Asks the question again, after `lead` (or the slot's own "Sorry, …");
/// each time counts toward the ask's attempts, and when they are used up
/// the ask's `retry exhausted` edge is taken: every re-ask is bounded.
fn reask(
    machine: &Machine,
    session: &mut Session,
    ask: &Ask,
    lead: Option<&str>,
    evidence: Evidence,
    output: &mut Output,
) {
    session.attempts = session.attempts.saturating_add(1);
    if u32::from(session.attempts) >= ask.max_attempts {
        session.attempts = 0;
        match ask.exhausted {
            Some(edge) => take(machine, session, edge, evidence, output),
            None => fault(
                machine,
                session,
                "the answers stayed unclear and the ask has no way out",
                output,
            ),
        }
        return;
    }
    output.reasked = Some(u32::from(session.attempts));
    if let Evidence::Slot {
        rule: "email-several",
        matched,
    } = &evidence
    {
        // Several addresses: ask which one, never take the first silently.
        let mut text = format!(
            "I see more than one email address there ({}). Which one should I use? ",
            matched.as_str()
        );
        render(machine, session, &ask.prompt, &mut text);
        output.effects.push(Effect::Send(text));
        output.rest = Some(session.state);
        return;
    }
    let mut text = String::from(match ask.slot {
        _ if lead.is_some() => lead.unwrap_or_default(),
        SlotKind::Email => "Sorry, I couldn't find an email address in that. ",
        SlotKind::YesNo if ask.confirms => {
            "Before I go ahead I need a clear answer: “yes” to go ahead, or “no” to leave things as they are. "
        }
        SlotKind::YesNo => "Sorry, I didn't catch that. Could you answer yes or no? ",
        SlotKind::Options => "Sorry, I didn't catch which one you'd like. ",
        SlotKind::Item => "Sorry, I couldn't tell which one you mean. ",
        SlotKind::Items => {
            "Sorry, I couldn't tell which ones you mean. You can name them, give their numbers (“1 and 3”) or say “all of them”. "
        }
        SlotKind::Number => "Sorry, I need a number. ",
        SlotKind::Date => "Sorry, I couldn't read a date in that (for example 3 March 2026). ",
        SlotKind::Text => "Sorry, I didn't catch that. ",
        SlotKind::Name => "Sorry, I didn't catch the name. ",
        SlotKind::PostalCode => "Sorry, I couldn't find a zip or postal code in that. ",
    });
    if lead.is_none() && ask.slot == SlotKind::Item {
        item_hint(list_items(session, ask), &mut text);
    }
    render(machine, session, &ask.prompt, &mut text);
    output.effects.push(Effect::Send(text));
    output.rest = Some(session.state);
}

/// How to name an item of the list asked about: by its id, with the first
/// item's own id as the example ("such as #1042", never an id the customer
/// was not shown), or by its place in the list.
fn item_hint(items: &[Value], out: &mut String) {
    let id = items.first().and_then(|first| {
        crate::slots::ID_FIELDS
            .iter()
            .find_map(|field| match first.field(field) {
                // An id has a digit ("#1042", "W4887592"); a product's
                // `name` ("Backpack") is no number to give.
                Some(Value::Text(id)) if id.bytes().any(|byte| byte.is_ascii_digit()) => {
                    Some((*field, id))
                }
                _ => None,
            })
    });
    match id {
        Some((field, id)) => {
            out.push_str("You can give its number (such as ");
            crate::render::write_value(&Value::Text(id.clone()), field, out);
            out.push_str(") or say “the first one”. ");
        }
        None => out.push_str("You can say “the first one”, “the second one”, and so on. "),
    }
}

/// What a confirmation reads back: the question as sent, the records it
/// shows, the customer's other records (from the lists in the session) and
/// the shown record's position in the list it was picked from.
fn read_back<'a>(session: &'a Session, ask: &Ask, prompt: &'a str) -> ReadBack<'a> {
    let mut records: Vec<&Value> = Vec::new();
    for piece in &ask.prompt {
        if let Piece::Field(path) | Piece::List(path) = piece {
            let root = session
                .vars
                .get(usize::from(path.var.0))
                .unwrap_or(&Value::Null);
            if matches!(root, Value::Record(_))
                && !records.iter().any(|held| std::ptr::eq(*held, root))
            {
                records.push(root);
            }
        }
    }
    let shown = |item: &Value| {
        records
            .iter()
            .any(|record| crate::slots::same_record(record, item))
    };
    let mut others = Vec::new();
    let mut position = None;
    for value in &session.vars {
        let Some(list) = value.as_list() else {
            continue;
        };
        for (index, item) in list.iter().enumerate() {
            if !matches!(item, Value::Record(_)) {
                continue;
            }
            if shown(item) {
                position = position.or(Some(index + 1));
            } else {
                others.push(item);
            }
        }
    }
    ReadBack {
        text: prompt,
        records,
        others,
        position,
    }
}

fn list_items<'a>(session: &'a Session, ask: &Ask) -> &'a [Value] {
    ask.list
        .as_ref()
        .and_then(|path| lookup(session, path).as_list())
        .unwrap_or(&[])
}

pub(crate) fn set(session: &mut Session, var: VarId, value: Value) {
    if let Some(slot) = session.vars.get_mut(usize::from(var.0)) {
        *slot = value;
        session.binds = session.binds.saturating_add(1);
        // When it was first bound (since it was last forgotten): a
        // correction forgets what was first bound from the corrected
        // question on, and keeps a value bound before it and re-derived
        // since (the verifier's facts at that question hold on every path).
        if let Some(at) = session.bound_at.get_mut(usize::from(var.0)) {
            if *at == 0 {
                *at = session.binds;
            }
        }
    }
}

pub(crate) fn take(
    machine: &Machine,
    session: &mut Session,
    edge: EdgeId,
    evidence: Evidence,
    output: &mut Output,
) {
    output.taken.push(Taken { edge, evidence });
    match machine.edges.get(edge.0 as usize) {
        Some(edge) => run(machine, session, edge.to, output),
        None => fault(machine, session, "a transition leads nowhere", output),
    }
}

/// Follows transitions from `state` until the machine must wait or stops.
pub(crate) fn run(machine: &Machine, session: &mut Session, state: StateId, output: &mut Output) {
    let mut current = state;
    let mut fuel = FUEL;
    loop {
        session.state = current;
        if fuel == 0 {
            return fault(
                machine,
                session,
                "the machine moved too often without waiting",
                output,
            );
        }
        fuel -= 1;
        let Some(kind) = machine
            .states
            .get(current.0 as usize)
            .map(|state| &state.kind)
        else {
            return fault(machine, session, "a state is missing", output);
        };
        let (edge, evidence) = match kind {
            Kind::Ask(ask) => {
                if matches!(ask.slot, SlotKind::Item | SlotKind::Items)
                    && list_items(session, ask).is_empty()
                {
                    if let Some(edge) = ask.not_found {
                        (edge, Evidence::Value(Snippet::new("the list is empty")))
                    } else {
                        return fault(machine, session, "there is nothing to choose from", output);
                    }
                } else {
                    // An answer the customer gave before the question came.
                    if !session.offered.is_empty()
                        && repair::prefill(machine, session, current, ask, output)
                    {
                        return;
                    }
                    let mut text = String::with_capacity(capacity(session, &ask.prompt, 256));
                    render(machine, session, &ask.prompt, &mut text);
                    untranslated(machine, session, &ask.prompt, &mut output.untranslated);
                    output.effects.push(Effect::Send(text));
                    session.phase = Phase::WaitingForUser;
                    session.attempts = 0;
                    output.rest = Some(current);
                    return;
                }
            }
            Kind::Call { tool, args, .. } => {
                let Some(declared) = machine.tools.get(usize::from(*tool)) else {
                    return fault(machine, session, "the tool is missing", output);
                };
                if declared.writes {
                    // A change settles the request the customer's earlier
                    // words were about: a reply kept for a later question
                    // ("the makeup kit, medium") must not answer the next
                    // request's question (which items to return).
                    session.offered.clear();
                }
                if declared.destructive {
                    let boxed: Box<[Value]> =
                        args.iter().map(|(_, expr)| eval(session, expr)).collect();
                    if session
                        .destructive
                        .iter()
                        .any(|(done, done_args)| done == tool && *done_args == boxed)
                    {
                        // At most once per (tool, arguments) per session.
                        let error = Kind::error_edge(kind);
                        match error {
                            Some(edge) => {
                                (edge, Evidence::Tool("already performed in this session"))
                            }
                            None => {
                                return fault(
                                    machine,
                                    session,
                                    "a destructive call would repeat",
                                    output,
                                );
                            }
                        }
                    } else {
                        session.destructive.push((*tool, boxed));
                        calls::call(session, declared, args, output);
                        output.rest = Some(current);
                        return;
                    }
                } else {
                    calls::call(session, declared, args, output);
                    output.rest = Some(current);
                    return;
                }
            }
            Kind::Match {
                subject,
                cases,
                otherwise,
            } => {
                let value = lookup(session, subject);
                let text = match value {
                    Value::Text(text) => Some(text.as_ref()),
                    _ => None,
                };
                let case =
                    text.and_then(|text| cases.iter().find(|(case, _)| case.as_ref() == text));
                match (case, otherwise) {
                    (Some((case, edge)), _) => (*edge, Evidence::Value(Snippet::new(case))),
                    (None, Some(edge)) => (*edge, Evidence::Value(Snippet::from(value.plain()))),
                    (None, None) => {
                        return fault(
                            machine,
                            session,
                            "the value matches no case and there is no else",
                            output,
                        );
                    }
                }
            }
            Kind::Test { condition, yes, no } => {
                let (holds, evidence) = test(session, condition);
                (if holds { *yes } else { *no }, evidence)
            }
            Kind::Say { message, next } => {
                let mut text = String::with_capacity(128);
                render(machine, session, message, &mut text);
                untranslated(machine, session, message, &mut output.untranslated);
                output.effects.push(Effect::Send(text));
                (*next, Evidence::Always)
            }
            Kind::Set { var, value, next } => {
                let computed = eval(session, value);
                let evidence = Evidence::Value(Snippet::from(computed.plain()));
                set(session, *var, computed);
                (*next, evidence)
            }
            Kind::Escalate {
                reason,
                queue,
                ticket,
            } => {
                let context = context(machine, session);
                // A request the policy cannot do rides the ask's hand-off
                // edge; its own reason says so.
                let reason = if output.repair == Some(crate::slots::Repair::CannotHandle.name()) {
                    Arc::from(cannot_handle::CANNOT_HANDLE_REASON)
                } else {
                    reason.clone()
                };
                output.effects.push(Effect::HandOff(Handoff {
                    reason,
                    queue: queue.clone(),
                    ticket: *ticket,
                    context,
                }));
                session.phase = Phase::HandedOff;
                session.outcome = Some(Arc::from("escalated"));
                output.rest = Some(current);
                return;
            }
            Kind::End { outcome, .. } => {
                let outcome = crate::proactive::outcome(session, outcome);
                output.effects.push(Effect::End(outcome.clone()));
                session.phase = Phase::Ended;
                session.outcome = Some(outcome);
                output.rest = Some(current);
                return;
            }
            Kind::Retry {
                slot,
                limit,
                again,
                exhausted,
            } => {
                let Some(count) = session.counters.get_mut(usize::from(*slot)) else {
                    return fault(machine, session, "a retry counter is missing", output);
                };
                let before = u32::from(*count);
                if before < *limit {
                    *count = count.saturating_add(1);
                    (*again, Evidence::Count(before))
                } else {
                    (*exhausted, Evidence::Count(before))
                }
            }
            Kind::Goto { next } => (*next, Evidence::Always),
            Kind::Wait { seconds, .. } => {
                crate::proactive::schedule(session, *seconds, output);
                output.rest = Some(current);
                return;
            }
        };
        output.taken.push(Taken { edge, evidence });
        match machine.edges.get(edge.0 as usize) {
            Some(edge) => current = edge.to,
            None => return fault(machine, session, "a transition leads nowhere", output),
        }
    }
}

fn context(machine: &Machine, session: &Session) -> BTreeMap<String, Value> {
    session.context(machine)
}

/// Stops a machine that cannot go on, handing the conversation to people.
pub(crate) fn fault(machine: &Machine, session: &mut Session, why: &str, output: &mut Output) {
    output.effects.push(Effect::HandOff(Handoff {
        reason: Arc::from(format!(
            "keel stopped the conversation at {}: {why}",
            machine.state_name(session.state)
        )),
        queue: Arc::from("agent"),
        ticket: false,
        context: context(machine, session),
    }));
    session.phase = Phase::HandedOff;
    session.outcome = Some(Arc::from("fault"));
    output.rest = Some(session.state);
}

/// The closed set an interpreter may choose from at `ask`: `yes`/`no` or
/// the option labels. `None` where no interpreter may be used: other slot
/// types, and a confirmation (a yes/no whose `yes` can reach a write or
/// destructive call before the next question), which stays with the
/// deterministic rules.
pub(crate) fn closed_set(ask: &Ask) -> Option<Vec<String>> {
    match ask.slot {
        SlotKind::YesNo if ask.confirms => None,
        SlotKind::YesNo => Some(vec!["yes".to_string(), "no".to_string()]),
        SlotKind::Options if !ask.options.is_empty() => Some(
            ask.options
                .iter()
                .map(|(label, _)| label.to_string())
                .collect(),
        ),
        _ => None,
    }
}
