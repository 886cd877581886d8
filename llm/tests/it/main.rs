//! keel-llm's integration tests: one binary.

mod client; // the chat-completions client against the loopback stub
mod common; // example machines and the own-edges check
mod injection; // the prompt-injection corpus against a compromised stub model
mod intent; // intent slots: one call, logged, replayed, failures fall back
mod stub; // the loopback chat-completions server
