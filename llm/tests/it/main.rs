//! keel-llm's integration tests: one binary.

// A test: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod client; // the chat-completions client against the loopback stub
mod common; // example machines and the own-edges check
mod injection; // the prompt-injection corpus against a compromised stub model
mod intent; // intent slots: one call, logged, replayed, failures fall back
mod phrasing; // the fact guard, and reworded messages in a conversation
mod real_model; // end to end with a real small model on loopback (when configured)
mod stub; // the loopback chat-completions server
