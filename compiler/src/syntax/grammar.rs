//! The pest parser generated from `grammar/policy.pest`. Private to `syntax`.

#![allow(missing_docs, unreachable_pub)]

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
pub(super) struct PolicyParser;
