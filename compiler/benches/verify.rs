//! Verification time of each example and of generated policies of 250 to
//! 2,000 steps, to show that growth is near-linear. Only `verify` is timed:
//! each policy is compiled once, outside the measurement.
//! Run with `cargo bench -p keel-compiler --bench verify`.

// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use keel_compiler::{Compilation, Source, compile, verify};
use std::hint::black_box;
use std::path::Path;

/// Loads and compiles an example the way the CLI does (catalogs and
/// imports from front matter).
fn example(name: &str) -> Compilation {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut policies = Vec::new();
    let mut catalogs = Vec::new();
    let mut queue = vec![root.join("examples").join(name).join("policy.md")];
    while let Some(path) = queue.pop() {
        let text = std::fs::read_to_string(&path).expect("policy");
        let folder = path.parent().expect("folder").to_path_buf();
        let (document, _) = keel_compiler::syntax::parse(Default::default(), &text);
        let listed = document
            .front_matter_value("catalog")
            .map(|entry| entry.values())
            .unwrap_or_else(|| vec!["catalog.toml".into()]);
        for catalog in listed {
            if catalogs.iter().all(|known: &Source| known.name != catalog) {
                catalogs.push(Source::new(
                    catalog.clone(),
                    std::fs::read_to_string(folder.join(&catalog)).expect("catalog"),
                ));
            }
        }
        if let Some(entry) = document.front_matter_value("imports") {
            queue.extend(entry.values().iter().map(|import| folder.join(import)));
        }
        policies.push(Source::new(path.display().to_string(), text));
    }
    compile(&policies, &catalogs)
}

// The same catalog the data-driven verifier tests use.
const CATALOG: &str = include_str!("../tests/data/verify/catalog.toml");

/// A policy of `steps` numbered steps: blocks of nine that ask, look the
/// customer up with a bounded retry, pick an order, branch on its status
/// and confirm a cancellation, so every check has work to do.
fn generated_policy(steps: usize) -> String {
    let block = [
        "Ask for the user's email address.",
        "Use @find_customer to check if the customer exists.",
        "If the email address is not found, ask for a valid email address.",
        "If the email address is still not found, route to an agent for further investigation.",
        "Use @get_orders to retrieve the user's recent orders.",
        "Display the list of recent orders and ask the user which order they would like to cancel.",
        "Use @order_details to retrieve the order's status.\n   a. If \"shipped\" or \"closed\", inform that the order can no longer be cancelled and end the conversation as not cancellable.\n   b. If \"open\", continue with the next step.",
        "Ask the user to confirm that they want to cancel order $order.number.",
        "If yes, use @cancel_order(order_id: $order.id) to cancel the order.",
    ];
    let mut text = String::new();
    for step in 0..steps {
        text.push_str(&format!("{}. {}\n", step + 1, block[step % block.len()]));
    }
    text
}

fn generated(steps: usize) -> Compilation {
    compile(
        &[Source::new("generated.policy.md", generated_policy(steps))],
        &[Source::new("catalog.toml", CATALOG)],
    )
}

fn examples(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify/example");
    for name in [
        "shopify_wismo",
        "bigcommerce_order_info",
        "single_order_cancellation",
        "magento_cancel_retention",
    ] {
        let compilation = example(name);
        group.bench_function(name, |b| {
            b.iter(|| verify::verify(black_box(&compilation.machine), &compilation.catalog))
        });
    }
    group.finish();
}

fn growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("verify/generated");
    group.sample_size(20);
    for steps in [250, 500, 1000, 2000] {
        let compilation = generated(steps);
        assert!(
            !compilation.has_errors(),
            "{:?}",
            compilation.diagnostics.first()
        );
        group.throughput(Throughput::Elements(steps as u64));
        group.bench_with_input(BenchmarkId::from_parameter(steps), &compilation, |b, c| {
            b.iter(|| verify::verify(black_box(&c.machine), &c.catalog))
        });
    }
    group.finish();
}

criterion_group!(benches, examples, growth);
criterion_main!(benches);
