//! keel's runtime: a compiled machine and events in; messages, tool calls,
//! hand-offs and an exact event log out.
//!
//! # Steps
//!
//! * [`Machine::new`]: the compiler's [`Artifact`](keel_compiler::emit::artifact::Artifact)
//!   → an index for execution (states by number, transitions resolved by label);
//! * [`step`]: `(&Machine, Session, &Event)` → `(Session, Output)`, the pure
//!   engine — no IO, no clock (the date is injected into the [`Session`]),
//!   no randomness, a fuel bound per step;
//! * [`slots::understand`]: a customer's reply → a slot value, a choice, or
//!   "unclear", by rules, with the evidence;
//! * [`intent_question`] → [`Interpreter`] → [`Event::Interpreted`]: where the
//!   rules find a reply to a yes/no or options question unclear, at most one
//!   LLM call per turn maps it onto the ask's closed set (the engine accepts
//!   only a value naming one of the ask's own edges); the call is an event,
//!   so replay needs no LLM;
//! * [`Conversation`]: the shell — applies events, performs tool calls through
//!   a [`ToolExecutor`] (tokio) or [`BlockingTools`] (in-process), and keeps
//!   the event log;
//! * [`DemoStore`]: the embedded, offline backend serving every example tool;
//! * [`log`]: the session as JSON lines, [`log::replay`] and [`log::explain`];
//! * [`script`]: scripted and golden conversations, transcripts, coverage;
//! * [`synthesis`]: a planned path through the machine → a script that
//!   drives exactly that path (what `keel paths` writes).
//!
//! ```
//! use keel_runtime::{Conversation, Date, DemoStore, Machine};
//! # let artifact = keel_compiler::compile(
//! #     &[keel_compiler::Source::new("p.md", "1. Ask for the user's email address.\n2. Use @get_shopify_account_details to check the account.\n")],
//! #     &[keel_compiler::Source::new("c.toml", "[tools.get_shopify_account_details]\nargs = { email = \"email\" }\nreturns = \"Account?\"\nadapter = \"shopify.customer_by_email\"\n[types.Account]\nid = \"string\"\n")],
//! # ).artifact();
//! let machine = Machine::new(artifact).expect("a consistent machine");
//! let today = Date::from_ymd(2026, 3, 10).expect("a date");
//! let mut store = DemoStore::embedded(today);
//! let mut conversation = Conversation::new(&machine, today);
//! conversation.start_blocking(&mut store);
//! conversation.reply_blocking("it's maya@example.com", &mut store);
//! assert!(conversation.session().is_finished());
//! ```

mod engine;
mod error;
mod eval;
mod event;
mod interpret;
pub mod log;
mod machine;
mod proactive;
mod render;
pub mod script;
mod session;
mod shell;
pub mod slots;
mod store;
pub mod synthesis;
mod tools;
mod value;

pub use engine::{FUEL, advance, step};
pub use error::{Error, ErrorKind};
pub use event::{
    Args, Effect, Effects, Event, Evidence, Handoff, Output, Snippet, Taken, Takens, Timer,
    TimerFired, ToolCall, ToolOutcome, ToolResult, Triggered,
};
pub use interpret::{
    IntentQuestion, Interpretation, Interpreter, Phraser, Phrasing, REPAIR_CHOICES, UNCLEAR,
    intent_question,
};
pub use machine::{EdgeId, Machine, StateId};
pub use proactive::trigger_holds;
pub use session::{Phase, Session};
pub use shell::{Conversation, Entry, block_on};
pub use store::{DEMO_STORE_JSON, DemoStore};
pub use tools::{BlockingTools, Caller, Stubbed, ToolExecutor};
pub use value::{Date, MONTHS, Money, Value};
