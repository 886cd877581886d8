//! Synthesis on the examples: every planned path is driven, cases and date
//! tests get values on the right side, a path the machine would not take is
//! refused.

use super::{conversation, synthesise};
use crate::machine::EdgeId;
use crate::script::Script;
use crate::{Date, Machine};
use keel_compiler::machine::TransitionId;
use keel_compiler::machine::paths::{self, PathOptions};
use std::path::PathBuf;

fn today() -> Date {
    Date::from_ymd(2026, 3, 10).unwrap_or(Date(0))
}

fn compiled(example: &str) -> (keel_compiler::Compilation, Machine) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let inputs = keel_compiler::load(&[format!("examples/{example}/policy.md")], |path| {
        std::fs::read_to_string(root.join(path))
    })
    .unwrap_or_else(|error| panic!("{error}"));
    let compilation = keel_compiler::compile(&inputs.policies, &inputs.catalogs);
    assert!(!compilation.has_errors(), "{example} compiles");
    let machine = Machine::new(compilation.artifact()).unwrap_or_else(|error| panic!("{error}"));
    (compilation, machine)
}

fn edges(path: &[TransitionId]) -> Vec<EdgeId> {
    path.iter()
        .map(|id| EdgeId(u32::try_from(id.index()).unwrap_or(u32::MAX)))
        .collect()
}

/// The covering plan's conversations, by slug.
fn planned(example: &str) -> Vec<(String, Script)> {
    let (compilation, machine) = compiled(example);
    let planner = &compilation.machine;
    let plan = paths::plan(
        planner,
        PathOptions {
            all: false,
            limit: 1_000,
        },
        |path| {
            let description = paths::describe(planner, path);
            let (script, _) = conversation(&machine, &edges(path), today(), &description)?;
            Some(((paths::slug(planner, path), script), path.to_vec()))
        },
    );
    assert_eq!(
        plan.infeasible, 0,
        "{example}: every planned path is driven"
    );
    // The plan covers the policy's own transitions; repair transitions
    // (corrections, start over, never mind) are driven by the repair corpus.
    let policy_transitions = paths::policy_transitions(planner).len();
    assert_eq!(plan.covered.len(), policy_transitions, "{example}");
    plan.chosen
}

fn stubbed<'s>(script: &'s Script, tool: &str) -> &'s serde_json::Value {
    script
        .stubs
        .iter()
        .find(|stub| stub.tool == tool)
        .and_then(|stub| stub.ok.as_ref())
        .unwrap_or_else(|| panic!("no payload for {tool}"))
}

fn find<'p>(planned: &'p [(String, Script)], slug: &str) -> &'p Script {
    planned
        .iter()
        .find(|(found, _)| found == slug)
        .map(|(_, script)| script)
        .unwrap_or_else(|| panic!("no path {slug}"))
}

#[test]
fn every_planned_path_of_every_example_is_driven() {
    for example in [
        "shopify_wismo",
        "bigcommerce_order_info",
        "single_order_cancellation",
        "magento_cancel_retention",
    ] {
        for (slug, script) in planned(example) {
            assert!(script.expect.is_some(), "{example} {slug}: recorded");
        }
    }
}

#[test]
fn a_match_case_gets_its_value_in_the_stub() {
    let planned = planned("shopify_wismo");
    let shipped = find(&planned, "11_match_shipped");
    assert_eq!(
        stubbed(shipped, "shopify_order_details")["status"],
        "Shipped"
    );
    // `else`-less matches: a case the policy handles is never stubbed as
    // another one.
    let canceled = find(&planned, "11_match_canceled");
    assert_eq!(
        stubbed(canceled, "shopify_order_details")["status"],
        "Canceled"
    );
}

#[test]
fn a_date_test_gets_a_date_on_the_side_it_takes() {
    // "check if the order is within the estimated delivery date".
    let planned = planned("bigcommerce_order_info");
    let date = |slug: &str| {
        let value =
            &stubbed(find(&planned, slug), "bigcommerce_order_details")["estimated_delivery_date"];
        Date::parse_iso(value.as_str().unwrap_or_default()).unwrap_or(Date(0))
    };
    assert!(date("3_f_test_yes") >= today());
    assert!(date("3_f_test_no") < today());
}

#[test]
fn a_path_the_machine_does_not_take_is_refused() {
    let (compilation, machine) = compiled("shopify_wismo");
    let planner = &compilation.machine;
    let (all, _) = paths::enumerate(planner, 1_000);
    let path = all.iter().find(|path| path.len() > 3).expect("a long path");
    // Drop a transition from the middle: the plan no longer connects.
    let mut broken = edges(path);
    broken.remove(2);
    assert!(conversation(&machine, &broken, today(), "").is_none());
    // The intact path is driven, and its plan is deterministic.
    let first = synthesise(&machine, &edges(path), today(), "");
    let second = synthesise(&machine, &edges(path), today(), "");
    assert!(first.is_some());
    assert_eq!(first, second);
    assert!(conversation(&machine, &edges(path), today(), "").is_some());
}
