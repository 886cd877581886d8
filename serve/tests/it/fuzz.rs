//! The live API fuzzed.
