//! Properties of the front end over arbitrary text: compiling never panics,
//! and the same input always gives the same bytes and the same diagnostics.
//! `PROPTEST_CASES` raises the number of cases (CI runs the default).

use keel_compiler::{Source, compile, emit};
use proptest::prelude::*;

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
returns = "Order?"
customer_data = true

[tools.cancel_order]
args = { order_id = "string" }
returns = "Order"
effect = "destructive"

[types.Account]
id = "string"

[types.Order]
id = "string"
status = { enum = ["Processing", "Shipped", "In transit", "Delivered"] }
tracking_number = "string?"
estimated_delivery_date = "date?"
"#;

/// Pieces that look like policy text, so generated inputs reach deep into
/// the rules instead of stopping at the first unknown word.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("If".to_string()),
        Just("if yes".to_string()),
        Just("If no,".to_string()),
        Just("\"Shipped\"".to_string()),
        Just("“In transit”".to_string()),
        Just("”Delivered”".to_string()),
        Just("\"Lost\"".to_string()),
        Just("@get_order".to_string()),
        Just("@get_orders(email: str)".to_string()),
        Just("@cancel_order(order_id: $order.id)".to_string()),
        Just("@unknown_tool(".to_string()),
        Just("#Other_policy".to_string()),
        Just("#Other – Section".to_string()),
        Just("$order.status".to_string()),
        Just("$".to_string()),
        Just("ask for the email address".to_string()),
        Just("ask the user which order".to_string()),
        Just("confirm with the customer if the order arrived".to_string()),
        Just("route to an agent".to_string()),
        Just("inform that the order shipped".to_string()),
        Just("provide the tracking number".to_string()),
        Just("is not found".to_string()),
        Just("is still not found".to_string()),
        Just("ask for a valid email".to_string()),
        Just("check if the order is within the estimated delivery date".to_string()),
        Just("offer retention options:".to_string()),
        Just("end the conversation as kept".to_string()),
        Just("otherwise".to_string()),
        Just(",".to_string()),
        Just(".".to_string()),
        Just(":".to_string()),
        Just("e.g.".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        "[a-zA-Z]{1,8}",
        "\\PC{0,6}",
    ]
}

fn line() -> impl Strategy<Value = String> {
    let marker = prop_oneof![
        Just(""),
        Just("1. "),
        Just("12. "),
        Just("a. "),
        Just("- "),
        Just("-"),
        Just("• "),
        Just("  "),
        Just("    • "),
        Just("---"),
    ];
    (marker, prop::collection::vec(fragment(), 0..12))
        .prop_map(|(marker, words)| format!("{marker}{}", words.join(" ")))
}

fn policy_text() -> impl Strategy<Value = String> {
    (
        prop::option::of(Just("---\npolicy: generated\ncatalog: catalog.toml\n---\n")),
        prop::collection::vec(line(), 0..14),
        any::<bool>(),
    )
        .prop_map(|(front, lines, final_newline)| {
            let mut text = front.unwrap_or_default().to_string();
            text.push_str(&lines.join("\n"));
            if final_newline {
                text.push('\n');
            }
            text
        })
}

fn compile_twice(text: &str, other: &str) -> (String, String) {
    let run = || {
        let compilation = compile(
            &[
                Source::new("generated.md", text),
                Source::new("other.md", other),
            ],
            &[Source::new("catalog.toml", CATALOG)],
        );
        let diagnostics = compilation
            .diagnostics
            .iter()
            .map(|diagnostic| format!("{:?}", diagnostic))
            .collect::<Vec<_>>()
            .join("\n");
        // The drawing too: laid out without panicking, the same every time.
        let drawing = emit::svg(&compilation.machine, &compilation.sources);
        (
            emit::artifact::to_json(&compilation.artifact()),
            diagnostics,
            drawing,
        )
    };
    let first = run();
    let second = run();
    assert_eq!(first, second, "compiling twice differed");
    (first.0, first.1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(256)
    ))]

    /// Policy-shaped text never panics and always compiles the same way.
    #[test]
    fn policy_shaped_text_compiles_deterministically(text in policy_text(), other in policy_text()) {
        let (json, _) = compile_twice(&text, &format!("---\npolicy: Other_policy\n---\n{other}"));
        prop_assert!(json.contains("\"schema_version\""));
        // The artifact always round-trips through its own schema.
        let parsed: Result<emit::artifact::Artifact, _> = serde_json::from_str(&json);
        prop_assert!(parsed.is_ok());
    }

    /// Arbitrary text, including control characters and broken UTF-8 made
    /// lossy, never panics.
    #[test]
    fn arbitrary_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).to_string();
        compile_twice(&text, "");
    }
}

/// Pathological nesting — thousands of indentation levels, thousands of
/// conditions each inside the last — is cut off with a diagnostic, never a
/// stack overflow.
#[test]
fn deep_nesting_is_bounded() {
    let mut indented = String::new();
    for depth in 0..3000 {
        indented.push_str(&" ".repeat(depth));
        indented.push_str("1. If yes, ask the user if they want more.\n");
    }
    let mut chained = String::from("1. Ask the user if they want more.\n");
    for _ in 0..3000 {
        chained.push_str("- If yes, ask the user if they want more.\n");
    }
    for text in [indented, chained] {
        let compilation = compile(
            &[Source::new("deep.md", text)],
            &[Source::new("catalog.toml", CATALOG)],
        );
        assert!(compilation.has_errors());
    }
}

#[test]
fn no_policy_at_all_is_an_error_not_a_panic() {
    let catalog = Source::new("c.toml", "[types.Order]\nid = \"string\"\n");
    for catalogs in [Vec::new(), vec![catalog]] {
        let compilation = compile(&[], &catalogs);
        assert!(
            compilation
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.code.id == "K0114"),
            "{:?}",
            compilation.diagnostics
        );
        // The artifact is still a machine that ends at once.
        let _ = compilation.artifact();
    }
}
