//! Helpers: the example machines, compiled in-process.

use keel_compiler::{Source, compile};
use keel_runtime::{Date, Machine};
use std::path::PathBuf;

/// The repository's root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> Source {
    let text = std::fs::read_to_string(root().join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"));
    Source::new(path, text)
}

/// An example's machine by folder name.
pub(crate) fn example(name: &str) -> Machine {
    let (policies, catalogs): (Vec<&str>, Vec<&str>) = match name {
        "magento_cancel_retention" => (
            vec![
                "examples/magento_cancel_retention/policy.md",
                "examples/single_order_cancellation/policy.md",
            ],
            vec![
                "examples/magento_cancel_retention/catalog.toml",
                "examples/single_order_cancellation/catalog.toml",
            ],
        ),
        _ => (vec![], vec![]),
    };
    let (policies, catalogs) = if policies.is_empty() {
        (
            vec![format!("examples/{name}/policy.md")],
            vec![format!("examples/{name}/catalog.toml")],
        )
    } else {
        (
            policies.into_iter().map(String::from).collect(),
            catalogs.into_iter().map(String::from).collect(),
        )
    };
    let policies: Vec<Source> = policies.iter().map(|path| read(path)).collect();
    let catalogs: Vec<Source> = catalogs.iter().map(|path| read(path)).collect();
    let compilation = compile(&policies, &catalogs);
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
