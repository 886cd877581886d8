//! Verification time of each example and of generated policies of 250 to
//! 2,000 steps, to show that growth is near-linear. Only `verify` is timed:
//! each policy is compiled once, outside the measurement.
//! Run with `cargo bench -p keel-compiler --bench verify`.

// A bench: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]
// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use keel_compiler::{Compilation, Source, compile, verify};
use std::hint::black_box;
use std::path::Path;

/// Loads an example with the CLI's loader (catalogs and imports from
/// front matter) and compiles it.
fn example(name: &str) -> Compilation {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let inputs = keel_compiler::load(&[format!("examples/{name}/policy.md")], |path| {
        std::fs::read_to_string(root.join(path))
    })
    .expect("the example loads");
    compile(&inputs.policies, &inputs.catalogs)
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
