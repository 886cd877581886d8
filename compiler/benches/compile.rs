//! Compile time of each example, of generated policies of 250 to 8,000
//! steps (to show that growth is linear), and of issue 12's three large
//! policies. Run with `cargo bench -p keel-compiler --bench compile`.

// A bench: it may print, unwrap and expect (libraries may not).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]
// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use keel_compiler::{Source, compile};
use std::hint::black_box;
use std::path::Path;

/// Loads an example with the CLI's loader (catalogs and imports from front matter).
fn example(name: &str) -> (Vec<Source>, Vec<Source>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let inputs = keel_compiler::load(&[format!("examples/{name}/policy.md")], |path| {
        std::fs::read_to_string(root.join(path))
    })
    .expect("the example loads");
    (inputs.policies, inputs.catalogs)
}

const CATALOG: &str = r#"
[tools.get_account]
args = { email = "email" }
returns = "Account?"
verifies_identity = true

[tools.get_orders]
args = { email = "email" }
returns = "[Order]"
customer_data = true

[tools.get_order]
args = { order_id = "string" }
returns = "Order"
customer_data = true

[types.Account]
id = "string"

[types.Order]
id = "string"
status = { enum = ["Processing", "Shipped", "In transit", "Delivered", "Canceled"] }
tracking_number = "string?"
estimated_delivery_date = "date?"
"#;

/// A WISMO-shaped policy of `steps` numbered steps: blocks of ten steps that
/// ask, look up with a bounded retry, pick an order, and branch on its status.
pub fn generated_policy(steps: usize) -> String {
    let block = [
        "Ask for the customer's email address.",
        "Use @get_account to look up the customer.",
        "If the email address is not found, ask for a valid email address.",
        "If the email address is still not found, route to an agent for further investigation.",
        "Use @get_orders to retrieve the customer's orders.",
        "Display the list of orders and ask the customer which order they mean.",
        "Use @get_order to fetch the order.",
        "If \"Shipped\", inform that the order was shipped and provide the tracking number.",
        "If \"In transit\", check if the order is within the estimated delivery date. If yes, inform that the order is in transit. If no, apologize for the delay and route to an agent.",
        "If \"Processing\", \"Delivered\" or \"Canceled\", thank the customer for their patience.",
    ];
    let mut text = String::from("---\npolicy: generated\n---\n");
    for step in 0..steps {
        text.push_str(&format!("{}. {}\n", step + 1, block[step % block.len()]));
    }
    text
}

fn examples(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile_example");
    for name in [
        "shopify_wismo",
        "bigcommerce_order_info",
        "single_order_cancellation",
        "magento_cancel_retention",
    ] {
        let (policies, catalogs) = example(name);
        group.bench_function(name, |b| {
            b.iter(|| compile(black_box(&policies), black_box(&catalogs)))
        });
    }
    group.finish();
}

fn generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile_generated");
    group.sample_size(20);
    let catalog = [Source::new("catalog.toml", CATALOG)];
    for steps in [250, 500, 1000, 2000, 4000, 8000] {
        let policy = [Source::new("generated.md", generated_policy(steps))];
        let compilation = compile(&policy, &catalog);
        assert!(
            !compilation
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.code.id.starts_with("K01")),
            "{:?}",
            compilation.diagnostics.first()
        );
        group.throughput(Throughput::Elements(steps as u64));
        group.bench_with_input(BenchmarkId::from_parameter(steps), &policy, |b, policy| {
            b.iter(|| compile(black_box(policy), black_box(&catalog)))
        });
    }
    group.finish();
}

#[path = "../tests/it/large_inputs.rs"]
mod large_inputs; // Issue 12's three large policies, generated.

/// The issue's three large policies (≈ 1 MB of long steps, 20,000 short
/// steps, one step with 20,000 sub-bullets), against the cancellation
/// example's catalog.
fn large(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile_large");
    group.sample_size(10);
    let (_, catalogs) = example("single_order_cancellation");
    for (name, text) in [
        ("long_steps_9999", large_inputs::long_steps()),
        ("short_steps_20000", large_inputs::short_steps()),
        ("sub_bullets_20000", large_inputs::sub_bullets()),
    ] {
        let policy = [Source::new("policy.md", text)];
        group.bench_function(name, |b| {
            b.iter(|| compile(black_box(&policy), black_box(&catalogs)))
        });
    }
    group.finish();
}

criterion_group!(benches, examples, generated, large);
criterion_main!(benches);
