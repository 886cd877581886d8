//! keel-serve's integration tests: one binary.

// A test: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

// The harness: servers over each store, a client.
mod common;
// The API against SQLite and PostgreSQL: sessions, pinning, security, concurrency, metrics.
mod api;
// The confirmation traps over HTTP: asked again, never a yes.
mod confirmation;
// Tools over HTTP: idempotency keys, a call resumed after a crash.
mod tools;
// The live API fuzzed with malformed and oversized requests.
mod fuzz;
// Hardening: effects a catalog may not weaken, input sizes, identity, timeouts.
mod hardening;
// Serve hygiene: header and body deadlines, declared lengths, who learns a session is busy.
mod hygiene;
// Conversation repair over HTTP: repeat, questions, never mind, start over after the end; metrics.
mod repair;
// Proactive WISMO: carrier webhooks, scan gaps, a timer across restarts, continuity.
mod proactive;
