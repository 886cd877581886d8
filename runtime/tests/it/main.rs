//! keel-runtime's integration tests, one binary.

mod common;
// The carrier vocabulary, row by row: plain words, never a code.
mod carrier;
// The engine's proactive events: a triggered start, its timer once, a customer first.
mod timers;
// The confirmation corpus: no reply cancels without an explicit yes.
mod confirmation;
// Several email addresses in one reply are asked about.
mod email_corpus;
// The labelled corpus of customer replies and the rules' accuracy on it.
mod corpus;
// The blind repair replies: picks, corrections and repairs inside a reply.
mod repair_replies;
// The reply-reading rules case by case: picks, options, negations, questions.
mod replies;
// Property tests: random replies and tool responses never break the engine.
mod properties;
// The engine on the examples: replay, version pinning, at-most-once.
mod sessions;
