//! The raw seed policies, cut verbatim from `shared/seeds/`, parse into the
//! outline a reader sees in them.

use keel_compiler::SourceId;
use keel_compiler::syntax;

#[test]
fn seed_outlines() {
    insta::glob!("../data/seeds", "*.txt", |path| {
        let text = std::fs::read_to_string(path).expect("seed text is readable");
        let (document, diagnostics) = syntax::parse(SourceId::default(), &text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        insta::assert_snapshot!(document.dump());
    });
}

/// The raw Shopify and BigCommerce texts compile with zero errors against
/// their examples' catalogs; the raw Magento text (whose vague steps the
/// example rewrites) yields diagnostics that point at each step keel cannot
/// read, with hints, and never loses one silently.
#[test]
fn raw_seed_texts_compile() {
    let root = crate::support::root();
    let catalog = |example: &str| {
        let path = root.join("examples").join(example).join("catalog.toml");
        keel_compiler::Source::new(
            format!("examples/{example}/catalog.toml"),
            std::fs::read_to_string(path).expect("catalog"),
        )
    };
    let seed = |name: &str| {
        keel_compiler::Source::new(
            format!("seeds/{name}"),
            std::fs::read_to_string(root.join("compiler/tests/data/seeds").join(name))
                .expect("seed"),
        )
    };
    for (name, example) in [
        ("000_shopify_wismo.txt", "shopify_wismo"),
        ("001_bigcommerce_order_info.txt", "bigcommerce_order_info"),
    ] {
        let compilation = keel_compiler::compile(&[seed(name)], &[catalog(example)]);
        let errors = crate::support::diagnostic_lines(&compilation);
        assert!(!compilation.has_errors(), "{name}: {errors:#?}");
    }
    let single = keel_compiler::Source::new(
        "examples/single_order_cancellation/policy.md",
        std::fs::read_to_string(root.join("examples/single_order_cancellation/policy.md"))
            .expect("policy"),
    );
    let compilation = keel_compiler::compile(
        &[seed("002_magento_cancel_retention.txt"), single],
        &[
            catalog("magento_cancel_retention"),
            catalog("single_order_cancellation"),
        ],
    );
    let front_end: Vec<String> = crate::support::diagnostic_lines(&compilation)
        .into_iter()
        .filter(|line| line.contains("[K01"))
        .collect();
    insta::assert_snapshot!("raw_magento_diagnostics", front_end.join("\n"));
}
