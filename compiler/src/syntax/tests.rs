//! Unit tests of the grammar and the outline on small, tricky inputs.

use super::*;
use crate::source::SourceId;

fn outline(text: &str) -> String {
    let (document, diagnostics) = parse(SourceId(0), text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    document.dump()
}

#[test]
fn numbered_items_are_siblings() {
    let dump = outline("  1. Ask for the email.\n  2. Use @tool(email: str) to check.\n");
    assert_eq!(
        dump,
        "1 (number) Ask for the email.\n2 (number) Use @tool(email: str) to check.\n  refs: @tool(email: str)\n"
    );
}

#[test]
fn lone_and_dangling_bullets_take_the_next_line_as_text() {
    let dump = outline("-\nFirst\na. Use@tool_a\nto check.\nb. Last. -\nSecond\na. Again.\n");
    assert_eq!(
        dump,
        "1 (bullet) First\n  1.a (letter) Use@tool_a to check.\n    refs: @tool_a\n  1.b (letter) Last.\n2 (bullet) Second\n  2.a (letter) Again.\n"
    );
}

#[test]
fn indentation_nests_bullets_and_blank_lines_start_paragraphs() {
    let dump = outline("Intro line.\n\n  1. Offer:\n\n    • A: one\n    • B: two\n  2. Next\n");
    assert_eq!(
        dump,
        "p1 (paragraph) Intro line.\n1 (number) Offer:\n  1.1 (bullet) A: one\n  1.2 (bullet) B: two\n2 (number) Next\n"
    );
}

#[test]
fn the_line_under_a_markdown_heading_is_its_paragraph() {
    let dump = outline("## 1. Find them\nAsk for the email.\n## 2. Next\n\nThen end.\n");
    assert_eq!(
        dump,
        "1 (heading) Find them\n  1.p1 (paragraph) Ask for the email.\n2 (heading) Next\n  2.p1 (paragraph) Then end.\n"
    );
}

#[test]
fn repeated_numbering_keeps_labels_unique() {
    let dump = outline("1. A\n2. B\n\nAgain:\n\n1. A\n");
    assert!(dump.contains("1~2 (number) A"), "{dump}");
}

#[test]
fn curly_quotes_either_way_and_emails_are_not_tools() {
    let (document, _) = parse(
        SourceId(0),
        "If ”In transit” write to jane@example.com or @tool.\n",
    );
    let kinds: Vec<String> = document.items[0]
        .text
        .iter()
        .filter(|piece| {
            !matches!(
                piece.kind,
                InlineKind::Space | InlineKind::Word(_) | InlineKind::Symbol(_)
            )
        })
        .map(|piece| piece.kind.to_text())
        .collect();
    assert_eq!(kinds, ["\"In transit\"", "@tool"]);
}

#[test]
fn front_matter_is_read_and_unknown_keys_warned() {
    let (document, diagnostics) = parse(
        SourceId(0),
        "---\npolicy: demo\ncatalog: [a.toml, b.toml]\ncolour: red\n---\n1. Hi\n",
    );
    assert_eq!(document.front_matter.len(), 3);
    assert_eq!(
        document
            .front_matter_value("catalog")
            .map(|entry| entry.values()),
        Some(vec!["a.toml".to_string(), "b.toml".to_string()])
    );
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(document.items.len(), 1);
}

/// Grammar rules tested directly with pest's own macros.
mod grammar_rules {
    use super::super::grammar::{PolicyParser, Rule};
    use pest::{consumes_to, fails_with, parses_to};

    #[test]
    fn tool_reference_with_typed_and_bound_arguments() {
        parses_to! {
            parser: PolicyParser,
            input: "@cancel(order_id: $order.id)",
            rule: Rule::tool_ref,
            tokens: [
                tool_ref(0, 28, [
                    ident(1, 7),
                    tool_args(7, 28, [
                        tool_arg(8, 27, [ident(8, 16), arg_value(18, 27, [var_ref(18, 27)])])
                    ])
                ])
            ]
        };
    }

    #[test]
    fn an_at_sign_before_a_domain_is_not_a_tool() {
        fails_with! {
            parser: PolicyParser,
            input: "@example.com",
            rule: Rule::tool_ref,
            positives: vec![Rule::tool_ref],
            negatives: vec![],
            pos: 0
        };
    }

    #[test]
    fn a_closing_curly_quote_can_open_a_literal() {
        parses_to! {
            parser: PolicyParser,
            input: "”In transit”",
            rule: Rule::quoted,
            tokens: [quoted(0, 16, [curly_quoted(0, 16, [curly_text(3, 13)])])]
        };
    }

    #[test]
    fn a_dangling_bullet_ends_a_line() {
        parses_to! {
            parser: PolicyParser,
            input: " -\n",
            rule: Rule::dangling_bullet,
            tokens: [dangling_bullet(0, 2)]
        };
    }
}
