//! The run-time LLM seam for intent slots, as data: when the rules cannot
//! read a reply to a yes/no or options question, the shell may ask an
//! [`Interpreter`] once for that turn, and logs the question, the raw
//! answer and the value chosen as one [`Event::Interpreted`](crate::Event).
//!
//! The engine never trusts the interpreter: it re-reads the reply with the
//! rules first, and takes the chosen value only if it names one of the
//! ask's own edges; anything else is unclear. Replaying a log re-applies
//! the recorded answer, so replay needs no LLM.

use crate::engine::closed_set;
use crate::machine::{Ask, Kind, Machine, SlotKind};
use crate::render::render;
use crate::session::{Phase, Session};
use crate::slots::{Answer, Question, Repair, understand};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// The answer that means "none of these".
pub const UNCLEAR: &str = "unclear";

/// The conversation repairs an interpreter may choose instead of an
/// answer, offered after the ask's own values: each in parentheses, so no
/// option label is taken for one. `None` is a request for a person. A
/// confirmation never asks an interpreter, so none of these is ever a yes.
pub const REPAIR_CHOICES: [(&str, Option<Repair>); 8] = [
    ("(repeat the question)", Some(Repair::Repeat)),
    ("(a question back, not an answer)", Some(Repair::Question)),
    ("(never mind, stop here)", Some(Repair::CancelFlow)),
    ("(start over)", Some(Repair::StartOver)),
    ("(skip this question)", Some(Repair::Skip)),
    (
        "(something else: another order or record)",
        Some(Repair::SomethingElse),
    ),
    (
        "(asks for something this service cannot do)",
        Some(Repair::CannotHandle),
    ),
    ("(talk to a person)", None),
];

/// What the interpreter is asked: the question as sent, the customer's
/// reply, and the closed set of values (the node's options, then the
/// [`REPAIR_CHOICES`]; without [`UNCLEAR`], which is always allowed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentQuestion {
    /// The state asking.
    pub state: String,
    /// The question as the customer saw it.
    pub prompt: String,
    /// The customer's reply.
    pub reply: String,
    /// The values the answer may take (`yes`/`no`, or the option labels).
    pub options: Vec<String>,
}

/// One understanding call, as logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interpretation {
    /// The call's input.
    pub question: IntentQuestion,
    /// The model asked.
    pub model: String,
    /// The answer's content as received, if there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Why there is no usable answer (down, slow, garbage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The value the interpreter chose: one of the options or [`UNCLEAR`].
    pub chosen: String,
}

impl Interpretation {
    /// A call that gave no usable answer: the value is unclear.
    pub fn failed(question: IntentQuestion, model: &str, error: String) -> Interpretation {
        Interpretation {
            question,
            model: model.to_string(),
            output: None,
            error: Some(error),
            chosen: UNCLEAR.to_string(),
        }
    }
}

/// Maps a reply onto a closed set (an LLM in `keel-llm`; stubs in tests).
pub trait Interpreter {
    /// One understanding call. Failures are interpretations with an
    /// `error` and `chosen == "unclear"`, never panics.
    fn interpret(&mut self, question: &IntentQuestion) -> impl Future<Output = Interpretation>;
}

/// One phrasing decision, as logged: the template, the LLM's rewording
/// (if any), the guard's verdict, and the text actually sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phrasing {
    /// The message as the policy's template rendered it.
    pub template: String,
    /// The model asked.
    pub model: String,
    /// The rewording received, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrased: Option<String>,
    /// Whether the guard let the rewording through.
    pub accepted: bool,
    /// The guard's reason.
    pub verdict: String,
    /// What the customer saw: the rewording if accepted, else the template.
    pub sent: String,
}

/// Rewords messages (an LLM with a fact guard in `keel-llm`).
pub trait Phraser {
    /// One rewording. Failures send the template, never panic.
    fn phrase(&mut self, template: &str) -> impl Future<Output = Phrasing>;
}

/// The answer an interpreter's `chosen` value means at `ask`, if it is one
/// of the closed set or of the [`REPAIR_CHOICES`] (exactly, as sent);
/// anything else is unclear.
pub(crate) fn closed_answer(ask: &Ask, closed: &[String], chosen: &str) -> Option<Answer> {
    if !closed.iter().any(|value| value == chosen) {
        return REPAIR_CHOICES
            .iter()
            .find(|(choice, _)| *choice == chosen)
            .map(|(_, repair)| repair.map_or(Answer::Human, Answer::Repair));
    }
    match ask.slot {
        SlotKind::YesNo => match chosen {
            "yes" => Some(Answer::Yes),
            "no" => Some(Answer::No),
            _ => None,
        },
        SlotKind::Options => ask
            .options
            .iter()
            .position(|(label, _)| label.as_ref() == chosen)
            .map(Answer::Option),
        _ => None,
    }
}

/// The question an interpreter may be asked about `reply`: `Some` when the
/// session waits at an ask with a closed set (see [`closed_set`]) and the
/// rules find the reply unclear (a reply they read, or a request for a
/// person, never reaches an LLM).
pub fn intent_question(
    machine: &Machine,
    session: &Session,
    reply: &str,
) -> Option<IntentQuestion> {
    if session.phase != Phase::WaitingForUser {
        return None;
    }
    let Some(Kind::Ask(ask)) = machine
        .states
        .get(session.state.0 as usize)
        .map(|state| &state.kind)
    else {
        return None;
    };
    let answers = closed_set(ask)?;
    let mut prompt = String::new();
    render(machine, session, &ask.prompt, &mut prompt);
    let labels: Vec<&str> = answers.iter().map(String::as_str).collect();
    let described: Vec<&str> = ask.descriptions.iter().map(AsRef::as_ref).collect();
    let question = match ask.slot {
        SlotKind::YesNo => Question::YesNo { prompt: &prompt },
        _ => Question::Described(&labels, &described),
    };
    if understand(question, reply, session.today).answer != Answer::Unclear {
        return None;
    }
    let options = answers
        .iter()
        .cloned()
        .chain(REPAIR_CHOICES.iter().map(|(choice, _)| choice.to_string()))
        .collect();
    Some(IntentQuestion {
        state: machine.state_name(session.state).to_string(),
        prompt,
        reply: reply.to_string(),
        options,
    })
}
