//! The compiler's one integration-test binary.

// A test: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod blind; // Blind batches as first written and as revised: diagnostics and machines.
mod catalogs; // A catalog cannot declare a weaker effect than its adapter's.
mod compose; // Catalogs compose: types kept apart per catalog, shared when identical.
mod examples; // Every example compiles clean; listings and graphs are snapshots.
mod layout; // The drawing: no overlaps, implicit hand-offs as badges, crossings pinned.
mod lock; // Frozen LLM answers: checked, marked for review, byte-identical.
mod paraphrase; // The same intent, written many ways, extracts the same.
mod paths; // The paths `keel paths` plans for each example.
mod properties; // Compiling arbitrary text never panics and is deterministic.
mod reference; // docs/policy-language.md is generated from the rule tables.
mod review; // The HTML review page, plain language and the semantic diff.
mod seeds; // The published seed texts parse, exactly as published.
mod size; // Policies of 10,000–20,000 steps or sub-bullets compile on a 2 MiB stack.
mod support; // Loading policies with their catalogs and imports, as the CLI does.
mod unseen; // Policies written without seeing the rules, as first written and as revised.
mod verify; // Each verifier check fails its test policy; the examples verify clean.
