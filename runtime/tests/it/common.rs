//! Helpers: the example machines, compiled in-process.

use keel_compiler::compile;
use keel_runtime::{Date, Machine};
use std::path::PathBuf;

/// The repository's root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// An example's machine by folder name (with the policies it imports,
/// loaded by the CLI's loader).
pub(crate) fn example(name: &str) -> Machine {
    let inputs = keel_compiler::load(&[format!("examples/{name}/policy.md")], |path| {
        std::fs::read_to_string(root().join(path))
    })
    .unwrap_or_else(|error| panic!("{name}: {error}"));
    let compilation = compile(&inputs.policies, &inputs.catalogs);
    assert!(
        !compilation.has_errors(),
        "{name} does not compile: {:#?}",
        compilation.diagnostics
    );
    Machine::new(compilation.artifact()).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The four examples.
pub(crate) const EXAMPLES: [&str; 4] = [
    "shopify_wismo",
    "bigcommerce_order_info",
    "single_order_cancellation",
    "magento_cancel_retention",
];

/// The demo date.
pub(crate) fn today() -> Date {
    Date::from_ymd(2026, 3, 10).unwrap_or(Date(0))
}

/// An order record as the slot corpora's order lists hold them.
pub(crate) fn order(id: &str, date: &str, items: &str, status: &str) -> keel_runtime::Value {
    use keel_runtime::Value;
    use std::sync::Arc;
    Value::record(vec![
        (Arc::from("id"), Value::text(id)),
        (
            Arc::from("created_at"),
            Value::Date(Date::parse_iso(date).unwrap_or(Date(0))),
        ),
        (Arc::from("items"), Value::text(items)),
        (Arc::from("status"), Value::text(status)),
    ])
}
