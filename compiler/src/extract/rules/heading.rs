//! Headings: `Check Order Status`, `Escalation:`, `Check the order:`.

use super::{Example, ItemRule, ItemShape, read_actions};
use crate::extract::action::Action;
use crate::extract::lexicon::Class;
use crate::extract::tokens::{Tok, Token};
use crate::syntax::{Item, MarkerKind};

/// A short Title Case line (at most seven words, no references, no condition,
/// no full stop) or a Title Case line ending in `:` is a section heading; the
/// steps under it are the section's.
pub(crate) const RULE: ItemRule = ItemRule {
    name: "heading",
    shape: "Title Case Heading · Heading:",
    about: "A short Title Case line (at most seven words, no references, no condition, no full stop) or a Title Case line ending in `:` is a section heading; the steps under it are the section's. A section can be entered from another policy (`#Policy - Section`).",
    read,
    examples: &[Example {
        text: "Check Order Status",
        compiles_to: r#"section "Check Order Status""#,
    }],
};

/// A short line ending in `:` (at most six words, no references) that states no
/// condition and no action keel reads is a heading for the steps below it.
pub(crate) const COLON_RULE: ItemRule = ItemRule {
    name: "colon-heading",
    shape: "<a few words>:",
    about: "A short line ending in `:` (at most six words, no references) that states no condition and no action keel reads is a heading for the steps below it: `Check the order:`.",
    read: read_colon,
    examples: &[Example {
        text: "Before anything else:",
        compiles_to: r#"section "Before anything else""#,
    }],
};

fn read(item: &Item, tokens: &[Token]) -> Option<ItemShape> {
    if tokens.is_empty()
        || tokens.iter().any(|token| {
            matches!(
                token.kind,
                Tok::Tool { .. } | Tok::Policy(_) | Tok::Var(_) | Tok::Literal(_)
            )
        })
    {
        return None;
    }
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|token| token.word().is_some())
        .collect();
    if words.is_empty() || words.len() > 7 {
        return None;
    }
    if tokens
        .first()
        .is_some_and(|token| token.is_a(Class::ConditionOpener))
    {
        return None;
    }
    let ends_with_colon = tokens.last().is_some_and(|token| token.is_punct(':'));
    let ends_sentence = tokens.last().is_some_and(|token| token.is_punct('.'));
    let title_case = words.iter().all(|token| match &token.kind {
        Tok::Word { text, .. } => {
            (token.is_a(Class::TitleSmallWord) && text.starts_with(char::is_lowercase))
                || text.starts_with(|c: char| c.is_uppercase() || c.is_numeric())
        }
        _ => false,
    });
    let no_children_sentence = item.marker == MarkerKind::Paragraph || !ends_sentence;
    if (title_case && no_children_sentence && !ends_sentence) || (ends_with_colon && title_case) {
        return Some(ItemShape::Heading(written_words(tokens)));
    }
    None
}

fn read_colon(_item: &Item, tokens: &[Token]) -> Option<ItemShape> {
    if !tokens.last().is_some_and(|token| token.is_punct(':')) {
        return None;
    }
    let words = tokens.iter().filter(|token| token.word().is_some()).count();
    if words == 0
        || words > 6
        || tokens
            .iter()
            .any(|token| !matches!(token.kind, Tok::Word { .. } | Tok::Punct(_)))
    {
        return None;
    }
    if tokens
        .first()
        .is_some_and(|token| token.is_a(Class::ConditionOpener))
    {
        return None;
    }
    let understood = read_actions(&tokens[..tokens.len() - 1])
        .iter()
        .any(Result::is_ok);
    (!understood).then(|| ItemShape::Heading(written_words(tokens)))
}

