//! Headings: `Check Order Status`, `Escalation:`, `Check the order:`.

use super::{Example, ItemRule, ItemShape, read_actions};
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