/// The words of a heading as written, joined by spaces.
fn written_words(tokens: &[Token]) -> String {
    tokens
        .iter()
        .filter_map(|token| match &token.kind {
            Tok::Word { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Markdown heading (`## How it works`, `### 2. Check the membership`) is
/// a section heading; its number, if it has one, is its step label, and
/// what follows it up to the next heading of its level is its content.
pub(crate) const MARKDOWN_RULE: ItemRule = ItemRule {
    name: "markdown-heading",
    shape: "## Heading · ### 2. Numbered heading",
    about: "A Markdown heading (`## How it works`, `### 2. Check the membership`) is a section heading; its number, if it has one, is its step label (`go to step 2` goes there), and what follows it up to the next heading of its level is its content.",
    read: read_markdown,
    examples: &[Example {
        text: "### 6. Check the membership\n\nAsk for the customer's phone number.",
        compiles_to: r#"section "Check the membership"
[ok] ask text -> $phone_number: "Could you share your phone number?""#,
    }],
};

/// An item with sub-items whose own text is a short phrase (at most eight
/// words, no full stop, no reference, no question) is a section heading of
/// any wording: `Verify the customer`, `Confirm and cancel`, `How long`.
pub(crate) const SECTION_RULE: ItemRule = ItemRule {
    name: "section",
    shape: "<a short phrase> with sub-items under it",
    about: "An item with sub-items whose own text is a short phrase (at most eight words, no full stop, no `@tool`, `#Policy`, `$value` or quoted value, no question word) that no rule reads as an instruction is a section heading, whatever its wording: `Verify the customer`, `Pick the order`, `How long`; so is `Confirm …` over sub-steps (`Confirm and cancel`). Its sub-items are the section's steps. A short instruction a rule reads (`Ask for the email address`) stays a step with sub-steps. A short question over labelled cases (`Can the order still change?` over `Shipped: …`) is a title too; over `Yes` / `No` sub-items it stays the question they answer.",
    read: read_section,
    examples: &[
        Example {
            text: "Verify the phone number\n   a. Ask for the customer's phone number.",
            compiles_to: r#"section "Verify the phone number"
[ok] ask text -> $phone_number: "Could you share your phone number?""#,
        },
        Example {
            text: "Can the order still change?\n   - Processing: carry on.\n   - Shipped: tell them it is too late.",
            compiles_to: r#"section "Can the order still change"
[ok] match $order.status in {Processing, Shipped, In transit, Delivered, Canceled}
["Shipped"] say "It is too late.""#,
        },
    ],
};

/// A line of its own (a paragraph) that is a short phrase with no full stop
/// is a title: `Changing your delivery slot`.
pub(crate) const TITLE_RULE: ItemRule = ItemRule {
    name: "title",
    shape: "<a short line of its own, no full stop>",
    about: "A line of its own (between blank lines) that is a short phrase — at most ten words, no full stop, no `@tool`, `#Policy`, `$value` or quoted value, no condition — is a title: `Changing your delivery slot`. It marks a section, like a heading.",
    read: read_title,
    examples: &[Example {
        text: "\nChanging your delivery slot\n",
        compiles_to: r#"section "Changing your delivery slot""#,
    }],
};

fn read_markdown(item: &Item, tokens: &[Token]) -> Option<ItemShape> {
    matches!(item.marker, MarkerKind::Heading(_)).then(|| {
        let title = written_words(tokens);
        ItemShape::Heading(if title.is_empty() {
            item.plain_text()
        } else {
            title
        })
    })
}

/// Whether the tokens are a short phrase: words only (no reference or
/// quoted value), at most `most` of them, no full stop or question mark
/// inside or at the end, and no condition at the start.
fn short_phrase(tokens: &[Token], most: usize) -> bool {
    let words = tokens.iter().filter(|token| token.word().is_some()).count();
    words > 0
        && words <= most
        && tokens.iter().all(|token| match &token.kind {
            Tok::Word { .. } | Tok::Number(_) => true,
            Tok::Punct(c) => !matches!(c, '.' | '?' | '!' | ';'),
            _ => false,
        })
        && !tokens
            .first()
            .is_some_and(|token| token.is_a(Class::ConditionOpener))
}

fn read_section(item: &Item, tokens: &[Token]) -> Option<ItemShape> {
    // `Can the order still change?` over labelled cases (`Unfulfilled:
    // carry on.`) is a section title; over `Yes` / `No` it is a question.
    if let [title @ .., mark] = tokens {
        let answered = item.children.iter().all(|child| {
            crate::extract::tokens::tokens(&child.text)
                .first()
                .is_some_and(|first| first.is_a(Class::YesOrNo))
        });
        if mark.is_punct('?')
            && !item.children.is_empty()
            && !answered
            && short_phrase(title, 8)
            && !title
                .iter()
                .any(|token| token.is_a(Class::AskVerb) || token.is_a(Class::OfferVerb))
        {
            return Some(ItemShape::Heading(written_words(title)));
        }
    }
    if item.children.is_empty() || !short_phrase(tokens, 8) {
        return None;
    }
    // A question takes its sub-items as its answers: `Ask which …:`.
    let asks = tokens
        .iter()
        .any(|token| token.is_a(Class::AskVerb) || token.is_a(Class::OfferVerb));
    if tokens.iter().any(|token| token.is_punct('?'))
        || (asks
            && tokens.iter().any(|token| {
                token.is_a(Class::QuestionWord) || token.is_a(Class::Whether) || token.is("or")
            }))
    {
        return None;
    }
    // An instruction a rule reads (`Ask for the email address`) is a step
    // with sub-steps; `Confirm and cancel` over its steps is a title.
    let reads = read_actions(tokens);
    let titled_confirmation =
        matches!(reads.as_slice(), [Ok((Action::AskYesNo { .. }, "confirm"))])
            && !tokens.get(1).is_some_and(|token| {
                token.is_a(Class::Whether) || token.is("that") || token.is("with")
            });
    (reads.iter().all(Result::is_err) || titled_confirmation)
        .then(|| ItemShape::Heading(written_words(tokens)))
}

fn read_title(item: &Item, tokens: &[Token]) -> Option<ItemShape> {
    (item.marker == MarkerKind::Paragraph
        && item.children.is_empty()
        && short_phrase(tokens, 10)
        && !tokens.iter().any(|token| token.is_punct(':')))
    .then(|| ItemShape::Heading(written_words(tokens)))
}
